"""A saliency map: which pixels does the trained network look at?

Trains the main example's MLP on the 8x8 digits (see digits_mlp.py), then, for a
few test digits, asks the engine for the gradient of the predicted class's score
(its logit) with respect to the input pixels: the input is just another tensor
with `requires_grad=True`. Pixels with a large |gradient| are the ones whose change
would move that score most. The figure shows each digit beside its signed
gradient, on one diverging colour scale centred at zero (red: more ink there raises
the score, blue: lowers it). Gradients are taken with respect to the standardised
pixels the network sees.

    python examples/saliency_map.py --out out/
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import make_parser, output_dir, plt, save_figure
from digits_mlp import build_model, load_data, split_digits, train

import autograd_lite as al
import nn


def saliency(model: nn.Module, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(d score_predicted / d pixel as (n, 8, 8), predicted classes) for a batch of inputs."""
    model.eval()
    x = al.tensor(images, requires_grad=True)
    logits = model(x)
    predicted = logits.argmax(axis=1).numpy()
    # Summing the chosen scores is fine: sample i's score depends only on row i of x.
    logits[np.arange(len(images)), predicted].sum().backward()
    return x.grad.numpy().reshape(-1, 8, 8), predicted


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=15, help="training epochs")
    parser.add_argument("--seed", type=int, default=0, help="seeds the split, initialisation and shuffling")
    parser.add_argument("--count", type=int, default=10, help="how many test digits to show (one per class)")
    args = parser.parse_args(argv)
    if args.fast:
        args.epochs = min(args.epochs, 2)
    out = output_dir(args.out)

    al.manual_seed(args.seed)
    data = load_data(args.seed)
    x_test, y_test = data[1], data[3]
    pixels = split_digits(args.seed)[1]  # the same test images before standardising, for display
    model = build_model()
    history = train(model, data, args.epochs, lr=1e-3, batch_size=32, progress=False)
    print(f"trained {args.epochs} epochs: test accuracy {history['test_acc'][-1]:.2%}")

    # One example of each of the first `count` classes, so the figure shows different digits.
    chosen = [int(np.flatnonzero(y_test == digit)[0]) for digit in range(min(args.count, 10))]
    gradients, predicted = saliency(model, x_test[chosen])
    maps = np.abs(gradients)
    for index, digit, guess, grad in zip(chosen, y_test[chosen], predicted, maps):
        print(f"test image {index:>3}: label {digit}, predicted {guess}, max |gradient| {grad.max():.3f}")
    print(f"{int((predicted == y_test[chosen]).sum())} of {len(chosen)} shown digits predicted correctly")

    figure = plot_saliency(pixels[chosen], y_test[chosen], predicted, gradients, history["test_acc"][-1], out)
    print(f"wrote {figure}")
    return {
        "test_accuracy": history["test_acc"][-1],
        "labels": y_test[chosen],
        "predicted": predicted,
        "saliency": maps,
        "figures": [figure],
    }


def plot_saliency(
    pixels: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    gradients: np.ndarray,
    accuracy: float,
    out: Path,
    per_row: int = 5,
) -> Path:
    """Each digit beside its signed gradient map. One diverging colour scale centred at zero
    serves every map (so their magnitudes compare), with a colour bar for it and one for ink."""
    count = len(pixels)
    rows = -(-count // per_row)
    fig = plt.figure(figsize=(13, 1.8 * rows + 0.9))
    # Per digit: the digit, its map, and a narrow gap that keeps the pairs apart.
    ratios = [1, 1, 0.3] * per_row
    ratios[-1] = 0.1
    grid = fig.add_gridspec(rows, 3 * per_row + 1, width_ratios=ratios + [0.12], wspace=0.06, hspace=0.3)
    limit = float(np.abs(gradients).max())
    ink_image = gradient_image = None
    for i in range(count):
        row, column = divmod(i, per_row)
        digit_ax = fig.add_subplot(grid[row, 3 * column])
        gradient_ax = fig.add_subplot(grid[row, 3 * column + 1])
        ink_image = digit_ax.imshow(pixels[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        gradient_image = gradient_ax.imshow(gradients[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        verdict = "" if labels[i] == predicted[i] else " ✗"
        digit_ax.set_title(f"digit {labels[i]}", fontsize=11)
        gradient_ax.set_title(f"predicted {predicted[i]}{verdict}", fontsize=11)
        for ax in (digit_ax, gradient_ax):
            ax.set_xticks([])
            ax.set_yticks([])
    bars = grid[:, -1].subgridspec(2, 1, hspace=0.35)
    colorbar = fig.colorbar(gradient_image, cax=fig.add_subplot(bars[0]))
    colorbar.set_label("∂score/∂pixel")
    colorbar = fig.colorbar(ink_image, cax=fig.add_subplot(bars[1]))
    colorbar.set_label("ink (0–16)")
    fig.suptitle(
        f"Saliency: each test digit beside ∂(predicted class's score)/∂pixel (test accuracy {accuracy:.1%})\n"
        "red: more ink there raises the score, blue: lowers it"
    )
    return save_figure(fig, out, "saliency_map.png")


if __name__ == "__main__":
    main()
