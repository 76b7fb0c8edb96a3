"""A saliency map: which pixels does the trained network look at?

Trains the main example's MLP on the 8x8 digits (see digits_mlp.py), then, for a
few test digits, asks the engine for the gradient of the predicted class's score
(its logit) with respect to the input pixels: the input is just another tensor
with `requires_grad=True`. Pixels with a large |gradient| are the ones whose change
would move that score most. The figure shows each digit above its saliency map
|gradient| and the signed gradient (red: more ink there raises the score, blue:
lowers it). Gradients are taken with respect to the standardised pixels the
network sees.

    python examples/saliency_map.py --out out/
"""

from __future__ import annotations

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

    fig, axes = plt.subplots(3, len(chosen), figsize=(1.1 * len(chosen), 3.9), squeeze=False)
    for column, (index, guess, grad, signed) in enumerate(zip(chosen, predicted, maps, gradients)):
        axes[0, column].imshow(pixels[index].reshape(8, 8), cmap="gray_r")
        axes[0, column].set_title(f"predicted {guess}", fontsize=8)
        axes[1, column].imshow(grad, cmap="hot")
        limit = np.abs(signed).max()
        axes[2, column].imshow(signed, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("digit", fontsize=8)
    axes[1, 0].set_ylabel("saliency\n|∂score/∂pixel|", fontsize=8)
    axes[2, 0].set_ylabel("∂score/∂pixel\n(red raises)", fontsize=8)
    fig.suptitle(f"Saliency maps (test accuracy {history['test_acc'][-1]:.1%})", fontsize=10)
    figure = save_figure(fig, out, "saliency_map.png")
    print(f"wrote {figure}")
    return {
        "test_accuracy": history["test_acc"][-1],
        "labels": y_test[chosen],
        "predicted": predicted,
        "saliency": maps,
        "figures": [figure],
    }


if __name__ == "__main__":
    main()
