"""Autodiff against finite differences: why analytic gradients win.

A small network, loss = mean((tanh(X W1 + b1) W2 - t)²), has 37 parameters. The
engine gives all 37 partial derivatives in one backward pass; they match a gradient
derived by hand (in plain NumPy) to the last few bits. Central differences,
(L(p + h) - L(p - h)) / 2h, need two forward passes per parameter and are only
approximate: the truncation error falls like h², while the round-off error of
subtracting two nearly equal losses grows like eps/h. The figure plots the error of
the finite-difference gradient against h from 1e-1 to 1e-12, in float64 and float32:
at best it reaches about 1e-11 (float64, h near 1e-5) or 1e-5 (float32, h near 1e-2),
and the best h depends on the precision. The engine's error is drawn as a dashed line
(in float64 it is 0 here, drawn at 1e-17).

    python examples/finite_differences.py --out out/
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _common import make_parser, output_dir, plt, save_figure

import autograd_lite as al


def make_problem(seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Random float64 parameters, inputs and targets for a 4-6-1 tanh network."""
    al.manual_seed(seed)
    draw = lambda *shape: al.randn(*shape, dtype=np.float64).numpy()  # noqa: E731
    params = {"W1": draw(4, 6) * 0.7, "b1": draw(6) * 0.1, "W2": draw(6, 1) * 0.7, "b2": draw(1) * 0.1}
    return params, draw(8, 4), draw(8, 1)


def loss_fn(params: dict[str, Any], inputs: Any, targets: Any) -> al.Tensor:
    """The network's loss; `params` values may be Tensors (for autodiff) or arrays."""
    hidden = al.tanh(inputs @ params["W1"] + params["b1"])
    return ((hidden @ params["W2"] + params["b2"] - targets) ** 2).mean()


def engine_gradient(
    params: dict[str, np.ndarray], inputs: np.ndarray, targets: np.ndarray, dtype: type
) -> np.ndarray:
    """All partial derivatives from one backward pass, flattened in parameter order."""
    leaves = {k: al.tensor(v.astype(dtype), requires_grad=True) for k, v in params.items()}
    loss_fn(leaves, al.tensor(inputs.astype(dtype)), al.tensor(targets.astype(dtype))).backward()
    return np.concatenate([leaves[k].grad.numpy().ravel() for k in params]).astype(np.float64)


def hand_gradient(params: dict[str, np.ndarray], inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The same gradient by the chain rule written out in NumPy (the reference)."""
    pre = inputs @ params["W1"] + params["b1"]
    hidden = np.tanh(pre)
    residual = hidden @ params["W2"] + params["b2"] - targets
    d_out = 2 * residual / residual.size
    d_hidden = d_out @ params["W2"].T * (1 - hidden**2)
    grads = {
        "W1": inputs.T @ d_hidden,
        "b1": d_hidden.sum(0),
        "W2": hidden.T @ d_out,
        "b2": d_out.sum(0),
    }
    return np.concatenate([grads[k].ravel() for k in params])


def central_differences(
    params: dict[str, np.ndarray], inputs: np.ndarray, targets: np.ndarray, h: float, dtype: type
) -> np.ndarray:
    """(L(p + h e_i) - L(p - h e_i)) / 2h for every parameter p_i, computed in `dtype`."""
    cast = {k: v.astype(dtype) for k, v in params.items()}
    x, t = al.tensor(inputs.astype(dtype)), al.tensor(targets.astype(dtype))
    step = dtype(h)
    grads = []
    with al.no_grad():
        for value in cast.values():
            for index in np.ndindex(value.shape):
                original = value[index]
                value[index] = original + step
                plus = loss_fn(cast, x, t).item()
                value[index] = original - step
                minus = loss_fn(cast, x, t).item()
                value[index] = original
                grads.append((dtype(plus) - dtype(minus)) / (2 * step))
    return np.array(grads, dtype=np.float64)


def relative_error(estimate: np.ndarray, reference: np.ndarray) -> float:
    """max |estimate - reference|, relative to the largest reference entry."""
    return float(np.abs(estimate - reference).max() / np.abs(reference).max())


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seeds the network and its data")
    args = parser.parse_args(argv)
    out = output_dir(args.out)

    params, inputs, targets = make_problem(args.seed)
    reference = hand_gradient(params, inputs, targets)
    steps = np.logspace(-1, -12, 6 if args.fast else 12)
    errors = {}
    engine_errors = {}
    for dtype in (np.float64, np.float32):
        label = np.dtype(dtype).name
        engine_errors[label] = relative_error(engine_gradient(params, inputs, targets, dtype), reference)
        errors[label] = np.array(
            [relative_error(central_differences(params, inputs, targets, h, dtype), reference) for h in steps]
        )

    print(f"{reference.size} parameters; errors are max |estimate - exact| / max |exact gradient|")
    print(f"{'h':>8}  {'float64':>10}  {'float32':>10}")
    for i, h in enumerate(steps):
        print(f"{h:8.0e}  {errors['float64'][i]:10.2e}  {errors['float32'][i]:10.2e}")
    best = {}
    for label in errors:
        i = int(np.argmin(errors[label]))
        best[label] = (float(steps[i]), float(errors[label][i]))
        print(
            f"{label}: best finite difference {best[label][1]:.1e} at h = {best[label][0]:.0e}; "
            f"engine (one backward pass) {engine_errors[label]:.1e}"
        )

    fig, ax = plt.subplots(figsize=(10.5, 5))
    for label, color in (("float64", "tab:blue"), ("float32", "tab:orange")):
        ax.loglog(steps, errors[label], "o-", color=color, label=f"central differences, {label}")
        # The engine's error can be exactly 0; clip it so the log axis can show it.
        zero = " (error exactly 0, drawn at 1e-17)" if engine_errors[label] == 0 else ""
        ax.axhline(
            max(engine_errors[label], 1e-17),
            color=color,
            linestyle="--",
            linewidth=2,
            label=f"autodiff, {label}{zero}",
        )
    ax.invert_xaxis()
    ax.set_xlabel("finite-difference step h (smaller to the right)")
    ax.set_ylabel("relative error of the gradient")
    ax.set_title("Finite differences: truncation error (large h) against round-off (small h)")
    # Outside the axes: the curves and the dashed lines span the whole width.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    fig.tight_layout()
    figure = save_figure(fig, out, "finite_differences.png")
    print(f"wrote {figure}")
    return {
        "steps": steps,
        "errors": errors,
        "engine_errors": engine_errors,
        "best": best,
        "figures": [figure],
    }


if __name__ == "__main__":
    main()
