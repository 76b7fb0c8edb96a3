"""Train an MLP on real handwritten digits: the library's main example.

scikit-learn's bundled 8x8 digits (1,797 images, 10 classes; no download) are split
into a stratified training set and a held-out test set, standardised with the
training set's statistics, and fed to a 64-128-64-10 ReLU network built with `nn`,
trained with `optim.Adam` on `nn.CrossEntropyLoss` in a PyTorch-style loop over an
`al.data.DataLoader`. A progress bar per epoch shows the running loss and accuracy;
evaluation runs under `al.no_grad()`.

It writes a loss/accuracy-per-epoch plot (PNG) and the model's computation graph
(SVG, needs Graphviz's `dot`), prints where they are and the final test accuracy.
With the defaults (seed 0) it reaches 97.5% test accuracy (97.2-98.6% over seeds 0-4)
in about 3 seconds of training.

    python examples/digits_mlp.py                  # full run, files in out/
    python examples/digits_mlp.py --epochs 5 --lr 3e-3 --out /tmp/digits
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import epoch_bar, make_parser, output_dir, plt, save_figure, write_graph_svg
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import autograd_lite as al
import nn
import optim


def split_digits(seed: int = 0, test_size: float = 0.2) -> tuple[np.ndarray, ...]:
    """Stratified train/test split of the raw digits (pixel values 0..16).

    Returns (x_train, x_test, y_train, y_test); the same seed always gives the same split.
    """
    digits = load_digits()
    return tuple(
        train_test_split(
            digits.data, digits.target, test_size=test_size, stratify=digits.target, random_state=seed
        )
    )


def load_data(seed: int = 0, test_size: float = 0.2) -> tuple[np.ndarray, ...]:
    """`split_digits`, standardised with the training statistics.

    Returns (x_train, x_test, y_train, y_test) as float32 / int64 arrays.
    """
    x_train, x_test, y_train, y_test = split_digits(seed, test_size)
    mean = x_train.mean(axis=0)
    # Border pixels are always 0; a std of 1 leaves them at 0 instead of dividing by 0.
    std = np.where(x_train.std(axis=0) > 0, x_train.std(axis=0), 1.0)
    scale = lambda x: ((x - mean) / std).astype(np.float32)  # noqa: E731
    return scale(x_train), scale(x_test), y_train.astype(np.int64), y_test.astype(np.int64)


def build_model(hidden: tuple[int, ...] = (128, 64), inputs: int = 64, classes: int = 10) -> nn.Module:
    """A ReLU multilayer perceptron: inputs -> hidden... -> classes (logits)."""
    layers: list[nn.Module] = []
    width = inputs
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray, loss_fn: nn.Module) -> tuple[float, float]:
    """(mean loss, accuracy) of `model` on arrays x, y, without recording a graph."""
    model.eval()
    with al.no_grad():
        logits = model(al.tensor(x))
        loss = loss_fn(logits, al.tensor(y)).item()
        accuracy = float((logits.argmax(axis=1).numpy() == y).mean())
    model.train()
    return loss, accuracy


def train(
    model: nn.Module,
    data: tuple[np.ndarray, ...],
    epochs: int,
    lr: float,
    batch_size: int,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train with Adam and cross-entropy; return per-epoch train/test loss and accuracy."""
    x_train, x_test, y_train, y_test = data
    loader = al.data.DataLoader(al.data.TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        model.train()
        seen = correct = 0
        total_loss = 0.0
        # A bar driven by hand (not wrapping the loader) stays open for the test accuracy.
        with epoch_bar(total=len(loader), desc=f"epoch {epoch:>2}/{epochs}", enabled=progress) as bar:
            for images, labels in loader:
                logits = model(images)
                loss = loss_fn(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

                count = len(labels)
                seen += count
                total_loss += loss.item() * count
                correct += int((logits.argmax(axis=1).numpy() == labels.numpy()).sum())
                # refresh=False: tqdm redraws at its own pace instead of on every batch.
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}", refresh=False)
                bar.update()
            test_loss, test_acc = evaluate(model, x_test, y_test, loss_fn)
            bar.set_postfix(
                loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}", test_acc=f"{test_acc:.3f}"
            )
        history["train_loss"].append(total_loss / seen)
        history["train_acc"].append(correct / seen)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
    return history


def plot_history(
    history: dict[str, list[float]], out: Path, filename: str = "digits_mlp_training.png"
) -> Path:
    """Loss and accuracy per epoch, training and test, side by side."""
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["train_loss"], label="train")
    left.plot(epochs, history["test_loss"], label="test")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy (nats per image)")
    left.set_title("Loss")
    left.legend(loc="upper right")  # the curves fall away from that corner
    right.plot(epochs, np.array(history["train_acc"]) * 100, label="train")
    right.plot(epochs, np.array(history["test_acc"]) * 100, label="test")
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy (%)")
    right.set_ylim(max(0.0, min(history["test_acc"] + history["train_acc"]) * 100 - 2), 100.5)
    right.set_title(f"Accuracy (final test {history['test_acc'][-1]:.2%})")
    right.legend(loc="lower right")  # the curves rise away from that corner
    fig.tight_layout()
    return save_figure(fig, out, filename)


def model_graph(model: nn.Module, images: np.ndarray, labels: np.ndarray, rankdir: str = "LR") -> Any:
    """The `draw_graph` Digraph of one forward/backward pass on a few images, left to right,
    every tensor (parameters and intermediates) coloured by its gradient's norm; `.grad` is
    left empty."""
    x = al.Tensor(images, name="images")
    loss = nn.CrossEntropyLoss()(model(x), al.tensor(labels))
    loss.name = "loss"
    model.zero_grad()
    # Intermediate tensors keep no .grad: the record gives their norms to the drawing.
    with al.record_grad_norms() as norms:
        loss.backward()
    graph = al.draw_graph(loss, grad_norms=norms, rankdir=rankdir)
    model.zero_grad()
    return graph


def draw_model_graph(model: nn.Module, images: np.ndarray, labels: np.ndarray, out: Path) -> Path | None:
    """Render `model_graph` to out/digits_mlp_graph.svg (None without Graphviz's `dot`)."""
    return write_graph_svg(model_graph(model, images, labels), out / "digits_mlp_graph.svg")


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=30, help="passes over the training set")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    parser.add_argument("--batch-size", type=int, default=32, help="images per step")
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the split, the initialisation and the shuffling"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    args = parser.parse_args(argv)
    if args.fast:
        args.epochs = min(args.epochs, 2)
    out = output_dir(args.out)

    start = time.perf_counter()
    al.manual_seed(args.seed)
    data = load_data(args.seed)
    model = build_model()
    print(model)
    print(f"{len(data[0])} training and {len(data[1])} test images; seed {args.seed}")
    history = train(model, data, args.epochs, args.lr, args.batch_size, progress=not args.no_progress)
    seconds = time.perf_counter() - start

    figure = plot_history(history, out)
    graph = draw_model_graph(model, data[1][:4], data[3][:4], out)
    print(f"wrote {figure}")
    if graph is not None:
        print(f"wrote {graph}")
    print(
        f"final test accuracy {history['test_acc'][-1]:.2%} (train {history['train_acc'][-1]:.2%}) "
        f"after {args.epochs} epochs in {seconds:.1f} s (seed {args.seed})"
    )
    return {
        "seed": args.seed,
        "epochs": args.epochs,
        "test_accuracy": history["test_acc"][-1],
        "train_accuracy": history["train_acc"][-1],
        "test_loss": history["test_loss"][-1],
        "train_seconds": seconds,
        "history": history,
        "figures": [figure],
        "graph": graph,
    }


if __name__ == "__main__":
    main()
