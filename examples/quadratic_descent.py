"""Gradient descent on a one-variable quadratic, and what the learning rate does to it.

Minimises f(x) = 3x² - 2x - 3 (minimum at x = 1/3, f = -10/3) from x = 8. Each
iteration asks the engine for f'(x) and steps x <- x - lr * f'(x), stopping when
the step |Δx| falls below 1e-5 or after 500 iterations. With lr 0.001 the steps are
tiny and 500 iterations are not enough; a larger lr (0.01, then 0.1) gets there in
far fewer. The figure draws each path on the curve.

    python examples/quadratic_descent.py --out out/
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _common import make_parser, output_dir, plt, save_figure

import autograd_lite as al


def f(x: Any) -> Any:
    """The function being minimised; works on Tensors and on arrays."""
    return 3 * x**2 - 2 * x - 3


def descend(x0: float, lr: float, tol: float = 1e-5, max_iter: int = 500) -> dict:
    """Run gradient descent from x0; return the path, the iteration count and whether it converged."""
    x = al.tensor(x0, dtype=np.float64, requires_grad=True)
    path = [x.item()]
    converged = False
    for _ in range(max_iter):
        x.grad = None
        f(x).backward()
        step = lr * x.grad.item()
        x.data = x.data - step
        path.append(x.item())
        if abs(step) < tol:
            converged = True
            break
    return {
        "lr": lr,
        "x": x.item(),
        "f": f(x.item()),
        "iterations": len(path) - 1,
        "converged": converged,
        "path": path,
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--start", type=float, default=8.0, help="initial x")
    parser.add_argument(
        "--lrs", type=float, nargs="+", default=[0.001, 0.01, 0.1], help="learning rates to try"
    )
    parser.add_argument("--tol", type=float, default=1e-5, help="stop when |Δx| is below this")
    parser.add_argument("--max-iter", type=int, default=500, help="iteration limit per run")
    args = parser.parse_args(argv)
    if args.fast:
        args.max_iter = min(args.max_iter, 50)
    out = output_dir(args.out)

    runs = [descend(args.start, lr, args.tol, args.max_iter) for lr in args.lrs]
    print("minimum of f(x) = 3x² - 2x - 3 is at x = 1/3 = 0.333333, f = -3.333333")
    for run in runs:
        status = "converged" if run["converged"] else "stopped at the iteration limit"
        print(
            f"lr {run['lr']:<6g}: x = {run['x']:.6f}, f(x) = {run['f']:.6f} after {run['iterations']} iterations ({status})"
        )

    fig, ax = plt.subplots(figsize=(6, 4))
    xs = np.linspace(-2.5, 9, 300)
    ax.plot(xs, f(xs), color="0.5", label="f(x) = 3x² - 2x - 3")
    for run, marker in zip(runs, "os^v"):
        path = np.array(run["path"])
        # Thin the markers so that long paths stay readable; keep the last point.
        shown = np.unique(np.r_[np.linspace(0, len(path) - 1, min(len(path), 25)).astype(int), len(path) - 1])
        ax.plot(path[shown], f(path[shown]), marker=marker, markersize=4, linewidth=1,
                label=f"lr {run['lr']:g}: {run['iterations']} its, x = {run['x']:.4f}")  # fmt: skip
    ax.axvline(1 / 3, color="0.8", linestyle=":", zorder=0)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_title(f"Gradient descent from x = {args.start:g}")
    ax.legend(fontsize=8)
    figure = save_figure(fig, out, "quadratic_descent.png")
    print(f"wrote {figure}")
    return {"runs": [{k: v for k, v in run.items() if k != "path"} for run in runs], "figures": [figure]}


if __name__ == "__main__":
    main()
