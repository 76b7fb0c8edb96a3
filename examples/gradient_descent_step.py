"""One step of gradient descent, computed by the engine.

The loss is ``param ** 2`` and ``param`` starts at 2.0. ``loss.backward()`` fills
``param.grad`` with d(loss)/d(param) = 2 * param = 4.0, and one step with learning
rate 0.1 moves the parameter to 2.0 - 0.1 * 4.0 = 1.6. The figure shows the loss
curve, its tangent at the start (slope = the gradient) and the step taken.

    python examples/gradient_descent_step.py --out out/
"""

from __future__ import annotations

from pathlib import Path

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

    figure_path = plot_step(args.start, args.lr, loss, gradient, new_value, out)
    print(f"wrote {figure_path}")
    return {"loss": loss, "grad": gradient, "new_value": new_value, "figures": [figure_path]}


def plot_step(start: float, lr: float, loss: float, gradient: float, new_value: float, out: Path) -> Path:
    """The loss curve, its tangent at the start, and the step drawn as an arrow along the
    parameter axis (with the move it causes on the curve)."""
    step = new_value - start
    low, high = min(start, new_value, 0.0), max(start, new_value, 0.0)
    margin = 0.35 * (high - low) + 0.2
    xs = np.linspace(low - margin, high + margin, 300)
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.plot(xs, xs**2, color="0.35", linewidth=2, label="loss = param²")
    near = np.abs(xs - start) < 0.6 * margin + 0.3
    tangent = loss + gradient * (xs - start)
    ax.plot(
        xs[near],
        tangent[near],
        "--",
        color="tab:orange",
        linewidth=2,
        label=f"tangent at start, slope {gradient:g}",
    )
    ax.scatter(
        [start], [loss], s=80, color="tab:red", zorder=4, label=f"start: param {start:g}, loss {loss:g}"
    )
    ax.scatter(
        [new_value],
        [new_value**2],
        s=80,
        color="tab:green",
        zorder=4,
        label=f"after the step: param {new_value:.3g}, loss {new_value**2:.3g}",
    )
    # The step itself happens on the parameter axis: draw it there, below the curve.
    base = -0.12 * max(loss, new_value**2, 1.0)
    for x_value, y_value in ((start, loss), (new_value, new_value**2)):
        ax.plot([x_value, x_value], [base, y_value], ":", color="0.55", zorder=1)
    ax.annotate(
        "",
        xy=(new_value, base),
        xytext=(start, base),
        arrowprops={"arrowstyle": "-|>", "color": "tab:green", "linewidth": 3, "mutation_scale": 25},
    )
    ax.text(
        (start + new_value) / 2,
        base * 1.9,
        f"step = −lr · gradient = −{lr:g} × {gradient:g} = {step:.3g}".replace("-", "−"),
        ha="center",
        va="top",
        fontsize=11,
        color="tab:green",
    )
    ax.set_ylim(base * 3.2, max(xs**2) * 1.05)
    ax.set_xlabel("param (dimensionless)")
    ax.set_ylabel("loss (dimensionless)")
    ax.set_title(f"One gradient-descent step (lr {lr:g})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return save_figure(fig, out, "gradient_descent_step.png")


if __name__ == "__main__":
    main()
