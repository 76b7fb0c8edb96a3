"""A small convolutional network on the 8x8 digits: filters, mistakes and Grad-CAM.

The same stratified train/test split as digits_mlp.py (1,437 training and 360 test
images), pixels scaled to [0, 1] and shaped (N, 1, 8, 8), feed a two-block CNN:

    Conv2d(1, 16, 3, padding=1) - BatchNorm2d(16) - ReLU - MaxPool2d(2)    8x8 -> 4x4
    Conv2d(16, 32, 3, padding=1) - BatchNorm2d(32) - ReLU - MaxPool2d(2)   4x4 -> 2x2
    Flatten - Linear(32*2*2, 10)

trained with Adam on cross-entropy in batches of 64. The script writes

* the learning curves (loss and accuracy per epoch, training and test);
* the first layer's 16 filters (3x3 weights, red positive, blue negative);
* the test set's confusion matrix;
* the model's computation graph with each layer drawn as one node (SVG, needs
  Graphviz's `dot`): `al.draw_graph(..., collapse=list(model), module_calls=calls)`
  with the calls recorded by `nn.record_module_calls()`;
* Grad-CAM maps for one test digit of each class: the gradient of the predicted
  class's score with respect to the second block's feature maps (ReLU output,
  32 x 4 x 4, kept with `retain_grad()`), averaged over positions, weighs the maps;
  ReLU of the weighted sum, upsampled to 8x8, shows where the network found evidence
  for its answer.

With the defaults (15 epochs, lr 3e-3, seed 0) it reaches 99.4% test accuracy (2 of
360 test images wrong; 98.3% to 99.7% over seeds 0-4) after about 3 s of training.

    python examples/digits_cnn.py --out out/
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from _common import blas_threads, epoch_bar, make_parser, output_dir, plt, save_figure, write_graph_svg
from digits_mlp import split_digits

import autograd_lite as al
import nn
import optim


def load_images(seed: int = 0) -> tuple[np.ndarray, ...]:
    """digits_mlp's split with pixels scaled to [0, 1] and shaped (N, 1, 8, 8).

    Returns (x_train, x_test, y_train, y_test) as float32 / int64 arrays.
    """
    x_train, x_test, y_train, y_test = split_digits(seed)
    images = lambda x: (x / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)  # noqa: E731
    return images(x_train), images(x_test), y_train.astype(np.int64), y_test.astype(np.int64)


def build_model() -> nn.Sequential:
    """Two Conv-BatchNorm-ReLU-MaxPool blocks and a linear classifier (10 logits)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, 10),
    )


# The second block's ReLU: its output (N, 32, 4, 4) are the feature maps Grad-CAM weighs.
LAST_FEATURES = 6


def predict(model: nn.Module, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean cross-entropy, predicted classes) in eval mode, without recording a graph."""
    model.eval()
    with al.no_grad():
        logits = model(al.tensor(x))
        loss = nn.functional.cross_entropy(logits, al.tensor(y)).item()
    model.train()
    return loss, logits.argmax(axis=1).numpy()


def train(
    model: nn.Module,
    data: tuple[np.ndarray, ...],
    epochs: int,
    lr: float,
    batch_size: int = 64,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Adam on cross-entropy; per-epoch training loss/accuracy (running, over the epoch's
    batches) and test loss/accuracy (eval mode after the epoch)."""
    x_train, x_test, y_train, y_test = data
    loader = al.data.DataLoader(al.data.TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        seen = correct = 0
        total_loss = 0.0
        with epoch_bar(total=len(loader), desc=f"epoch {epoch:>2}/{epochs}", enabled=progress) as bar:
            for images, labels in loader:
                logits = model(images)
                loss = nn.functional.cross_entropy(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                seen += len(labels)
                total_loss += loss.item() * len(labels)
                correct += int((logits.argmax(axis=1).numpy() == labels.numpy()).sum())
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}", refresh=False)
                bar.update()
            test_loss, predicted = predict(model, x_test, y_test)
            test_acc = float((predicted == y_test).mean())
            bar.set_postfix(
                loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}", test_acc=f"{test_acc:.4f}"
            )
        history["train_loss"].append(total_loss / seen)
        history["train_acc"].append(correct / seen)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
    return history


def grad_cam(model: nn.Sequential, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grad-CAM maps (n, h, w) at the resolution of the last block's feature maps, and the
    predicted classes, for a batch of images (eval mode)."""
    model.eval()
    features = model[: LAST_FEATURES + 1](al.tensor(images))
    features.retain_grad()  # an intermediate tensor keeps .grad only when asked
    logits = model[LAST_FEATURES + 1 :](features)
    predicted = logits.argmax(axis=1).numpy()
    # Summing the chosen scores is fine: in eval mode image i's score depends only on image i.
    logits[np.arange(len(images)), predicted].sum().backward()
    model.zero_grad()
    model.train()
    channel_weights = features.grad.numpy().mean(axis=(2, 3))  # (n, channels)
    maps = np.einsum("nc,nchw->nhw", channel_weights, features.detach().numpy())
    return np.maximum(maps, 0.0), predicted


def upsample(maps: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (n, h, h) maps to (n, size, size), pixel centres aligned as in
    PyTorch's interpolate(..., align_corners=False)."""
    h = maps.shape[-1]
    source = np.clip((np.arange(size) + 0.5) * h / size - 0.5, 0, h - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, h - 1)
    frac = source - low
    rows = maps[:, low, :] * (1 - frac)[:, None] + maps[:, high, :] * frac[:, None]
    return rows[:, :, low] * (1 - frac) + rows[:, :, high] * frac


# -- figures -------------------------------------------------------------------


def plot_history(history: dict[str, list[float]], out: Path) -> Path:
    """Loss (log scale) and accuracy per epoch, training and test."""
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(epochs, history["train_loss"], label="train (running mean)")
    left.plot(epochs, history["test_loss"], label="test")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy (nats)")
    left.set_title("Loss")
    left.legend()
    right.plot(epochs, np.array(history["train_acc"]) * 100, label="train (running mean)")
    right.plot(epochs, np.array(history["test_acc"]) * 100, label="test")
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy (%)")
    # The first epoch's low accuracy would squash the rest of the curve: the scale starts after it.
    shown = slice(1 if len(epochs) > 1 else 0, None)
    right.set_ylim(max(0.0, min(history["test_acc"][shown] + history["train_acc"][shown]) * 100 - 1), 100.3)
    right.set_title(f"Accuracy (final test {history['test_acc'][-1]:.2%})")
    right.legend(loc="lower right")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, out, "digits_cnn_training.png", dpi=150)


def plot_filters(conv: nn.Conv2d, out: Path) -> Path:
    """The first convolution's 3x3 kernels on one colour scale centred at 0."""
    kernels = conv.weight.detach().numpy()[:, 0]  # (16, 3, 3)
    limit = float(np.abs(kernels).max())
    fig, axes = plt.subplots(2, 8, figsize=(11, 3.2))
    for index, (ax, kernel) in enumerate(zip(axes.flat, kernels)):
        image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {index}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    colorbar = fig.colorbar(image, ax=axes, shrink=0.9, pad=0.02)
    colorbar.set_label("weight (per unit of input)")
    fig.suptitle("First convolution layer: 16 filters of 3x3 pixels")
    return save_figure(fig, out, "digits_cnn_filters.png", dpi=150, palette=False)


def plot_confusion(labels: np.ndarray, predicted: np.ndarray, out: Path) -> Path:
    """Counts of (true, predicted) classes on the test set, each cell annotated."""
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    fig, ax = plt.subplots(figsize=(10, 8))
    image = ax.imshow(counts, cmap="Blues")
    for true in range(10):
        for guess in range(10):
            if counts[true, guess]:
                dark = counts[true, guess] > counts.max() / 2
                ax.text(
                    guess,
                    true,
                    counts[true, guess],
                    ha="center",
                    va="center",
                    fontsize=12,
                    color="white" if dark else "black",
                )
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    errors = int(counts.sum() - np.trace(counts))
    ax.set_title(f"Test set confusion matrix: {errors} of {counts.sum()} images misclassified")
    fig.colorbar(image, ax=ax, shrink=0.8).set_label("test images")
    return save_figure(fig, out, "digits_cnn_confusion.png", dpi=160, palette=False)


def plot_grad_cam(
    pixels: np.ndarray, maps: np.ndarray, labels: np.ndarray, predicted: np.ndarray, out: Path
) -> Path:
    """Each digit above its Grad-CAM map (scaled to the image's maximum) laid over it."""
    heat = upsample(maps, 8)
    peaks = heat.max(axis=(1, 2), keepdims=True)
    heat = heat / np.where(peaks > 0, peaks, 1.0)
    fig, axes = plt.subplots(2, len(pixels), figsize=(12, 2.6), squeeze=False)
    for column, (image, cam, label, guess) in enumerate(zip(pixels, heat, labels, predicted)):
        axes[0, column].imshow(image, cmap="gray_r", vmin=0, vmax=1)
        axes[0, column].set_title(f"label {label}\npred. {guess}", fontsize=10)
        axes[1, column].imshow(image, cmap="gray_r", vmin=0, vmax=1.6)
        # Opacity grows with the map, so the digit shows through where the map is low.
        overlay = axes[1, column].imshow(cam, cmap="YlOrRd", vmin=0, vmax=1, alpha=0.15 + 0.7 * cam)
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("input", fontsize=11)
    axes[1, 0].set_ylabel("Grad-CAM\non input", fontsize=11)
    colorbar = fig.colorbar(overlay, ax=axes, shrink=0.9, pad=0.02)
    colorbar.solids.set_alpha(1)
    colorbar.set_label("Grad-CAM / its maximum")
    fig.suptitle(
        "Where the network found evidence for its answer (Grad-CAM, second convolution block)", y=1.1
    )
    return save_figure(fig, out, "digits_cnn_grad_cam.png", dpi=150, palette=False)


def draw_model_graph(model: nn.Sequential, images: np.ndarray, labels: np.ndarray, out: Path) -> Path | None:
    """One forward/backward pass drawn with each layer collapsed to one node (SVG); eval
    mode, so BatchNorm's running statistics stay as training left them."""
    model.eval()
    # The batch stays in a variable: a drawing shows data inputs only while they exist.
    batch = al.tensor(images)
    batch.name = "images"
    with nn.record_module_calls() as calls:
        loss = nn.functional.cross_entropy(model(batch), al.tensor(labels))
    loss.name = "loss"
    model.zero_grad()
    # record_grad_norms colours the tensors between the layers too, not only the parameters.
    with al.record_grad_norms() as norms:
        loss.backward()
    graph = al.draw_graph(loss, grad_norms=norms, collapse=list(model), module_calls=calls)
    model.zero_grad()
    model.train()
    return write_graph_svg(graph, out / "digits_cnn_graph.svg")


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=15, help="passes over the training set")
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's learning rate")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step")
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the split, the initialisation and the shuffling"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    args = parser.parse_args(argv)
    if args.fast:
        args.epochs = min(args.epochs, 1)
    out = output_dir(args.out)

    start = time.perf_counter()
    with blas_threads(args.threads):
        al.manual_seed(args.seed)
        data = load_images(args.seed)
        x_test, y_test = data[1], data[3]
        model = build_model()
        print(model)
        print(f"{len(data[0])} training and {len(x_test)} test images; seed {args.seed}")
        history = train(model, data, args.epochs, args.lr, args.batch_size, progress=not args.no_progress)
        train_seconds = time.perf_counter() - start

        _, predicted = predict(model, x_test, y_test)
        # One test digit of each class, the first in the test set.
        chosen = [int(np.flatnonzero(y_test == digit)[0]) for digit in range(10)]
        maps, cam_predicted = grad_cam(model, x_test[chosen])
        figures = [
            plot_history(history, out),
            plot_filters(model[0], out),
            plot_confusion(y_test, predicted, out),
            plot_grad_cam(x_test[chosen, 0], maps, y_test[chosen], cam_predicted, out),
        ]
        graph = draw_model_graph(model, x_test[:8], y_test[:8], out)
    seconds = time.perf_counter() - start
    for path in [*figures, graph]:
        if path is not None:
            print(f"wrote {path}")
    print(
        f"final test accuracy {history['test_acc'][-1]:.2%} (train {history['train_acc'][-1]:.2%}) after "
        f"{args.epochs} epochs; training {train_seconds:.1f} s, whole run {seconds:.1f} s (seed {args.seed})"
    )
    return {
        "seed": args.seed,
        "epochs": args.epochs,
        "test_accuracy": history["test_acc"][-1],
        "train_accuracy": history["train_acc"][-1],
        "history": history,
        "grad_cam": maps,
        "train_seconds": train_seconds,
        "seconds": seconds,
        "figures": figures,
        "graph": graph,
    }


if __name__ == "__main__":
    main()
