"""Gradient descent on a one-variable quadratic, and what the learning rate does to it.

Minimises f(x) = 3x² - 2x - 3 (minimum at x = 1/3, f = -10/3) from x = 8. Each
iteration asks the engine for f'(x) and steps x <- x - lr * f'(x), stopping when
the step |Δx| falls below 1e-5 or after 500 iterations. With lr 0.001 the steps are
tiny and 500 iterations are not enough; a larger lr (0.01, then 0.1) gets there in
far fewer. The figure draws each path on the curve and its distance to the minimum
per iteration.

    python examples/quadratic_descent.py --out out/
"""

from __future__ import annotations

from pathlib import Path
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

    figure = plot_runs(runs, args.start, out)
    print(f"wrote {figure}")
    return {"runs": [{k: v for k, v in run.items() if k != "path"} for run in runs], "figures": [figure]}


def plot_runs(runs: list[dict], start: float, out: Path) -> Path:
    """Left: each path drawn on the curve. Right: the distance to the minimum per iteration,
    on a log scale, where the three learning rates separate clearly. One legend below both."""
    fig, (curve_ax, distance_ax) = plt.subplots(1, 2, figsize=(11, 4.8))
    xs = np.linspace(-2.5, start + 1, 300)
    curve_ax.plot(xs, f(xs), color="0.6", linewidth=2, label="f(x) = 3x² − 2x − 3")
    for run, marker, color in zip(runs, "os^v", ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        path = np.array(run["path"])
        # Thin the markers so that long paths stay readable; keep the last point.
        shown = np.unique(np.r_[np.linspace(0, len(path) - 1, min(len(path), 25)).astype(int), len(path) - 1])
        status = "iteration limit" if not run["converged"] else "converged"
        label = f"lr {run['lr']:g}: {run['iterations']} iterations ({status}), x = {run['x']:.4f}"
        curve_ax.plot(path[shown], f(path[shown]), marker=marker, markersize=5, linewidth=1, color=color)
        # |x - 1/3| is exactly 0 only by luck; the floor keeps the log axis finite.
        distance = np.maximum(np.abs(path - 1 / 3), 1e-12)
        distance_ax.semilogy(
            distance, marker=marker, markersize=3, markevery=max(1, len(path) // 25), color=color, label=label
        )
    curve_ax.axvline(1 / 3, color="0.8", linestyle=":", zorder=0)
    curve_ax.set_xlabel("x (dimensionless)")
    curve_ax.set_ylabel("f(x) (dimensionless)")
    curve_ax.set_title(f"Paths on the curve from x = {start:g}")
    curve_ax.legend(loc="upper left")
    distance_ax.set_xlabel("iteration")
    distance_ax.set_ylabel("distance to the minimum |x − 1/3|")
    distance_ax.set_title("Convergence")
    fig.legend(*distance_ax.get_legend_handles_labels(), loc="lower center", ncol=1, frameon=False)
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    return save_figure(fig, out, "quadratic_descent.png")


if __name__ == "__main__":
    main()
