"""Vanishing and exploding gradients, seen layer by layer, and gradient clipping.

Three deep networks (8 hidden layers of 64 units) classify a batch of 8x8 digits:

* sigmoid activations with a small initialisation (weights ~ N(0, 0.01²)): every
  layer shrinks the backward signal (sigmoid' <= 1/4 times tiny weights), so the
  first layers get gradients many orders of magnitude smaller than the last;
* ReLU with He (Kaiming) initialisation: the gradient norm stays about level;
* ReLU with a too-large initialisation (N(0, 0.3²), 1.7 times He's standard
  deviation): activations and gradients grow layer after layer.

`nn.utils.grad_norms` gives the gradient norm of every parameter after one backward
pass; the figure plots the weights' norms against depth. The sigmoid network's
graph is also drawn (SVG) with one node per block, each coloured by its gradient
norm (`nn.record_module_calls`, `al.record_grad_norms`, `collapse=`). Finally the exploding network is trained
with plain SGD (lr 0.1), with and without `nn.utils.clip_grad_norm_(..., 5.0)`:
without clipping the first huge steps overflow the loss to NaN within a few
iterations; with clipping every step is bounded and the loss falls.

    python examples/vanishing_gradients.py --out out/
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from _common import make_parser, output_dir, plt, save_figure, write_graph_svg
from sklearn.datasets import load_digits

import autograd_lite as al
import nn
import optim

DEPTH = 8
WIDTH = 64


def init_small(weight: nn.Parameter) -> None:
    """N(0, 0.01²): far too small for a deep sigmoid network."""
    nn.init.normal_(weight, mean=0.0, std=0.01)


def init_he(weight: nn.Parameter) -> None:
    """He (Kaiming) normal: variance 2 / fan_in, which keeps ReLU signals level."""
    nn.init.kaiming_normal_(weight, nonlinearity="relu")


def init_large(weight: nn.Parameter) -> None:
    """N(0, 0.3²): about 1.7 times He's standard deviation for 64 inputs."""
    nn.init.normal_(weight, mean=0.0, std=0.3)


# label -> (activation class, weight initialiser)
CONFIGS = {
    "sigmoid, N(0, 0.01²) init": (nn.Sigmoid, init_small),
    "ReLU, He init": (nn.ReLU, init_he),
    "ReLU, N(0, 0.3²) init": (nn.ReLU, init_large),
}


def build(
    activation: type, init: Callable[[nn.Parameter], None], depth: int = DEPTH, width: int = WIDTH
) -> nn.Sequential:
    """`depth` hidden blocks (Linear, activation) and a 10-way output layer, biases zeroed.

    Each hidden block is a Sequential of its own, so the graph can draw it as one node."""
    layers: list[nn.Module] = []
    inputs = 64
    for _ in range(depth):
        layers.append(nn.Sequential(nn.Linear(inputs, width), activation()))
        inputs = width
    layers.append(nn.Linear(inputs, 10))
    model = nn.Sequential(*layers)
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            init(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def load_batch(size: int = 512) -> tuple[al.Tensor, al.Tensor]:
    """The first `size` digits, standardised, as (inputs, labels) Tensors."""
    digits = load_digits()
    x = digits.data[:size]
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    return al.tensor(x.astype(np.float32)), al.tensor(digits.target[:size].astype(np.int64))


def weight_grad_norms(model: nn.Module) -> list[float]:
    """Gradient norm of each Linear layer's weight, first layer first."""
    norms = nn.utils.grad_norms(model)
    return [float(norm) for name, norm in norms.items() if name.endswith("weight")]


def total_grad_norm(model: nn.Module) -> float:
    """L2 norm of all gradients together (what clip_grad_norm_ measures)."""
    return float(
        np.sqrt(sum(float((p.grad.numpy().astype(np.float64) ** 2).sum()) for p in model.parameters()))
    )


def train(
    model: nn.Module, x: al.Tensor, y: al.Tensor, steps: int, lr: float, max_norm: float | None
) -> tuple[list[float], list[float]]:
    """Plain SGD, optionally clipping the total gradient norm; returns losses and pre-clip norms."""
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses, norms = [], []
    for _ in range(steps):
        # Without clipping the weights overflow on purpose; NumPy's warnings would only repeat that.
        with np.errstate(over="ignore", invalid="ignore"):
            loss = loss_fn(model(x), y)
            losses.append(loss.item())
            if not np.isfinite(losses[-1]):
                break
            optimizer.zero_grad()
            loss.backward()
            if max_norm is not None:
                norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), max_norm)))
            else:
                norms.append(total_grad_norm(model))
            optimizer.step()
    return losses, norms


def main(argv: list[str] | None = None) -> dict:
    """Run the example (argv as on the command line); return its headline numbers and figure paths."""
    parser = make_parser(__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seeds the initialisations")
    parser.add_argument("--steps", type=int, default=40, help="SGD steps in the clipping comparison")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate in the clipping comparison")
    parser.add_argument("--max-norm", type=float, default=5.0, help="clip_grad_norm_'s threshold")
    args = parser.parse_args(argv)
    if args.fast:
        args.steps = min(args.steps, 5)
    out = output_dir(args.out)
    x, y = load_batch(128 if args.fast else 512)
    loss_fn = nn.CrossEntropyLoss()

    norms_by_config = {}
    graph_path = None
    for label, (activation, init) in CONFIGS.items():
        al.manual_seed(args.seed)
        model = build(activation, init)
        # Which layer returned which tensor, so the drawing can show one node per layer.
        with nn.record_module_calls() as calls:
            loss = loss_fn(model(x), y)
        loss.name = "loss"
        with al.record_grad_norms() as norms:  # the intermediate tensors' gradient norms too
            loss.backward()
        norms_by_config[label] = weight_grad_norms(model)
        first, last = norms_by_config[label][0], norms_by_config[label][-1]
        print(
            f"{label:<28} gradient norm: first layer {first:.2e}, last layer {last:.2e} (ratio {first / last:.1e})"
        )
        if activation is nn.Sigmoid:
            # One node per block (a straight column, not every op and parameter): the fill
            # turns from green to blue as the gradient vanishes towards the input.
            graph = al.draw_graph(loss, grad_norms=norms, collapse=list(model), module_calls=calls)
            graph_path = write_graph_svg(graph, out / "vanishing_gradients_graph.svg")

    exploding = list(CONFIGS)[2]
    curves = {}
    for max_norm in (None, args.max_norm):
        al.manual_seed(args.seed)
        model = build(*CONFIGS[exploding])
        curves[max_norm] = train(model, x, y, args.steps, args.lr, max_norm)
    unclipped, clipped = curves[None][0], curves[args.max_norm][0]
    print(
        f"{exploding}, SGD lr {args.lr:g}: without clipping the loss goes {unclipped[0]:.3g} -> "
        f"{unclipped[-1]:.3g} at step {len(unclipped) - 1}; with clip_grad_norm_(max_norm={args.max_norm:g}) "
        f"{clipped[0]:.3g} -> {clipped[-1]:.3g} in {len(clipped)} steps"
    )

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for label, norms in norms_by_config.items():
        left.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=label)
    left.set_xlabel("layer (1 = input side)")
    left.set_ylabel("‖∂loss/∂weight‖ (L2 norm)")
    left.set_title("Gradient norm per layer, one backward pass")
    right.semilogy(unclipped, "o-", markersize=4, color="tab:red", label="no clipping")
    if not np.isfinite(unclipped[-1]):
        right.annotate(
            f"NaN at step {len(unclipped) - 1}",
            xy=(len(unclipped) - 2, unclipped[-2]),
            xytext=(len(unclipped) + 3, unclipped[-2]),
            color="tab:red",
            fontsize=11,
            va="center",
            arrowprops={"arrowstyle": "->", "color": "tab:red"},
        )
    right.semilogy(
        clipped, "o-", markersize=4, color="tab:green", label=f"clip_grad_norm_(max_norm={args.max_norm:g})"
    )
    right.set_xlabel("SGD step")
    right.set_ylabel("cross-entropy (nats per image)")
    right.set_title(f"Training the too-large-init ReLU net (lr {args.lr:g})")
    right.legend(loc="center right")  # between the spike on the left and the falling curve below
    # Above the sigmoid curve's input end, which is empty: it starts 12 decades lower.
    left.legend(loc="center left", bbox_to_anchor=(0.01, 0.6))
    fig.tight_layout()
    figure = save_figure(fig, out, "vanishing_gradients.png")
    print(f"wrote {figure}")
    if graph_path is not None:
        print(f"wrote {graph_path}")
    return {
        "grad_norms": norms_by_config,
        "unclipped_losses": unclipped,
        "clipped_losses": clipped,
        "figures": [figure],
        "graph": graph_path,
    }


if __name__ == "__main__":
    main()
