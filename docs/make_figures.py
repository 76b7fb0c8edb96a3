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
graph_view.png: the interactive view (`al.graph_html`) of the MLP's graph with its
layers collapsed, one of them expanded and a tooltip showing, screenshot in headless
Chromium (Debian's `chromium`, driven by Playwright; skipped when either is missing).
Needs the Graphviz `dot` program.
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


def build_loss(calls: object = None) -> tuple[nn.Module, al.Tensor, al.Tensor]:
    """The model, its loss on a fixed batch of four random 4x4 images (three classes) and
    the batch (the drawings show it while it exists); the module calls are recorded into
    `calls`, a `nn.record_module_calls()`, when given."""
    al.manual_seed(0)
    model = nn.Sequential(nn.Dense(16, 12), nn.ReLU(), nn.Dense(12, 12), nn.ReLU(), nn.Dense(12, 3))
    images = al.rand(4, 16)
    images.name = "images"
    labels = np.array([0, 2, 1, 2])
    with calls if calls is not None else nn.record_module_calls():
        loss = nn.CrossEntropyLoss()(model(images), labels)
    loss.name = "loss"
    return model, loss, images


def graph_view_screenshot(path: Path) -> bool:
    """Screenshot the MLP's interactive view: layer 2 expanded, 2.weight's tooltip shown."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("graph_view.png skipped: Playwright is not installed")
        return False
    if not Path("/usr/bin/chromium").exists():
        print("graph_view.png skipped: no /usr/bin/chromium")
        return False
    calls = nn.record_module_calls()
    model, loss, images = build_loss(calls)
    with al.record_grad_norms() as norms:
        loss.backward()
    page_path = path.with_suffix(".html")
    al.graph_html(loss, page_path, grad_norms=norms, collapse=list(model), module_calls=calls)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        page = browser.new_page(viewport={"width": 1300, "height": 900}, device_scale_factor=1.5)
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        page.locator("#canvas g.node").filter(has=page.get_by_text("2: Linear", exact=True)).click()
        page.locator("#canvas g.node").filter(has=page.get_by_text("2.weight", exact=True)).hover()
        page.screenshot(path=str(path))
        browser.close()
    page_path.unlink()
    return True


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

    model, loss, images = build_loss()
    with al.record_grad_norms() as norms:
        loss.backward()
    drawing = al.draw_graph(loss, grad_norms=norms)
    svg = drawing.pipe(format="svg", encoding="utf-8")
    (HERE / "mlp_graph.svg").write_text(svg, encoding="utf-8")

    # The same pass narrated step by step (a fresh graph: the first one is freed).
    model, loss, images = build_loss()
    text = al.explain_backward(loss, file=io.StringIO())
    (HERE / "mlp_backward.txt").write_text(text, encoding="utf-8")
    svg = vanishing_drawing().pipe(format="svg", encoding="utf-8")
    (HERE / "vanishing_graph.svg").write_text(svg, encoding="utf-8")
    shot = graph_view_screenshot(HERE / "graph_view.png")
    written = "digits_mlp_graph.png, mlp_graph.svg, mlp_backward.txt, vanishing_graph.svg"
    print(f"wrote {written}{' and graph_view.png' if shot else ''} in {HERE}")


if __name__ == "__main__":
    main()
