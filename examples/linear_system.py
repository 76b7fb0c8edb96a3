"""Solving a linear system A x = Y by gradient descent on the mean squared error.

    A = [[5, 1, -1], [2, -1, 1], [1, 3, -2]],  Y = [1, 4, 0]

Starting from x = 0, each iteration computes loss = mean((A @ x - Y)²), lets the
engine find d(loss)/dx and steps x <- x - lr * grad (lr 0.01, 10,000 iterations).
The loss is printed every 1,000 iterations and A·x is compared with Y at the end
(the exact solution is x = [5/7, 31/7, 7]). The figure shows the loss on a log scale
and each component of x approaching the solution; the slow tail is the small
eigenvalue of AᵀA at work.

    python examples/linear_system.py --out out/
"""

from __future__ import annotations

import numpy as np
from _common import make_parser, output_dir, plt, save_figure

import autograd_lite as al

A = [[5.0, 1.0, -1.0], [2.0, -1.0, 1.0], [1.0, 3.0, -2.0]]
Y = [1.0, 4.0, 0.0]


def solve(iterations: int = 10_000, lr: float = 0.01, report_every: int = 1_000) -> dict:
    """Gradient descent on mean((A x - Y)²); returns x, A·x, and the loss history."""
    a = al.tensor(A, dtype=np.float64)
    y = al.tensor(Y, dtype=np.float64)
    x = al.zeros(3, dtype=np.float64, requires_grad=True)
    losses = []
    trajectory = [x.numpy().copy()]
    for step in range(1, iterations + 1):
        loss = ((a @ x - y) ** 2).mean()
        x.grad = None
        loss.backward()
        x.data = x.data - lr * x.grad.data
        losses.append(loss.item())
        trajectory.append(x.numpy().copy())
        if step % report_every == 0:
            print(f"iteration {step:>6}: loss = {loss.item():.3e}")
    with al.no_grad():
        ax = a @ x
    return {
        "x": x.numpy().copy(),
        "Ax": ax.numpy().copy(),
        "final_loss": losses[-1],
        "losses": np.array(losses),
        "trajectory": np.array(trajectory),
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--iterations", type=int, default=10_000, help="gradient-descent steps")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
    args = parser.parse_args(argv)
    if args.fast:
        args.iterations = min(args.iterations, 1_000)
    out = output_dir(args.out)

    result = solve(args.iterations, args.lr, report_every=max(1, args.iterations // 10))
    exact = np.linalg.solve(np.array(A), np.array(Y))
    # Only for these lines: main() also runs inside other programs (the tests).
    with np.printoptions(precision=5, suppress=True):
        print(f"x   = {result['x']}   (exact solution {exact})")
        print(f"A·x = {result['Ax']}   (Y = {np.array(Y)})")
    print(f"max |A·x - Y| = {np.abs(result['Ax'] - np.array(Y)).max():.2e}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.semilogy(np.arange(1, len(result["losses"]) + 1), result["losses"])
    left.set_xlabel("iteration")
    left.set_ylabel("mean squared error of A·x − Y")
    left.set_title(f"Loss (lr {args.lr:g})")
    for i, color in enumerate(["tab:blue", "tab:orange", "tab:green"]):
        right.plot(result["trajectory"][:, i], color=color, linewidth=2, label=f"x[{i}]")
        right.axhline(exact[i], color=color, linestyle=":", linewidth=1.5)
    right.plot([], [], ":", color="0.4", label="exact solution")
    right.set_xlabel("iteration")
    right.set_ylabel("component value")
    right.set_title("x approaching the exact solution")
    # Outside the plot: the curves fill the axes from left to right.
    right.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    figure = save_figure(fig, out, "linear_system.png")
    print(f"wrote {figure}")
    return {
        "x": result["x"],
        "Ax": result["Ax"],
        "Y": np.array(Y),
        "final_loss": result["final_loss"],
        "first_loss": result["losses"][0],
        "figures": [figure],
    }


if __name__ == "__main__":
    main()
