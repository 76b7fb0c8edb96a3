"""Generate the figures of the README and of docs/graphs.md.

    python docs/make_figures.py   # needs Graphviz's `dot` and the examples' extras

digits_mlp_graph.png: the main example's MLP (examples/digits_mlp.py, trained with its
defaults) on four test images, every tensor coloured by its gradient's L2 norm: the
README's picture.
mlp_graph.svg: a small MLP (nn.Sequential of Dense and ReLU layers) classifies a few
random 4x4 "digit" images with a cross-entropy loss; the backward pass runs inside
`al.record_grad_norms()` so that every tensor is coloured by its gradient's L2 norm.
mlp_backward.txt: the same backward pass narrated by `al.explain_backward`.
vanishing_graph.svg: a stack of Dense + Sigmoid blocks with small weights, each block
collapsed into one node (its calls recorded by `nn.record_module_calls()`), where the
gradient shrinks block after block.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np

import autograd_lite as al
import nn

HERE = Path(__file__).resolve().parent
# A PNG renders everywhere (SVG previews do not); 110 dpi keeps its text sharp.
PNG_DPI = "110"


def build_loss() -> tuple[nn.Module, al.Tensor]:
    """The model and its loss on a fixed batch of four random 4x4 images, three classes."""
    al.manual_seed(0)
    model = nn.Sequential(nn.Dense(16, 12), nn.ReLU(), nn.Dense(12, 12), nn.ReLU(), nn.Dense(12, 3))
    images = al.rand(4, 16)
    labels = np.array([0, 2, 1, 2])
    loss = nn.CrossEntropyLoss()(model(images), labels)
    loss.name = "loss"
    return model, loss


def vanishing_drawing() -> object:
    """Six Dense+Sigmoid blocks with halved initial weights: gradients vanish going down."""
    al.manual_seed(0)
    blocks = [nn.Sequential(nn.Dense(8, 8), nn.Sigmoid()) for _ in range(6)]
    model = nn.Sequential(*blocks, nn.Dense(8, 1))
    for name, param in model.named_parameters():
        if name.endswith("weight"):
            param.data = param.data * 0.5
    with nn.record_module_calls() as calls:  # which block returned which tensor
        loss = ((model(al.rand(16, 8)) - 1.0) ** 2).mean()
    loss.name = "loss"
    with al.record_grad_norms() as norms:
        loss.backward()
    return al.draw_graph(loss, grad_norms=norms, collapse=list(model), module_calls=calls)


def main_example_drawing() -> object:
    """The main example's model after its default training, on four test images."""
    sys.path.insert(0, str(HERE.parent / "examples"))
    import digits_mlp  # noqa: PLC0415 - an example script, importable only from its folder

    al.manual_seed(0)
    data = digits_mlp.load_data(0)
    model = digits_mlp.build_model()
    digits_mlp.train(model, data, epochs=30, lr=1e-3, batch_size=32, progress=False)
    drawing = digits_mlp.model_graph(model, data[1][:4], data[3][:4])
    drawing.graph_attr["dpi"] = PNG_DPI
    return drawing


def main() -> None:
    (HERE / "digits_mlp_graph.png").write_bytes(main_example_drawing().pipe(format="png"))

    model, loss = build_loss()
    with al.record_grad_norms() as norms:
        loss.backward()
    drawing = al.draw_graph(loss, grad_norms=norms)
    svg = drawing.pipe(format="svg", encoding="utf-8")
    (HERE / "mlp_graph.svg").write_text(svg, encoding="utf-8")

    # The same pass narrated step by step (a fresh graph: the first one is freed).
    model, loss = build_loss()
    text = al.explain_backward(loss, file=io.StringIO())
    (HERE / "mlp_backward.txt").write_text(text, encoding="utf-8")
    svg = vanishing_drawing().pipe(format="svg", encoding="utf-8")
    (HERE / "vanishing_graph.svg").write_text(svg, encoding="utf-8")
    print(f"wrote digits_mlp_graph.png, mlp_graph.svg, mlp_backward.txt and vanishing_graph.svg in {HERE}")


if __name__ == "__main__":
    main()
