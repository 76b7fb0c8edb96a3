"""Binary classification: is this 8x8 digit a 0 or a 1?

Logistic regression on scikit-learn's digits 0 and 1 (360 images, held-out test
quarter), written two ways that compute the same thing:

* `nn.Sequential(nn.Linear(64, 1), nn.Sigmoid())` with `nn.BCELoss` on probabilities;
* `nn.Linear(64, 1)` with `nn.BCEWithLogitsLoss` on the raw scores (logits), which
  fuses the sigmoid into the loss and stays finite even for huge logits.

Both start from the same weights and take the same SGD steps, so their loss curves
coincide. The figure shows the two loss curves and the learned weights as an 8x8
image (which pixels push towards "1").

    python examples/binary_digits.py --out out/
"""

from __future__ import annotations

import numpy as np
from _common import make_parser, output_dir, plt, save_figure
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import autograd_lite as al
import nn
import optim


def load_zeros_and_ones(seed: int = 0) -> tuple[np.ndarray, ...]:
    """Stratified split of the digits 0 and 1, standardised; labels as float32 columns."""
    digits = load_digits(n_class=2)
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=seed
    )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1.0  # constant pixels stay 0 instead of becoming NaN
    scale = lambda x: ((x - mean) / std).astype(np.float32)  # noqa: E731
    column = lambda y: y.astype(np.float32).reshape(-1, 1)  # noqa: E731
    return scale(x_train), scale(x_test), column(y_train), column(y_test)


def fit(
    model: nn.Module, loss_fn: nn.Module, x: np.ndarray, y: np.ndarray, steps: int, lr: float
) -> list[float]:
    """Full-batch SGD; returns the training loss before each step."""
    optimizer = optim.SGD(model.parameters(), lr=lr)
    inputs, targets = al.tensor(x), al.tensor(y)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def accuracy(scores: al.Tensor, y: np.ndarray, threshold: float) -> float:
    """Fraction of predictions (score > threshold) equal to the labels."""
    return float(((scores.numpy() > threshold) == (y > 0.5)).mean())


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--steps", type=int, default=100, help="full-batch SGD steps")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument("--seed", type=int, default=0, help="seeds the split and the initialisation")
    args = parser.parse_args(argv)
    if args.fast:
        args.steps = min(args.steps, 10)
    out = output_dir(args.out)

    al.manual_seed(args.seed)
    x_train, x_test, y_train, y_test = load_zeros_and_ones(args.seed)

    with_sigmoid = nn.Sequential(nn.Linear(64, 1), nn.Sigmoid())
    logits_only = nn.Linear(64, 1)
    # The same starting weights, so the two formulations can be compared step by step.
    logits_only.load_state_dict(
        {"weight": with_sigmoid[0].weight.numpy(), "bias": with_sigmoid[0].bias.numpy()}
    )

    bce_losses = fit(with_sigmoid, nn.BCELoss(), x_train, y_train, args.steps, args.lr)
    logit_losses = fit(logits_only, nn.BCEWithLogitsLoss(), x_train, y_train, args.steps, args.lr)

    with al.no_grad():
        test = al.tensor(x_test)
        bce_accuracy = accuracy(with_sigmoid(test), y_test, 0.5)  # probabilities: threshold 0.5
        logit_accuracy = accuracy(logits_only(test), y_test, 0.0)  # logits: threshold 0
    gap = float(np.abs(np.array(bce_losses) - np.array(logit_losses)).max())
    print(f"{len(x_train)} training and {len(x_test)} test images of 0s and 1s")
    print(
        f"Linear + Sigmoid + BCELoss:      final training loss {bce_losses[-1]:.5f}, test accuracy {bce_accuracy:.2%}"
    )
    print(
        f"Linear + BCEWithLogitsLoss:      final training loss {logit_losses[-1]:.5f}, test accuracy {logit_accuracy:.2%}"
    )
    print(f"largest difference between the two loss curves: {gap:.1e}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    left.plot(bce_losses, label="Sigmoid + BCELoss", linewidth=4, alpha=0.5)
    left.plot(logit_losses, "--", label="BCEWithLogitsLoss", color="black")
    left.set_yscale("log")
    left.set_xlabel("SGD step (full batch)")
    left.set_ylabel("binary cross-entropy (nats per image)")
    left.set_title(f"0 vs 1: test accuracy {logit_accuracy:.1%}")
    left.legend(loc="upper right")  # the curves fall away from that corner
    weights = logits_only.weight.numpy().reshape(8, 8)
    limit = np.abs(weights).max()
    image = right.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    right.set_title('Learned weights (red: towards "1")')
    right.set_xlabel("pixel column")
    right.set_ylabel("pixel row")
    right.set_xticks(range(0, 8, 2))
    right.set_yticks(range(0, 8, 2))
    colorbar = fig.colorbar(image, ax=right, fraction=0.046)
    colorbar.set_label("weight (per standardised pixel)")
    fig.tight_layout()
    figure = save_figure(fig, out, "binary_digits.png")
    print(f"wrote {figure}")
    return {
        "bce_accuracy": bce_accuracy,
        "logits_accuracy": logit_accuracy,
        "bce_losses": bce_losses,
        "logits_losses": logit_losses,
        "max_loss_gap": gap,
        "figures": [figure],
    }


if __name__ == "__main__":
    main()
