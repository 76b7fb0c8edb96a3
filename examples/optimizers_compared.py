"""Optimizers compared on two classic 2-D problems.

SGD, SGD with momentum, Nesterov momentum, RMSprop, Adagrad and Adam (all from
`optim`) each minimise

* an ill-conditioned quadratic f(x, y) = (x² + 50 y²) / 2, whose curvature differs
  50-fold between the two directions, from (-4.5, 1), and
* the Rosenbrock function f(x, y) = (1 - x)² + 100 (y - x²)², whose minimum (1, 1)
  sits at the end of a long curved valley, from (-1.5, 1.5).

The parameter is a single `nn.Parameter` of two numbers; each optimizer gets a
learning rate that suits it on that problem (listed in the legend). The figure shows
the trajectories over the contour plot and the loss curves. On the quadratic, plain
SGD's learning rate is capped by the steep direction, so it crawls along the flat
one; momentum and Nesterov build up speed there, and Adagrad's per-coordinate scaling
undoes the ill-conditioning altogether. In Rosenbrock's valley Adam gets closest to
(1, 1), momentum helps SGD, and Adagrad slows down as its accumulated squares grow.

    python examples/optimizers_compared.py --out out/
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _common import make_parser, output_dir, plt, save_figure

import nn
import optim


def quadratic(x: Any, y: Any) -> Any:
    """(x² + 50 y²) / 2 on Tensors or arrays; minimum 0 at (0, 0)."""
    return (x**2 + 50 * y**2) / 2


def rosenbrock(x: Any, y: Any) -> Any:
    """(1 - x)² + 100 (y - x²)² on Tensors or arrays; minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


# name -> (optimizer factory taking (params, lr), lr on the quadratic, lr on Rosenbrock)
OPTIMIZERS: dict[str, tuple[Callable, float, float]] = {
    "SGD": (lambda p, lr: optim.SGD(p, lr=lr), 0.035, 1.5e-3),
    "SGD momentum 0.9": (lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9), 0.02, 3e-4),
    "Nesterov 0.9": (lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9, nesterov=True), 0.02, 3e-4),
    "RMSprop": (lambda p, lr: optim.RMSprop(p, lr=lr), 0.05, 5e-3),
    "Adagrad": (lambda p, lr: optim.Adagrad(p, lr=lr), 1.0, 0.5),
    "Adam": (lambda p, lr: optim.Adam(p, lr=lr), 0.3, 0.05),
}

PROBLEMS = {
    "quadratic": {
        "f": quadratic,
        "start": (-4.5, 1.0),
        "column": 1,
        "box": (-5, 5, -1.5, 1.5),
        "minimum": (0, 0),
    },
    "Rosenbrock": {
        "f": rosenbrock,
        "start": (-1.5, 1.5),
        "column": 2,
        "box": (-2, 2, -1, 3),
        "minimum": (1, 1),
    },
}


def run(problem: dict, make_optimizer: Callable, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimise problem["f"] from problem["start"]; returns the path (steps+1, 2) and the losses."""
    point = nn.Parameter(np.array(problem["start"], dtype=np.float64))
    optimizer = make_optimizer([point], lr)
    path, losses = [point.numpy().copy()], []
    for _ in range(steps):
        loss = problem["f"](point[0], point[1])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        path.append(point.numpy().copy())
    losses.append(float(problem["f"](*path[-1])))
    return np.array(path), np.array(losses)


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--steps", type=int, default=100, help="steps on the quadratic")
    parser.add_argument("--rosenbrock-steps", type=int, default=2000, help="steps on Rosenbrock")
    args = parser.parse_args(argv)
    if args.fast:
        args.steps, args.rosenbrock_steps = min(args.steps, 20), min(args.rosenbrock_steps, 20)
    out = output_dir(args.out)

    results: dict[str, dict[str, float]] = {}
    paths: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for problem_name, problem in PROBLEMS.items():
        steps = args.steps if problem_name == "quadratic" else args.rosenbrock_steps
        results[problem_name], paths[problem_name] = {}, {}
        print(f"{problem_name}, {steps} steps from {problem['start']}:")
        for name, entry in OPTIMIZERS.items():
            make_optimizer, lr = entry[0], entry[problem["column"]]
            path, losses = run(problem, make_optimizer, lr, steps)
            results[problem_name][name] = losses[-1]
            paths[problem_name][name] = (path, losses)
            print(
                f"  {name:<17} lr {lr:<7g} final loss {losses[-1]:.3e}, point ({path[-1][0]:.4f}, {path[-1][1]:.4f})"
            )
    figure = plot_comparison(paths, out)
    print(f"wrote {figure}")
    return {"final_loss": results, "figures": [figure]}


def plot_comparison(paths: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], out: Path) -> Path:
    """Trajectories over the contours (left) and loss curves (right), one row per problem;
    one legend, outside the plots, names each optimizer with its two learning rates."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 9.5))
    colors = dict(zip(OPTIMIZERS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for (contour_ax, loss_ax), (problem_name, problem) in zip(axes, PROBLEMS.items()):
        x0, x1, y0, y1 = problem["box"]
        grid_x, grid_y = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        levels = np.logspace(-1, np.log10(problem["f"](grid_x, grid_y).max()), 15)
        contour_ax.contour(
            grid_x, grid_y, problem["f"](grid_x, grid_y), levels=levels, colors="0.8", linewidths=0.8
        )
        for rank, (name, (path, losses)) in enumerate(paths[problem_name].items()):
            if len(path) <= 200:  # short paths: thin lines, a dot per step
                width, marker = 1.3, "."
            else:  # long paths run together: each thinner than the one before stays visible
                width, marker = 4.0 - 0.6 * rank, ""
            contour_ax.plot(path[:, 0], path[:, 1], marker=marker, linewidth=width, color=colors[name])
            loss_ax.semilogy(np.maximum(losses, 1e-300), linewidth=1.6, color=colors[name])
        contour_ax.plot(*problem["start"], "ko", markersize=7)
        contour_ax.plot(*problem["minimum"], "k*", markersize=14)
        contour_ax.set_xlim(x0, x1)
        contour_ax.set_ylim(y0, y1)
        contour_ax.set_xlabel("x (first coordinate)")
        contour_ax.set_ylabel("y (second coordinate)")
        contour_ax.set_title(f"{problem_name}: trajectories (● start, ★ minimum)")
        loss_ax.set_title(f"{problem_name}: loss")
        loss_ax.set_xlabel("optimizer step")
        loss_ax.set_ylabel("f(x, y) (dimensionless)")
        loss_ax.set_ylim(bottom=max(1e-12, loss_ax.get_ylim()[0]))
    handles = [plt.Line2D([], [], color=colors[name], linewidth=2) for name in OPTIMIZERS]
    labels = [
        f"{name}: lr {entry[1]:g} (quadratic), {entry[2]:g} (Rosenbrock)"
        for name, entry in OPTIMIZERS.items()
    ]
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return save_figure(fig, out, "optimizers_compared.png")


if __name__ == "__main__":
    main()
