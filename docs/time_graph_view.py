"""Time how long a 5,000-node graph's interactive view takes to open in headless Chromium.

    python docs/time_graph_view.py   # needs Graphviz's `dot`, Playwright and /usr/bin/chromium

The graph: 1,250 steps of `h = tanh(h * w)` (5,318 nodes in the drawing: operations,
tensors, the legend), every tensor coloured from `record_grad_norms`. Each load opens the
written file in a new page and waits until the view says it is ready (`body[data-ready]`:
the JSON parsed, the SVG inserted, nodes and edges indexed, the view fitted).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import autograd_lite as al

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def large_graph() -> tuple[al.Tensor, object]:
    al.manual_seed(0)
    w = al.randn(8, requires_grad=True)
    h = al.randn(8)
    for _ in range(1250):
        h = (h * w).tanh()
    loss = h.sum()
    with al.record_grad_norms() as norms:
        loss.backward(retain_graph=True)
    return loss, norms


def main(loads: int = 5) -> None:
    loss, norms = large_graph()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.html"
        start = time.perf_counter()
        al.graph_html(loss, path, grad_norms=norms)
        print(f"written in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for load in range(loads):
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-ready=true]", timeout=60_000)
                print(f"load {load + 1}: ready after {time.perf_counter() - start:.2f} s")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
