"""The learning rate: too small, good, too large.

Linear regression on scikit-learn's bundled diabetes data (442 patients, 10
standardised features, a standardised disease-progression target), trained with
`nn.Linear`, `nn.MSELoss` and full-batch `optim.SGD` three times from the same
start. For a quadratic loss, gradient descent is stable only while
lr < 2 / λmax, where λmax is the largest eigenvalue of the loss's Hessian
(here 2/N · XᵀX with a column of ones for the bias); the script computes this
bound and tries a learning rate far below it (slow), one below it (fast) and one
just above it (the loss grows geometrically: divergence). One plot, loss against step.

    python examples/learning_rates.py --out out/
"""

from __future__ import annotations

import numpy as np
from _common import make_parser, output_dir, plt, save_figure
from sklearn.datasets import load_diabetes

import autograd_lite as al
import nn
import optim


def load_data() -> tuple[np.ndarray, np.ndarray]:
    """Standardised diabetes features (442, 10) and target (442, 1), float32."""
    data = load_diabetes()
    x = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
    y = (data.target - data.target.mean()) / data.target.std()
    return x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)


def stability_bound(x: np.ndarray) -> float:
    """2 / λmax of the MSE Hessian for a linear model with bias."""
    design = np.c_[x.astype(np.float64), np.ones(len(x))]
    hessian = 2.0 / len(x) * design.T @ design
    return float(2.0 / np.linalg.eigvalsh(hessian).max())


def train(x: np.ndarray, y: np.ndarray, lr: float, steps: int, seed: int) -> list[float]:
    """Full-batch SGD on the MSE from a seeded initialisation; the loss before each step."""
    al.manual_seed(seed)
    model = nn.Linear(x.shape[1], 1)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    inputs, targets = al.tensor(x), al.tensor(y)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument(
        "--lrs", type=float, nargs=3, default=[0.003, 0.1, 0.27], help="too small, good, too large"
    )
    parser.add_argument("--steps", type=int, default=100, help="full-batch SGD steps per run")
    parser.add_argument("--seed", type=int, default=0, help="seeds the initialisation")
    args = parser.parse_args(argv)
    if args.fast:
        args.steps = min(args.steps, 20)
    out = output_dir(args.out)

    x, y = load_data()
    bound = stability_bound(x)
    # The least-squares optimum: the lowest loss any learning rate can reach.
    design = np.c_[x.astype(np.float64), np.ones(len(x))]
    coefficients = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    best_loss = float(((design @ coefficients - y) ** 2).mean())
    print(f"stable while lr < 2/λmax = {bound:.4f}; least-squares optimum loss {best_loss:.4f}")

    final = {}
    fig, ax = plt.subplots(figsize=(10, 5.2))
    for lr, verdict, color in zip(
        args.lrs, ["too small", "good", "too large"], ["tab:blue", "tab:green", "tab:red"]
    ):
        losses = train(x, y, lr, args.steps, args.seed)
        final[verdict] = {"lr": lr, "final_loss": losses[-1], "first_loss": losses[0]}
        print(
            f"lr {lr:<6g} ({verdict:>9}): loss {losses[0]:.4f} -> {losses[-1]:.4g} after {args.steps} steps"
        )
        ax.semilogy(losses, color=color, linewidth=2, label=f"lr {lr:g} ({verdict}): final {losses[-1]:.3g}")
    ax.axhline(best_loss, color="0.5", linestyle=":", label=f"least-squares optimum {best_loss:.3f}")
    # Cap the axis so the diverging curve does not squash the other two against the bottom.
    ax.set_ylim(0.3, 1e4)
    ax.set_xlabel("SGD step (full batch)")
    ax.set_ylabel("mean squared error (standardised units²)")
    ax.set_title(f"Learning rates on linear regression (stable below 2/λmax = {bound:.3f})")
    # The upper right stays empty: the diverging curve leaves the plot early on the left.
    ax.legend(loc="upper right")
    fig.tight_layout()
    figure = save_figure(fig, out, "learning_rates.png")
    print(f"wrote {figure}")
    return {"bound": bound, "optimum": best_loss, "runs": final, "figures": [figure]}


if __name__ == "__main__":
    main()
