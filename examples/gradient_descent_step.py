"""One step of gradient descent, computed by the engine.

The loss is ``param ** 2`` and ``param`` starts at 2.0. ``loss.backward()`` fills
``param.grad`` with d(loss)/d(param) = 2 * param = 4.0, and one step with learning
rate 0.1 moves the parameter to 2.0 - 0.1 * 4.0 = 1.6. The figure shows the loss
curve, its tangent at the start (slope = the gradient) and the step taken.

    python examples/gradient_descent_step.py --out out/
"""

from __future__ import annotations

import numpy as np
from _common import make_parser, output_dir, plt, save_figure

import autograd_lite as al


def gradient_step(start: float = 2.0, lr: float = 0.1) -> tuple[float, float, float]:
    """Return (loss, gradient, new value) for one descent step on loss = param**2."""
    param = al.tensor(start, requires_grad=True)
    loss = param**2
    loss.backward()
    gradient = param.grad.item()
    # Updating through `.data` (detached from the graph) keeps the step itself out of the graph.
    param.data = param.data - lr * param.grad.data
    return loss.item(), gradient, param.item()


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--start", type=float, default=2.0, help="initial parameter value")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    args = parser.parse_args(argv)
    out = output_dir(args.out)

    loss, gradient, new_value = gradient_step(args.start, args.lr)
    print(f"param = {args.start}, loss = param**2 = {loss:g}")
    print(f"gradient d(loss)/d(param) = {gradient:g}")
    print(f"after one step with lr {args.lr}: param = {new_value:.6g}, loss = {new_value**2:.6g}")

    xs = np.linspace(-2.5, 2.5, 200)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.plot(xs, xs**2, color="0.4", label="loss = param²")
    tangent = loss + gradient * (xs - args.start)
    near = np.abs(xs - args.start) < 0.8
    ax.plot(xs[near], tangent[near], "--", color="tab:orange", label=f"tangent, slope {gradient:g}")
    ax.scatter([args.start], [loss], color="tab:red", zorder=3, label=f"start {args.start:g}")
    ax.scatter([new_value], [new_value**2], color="tab:green", zorder=3, label=f"after step {new_value:.3g}")
    ax.annotate(
        "",
        xy=(new_value, new_value**2),
        xytext=(args.start, loss),
        arrowprops={"arrowstyle": "->", "color": "tab:green"},
    )
    ax.set_xlabel("param")
    ax.set_ylabel("loss")
    ax.set_title(f"One gradient-descent step (lr {args.lr:g})")
    ax.legend(fontsize=8)
    figure = save_figure(fig, out, "gradient_descent_step.png")
    print(f"wrote {figure}")
    return {"loss": loss, "grad": gradient, "new_value": new_value, "figures": [figure]}


if __name__ == "__main__":
    main()
