"""The interactive graph view (al.graph_html): the page's content checked in Python, and
its behaviour in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import pytest

import autograd_lite as al
import nn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def digits_mlp():
    """The MLP of the digits example on a fixed batch, its calls recorded, after backward
    (the batch is returned too: a graph does not keep its data alive)."""
    al.manual_seed(0)
    model = nn.Sequential(nn.Dense(16, 12), nn.ReLU(), nn.Dense(12, 12), nn.ReLU(), nn.Dense(12, 3))
    images = al.rand(4, 16)
    images.name = "images"
    with nn.record_module_calls() as calls:
        loss = nn.CrossEntropyLoss()(model(images), np.array([0, 2, 1, 2]))
    loss.name = "loss"
    with al.record_grad_norms() as norms:
        loss.backward()
    return model, loss, calls, norms, images


def page_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_page_is_self_contained_with_a_layout_per_state(tmp_path):
    model, loss, calls, norms, images = digits_mlp()
    view = al.graph_html(
        loss, tmp_path / "view.html", grad_norms=norms, collapse=list(model), module_calls=calls
    )
    page = (tmp_path / "view.html").read_text()
    assert page == view.html
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script src" not in page and "<link" not in page
    data = page_data(page)
    assert len(data["states"]) == 2**5  # every mix of five modules, laid out by dot
    assert all(svg.lstrip().startswith("<?xml") or "<svg" in svg for svg in data["states"].values())
    weight = next(info for info in data["info"].values() if info.get("name") == "0.weight")
    assert weight["shape"] == "(12, 16)" and weight["dtype"] == "float32"
    assert weight["grad"]["norm"] == f"{np.linalg.norm(model[0].weight.grad.numpy()):.3g}"
    assert weight["module"] == 0  # hidden inside module 0 while it is collapsed
    shown = next(info for info in data["info"].values() if info.get("name") == "images")
    assert shown["role"] == "data" and "grad" not in shown and shown["shape"] == str(images.shape)
    # the legend lists only what is drawn
    assert "parameter (double border)" in page and "vanishing" not in page
    assert "<iframe srcdoc=" in view._repr_html_()


def test_drawing_to_html_and_jupyter_display(tmp_path):
    model, loss, calls, norms, images = digits_mlp()
    drawing = al.draw_graph(loss, grad_norms=norms, collapse=model, module_calls=calls)
    view = drawing.to_html(tmp_path / "drawing.html")
    assert (tmp_path / "drawing.html").read_text() == view.html
    assert len(page_data(view.html)["states"]) == 2  # the Sequential collapsed or expanded
    assert "iframe" in drawing._repr_html_()
    drawing.operations = 10**6  # too large to lay out at each display: the SVG alone
    assert drawing._repr_html_() is None
    assert "al.graph_html" not in repr(view) and "written to" in repr(view)


def test_modules_without_submodules_are_collapsed_by_default(monkeypatch):
    _, loss, calls, norms, images = digits_mlp()
    data = page_data(al.graph_html(loss, grad_norms=norms, module_calls=calls).html)
    names = sorted(info["name"] for info in data["info"].values() if info["kind"] == "module")
    assert names == ["0: Linear", "1: ReLU", "2: Linear", "3: ReLU", "4: Linear"]
    assert len(data["states"]) == 32
    # more mixes than MAX_STATES: all collapsed, each module expanded alone, all expanded
    monkeypatch.setattr(sys.modules["autograd_lite.graph_page"], "MAX_STATES", 16)
    data = page_data(al.graph_html(loss, grad_norms=norms, module_calls=calls).html)
    assert sorted(data["states"]) == ["", "0", "0,1,2,3,4", "1", "2", "3", "4"]


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def opened(browser, tmp_path):
    """The digits MLP's view opened in the browser: (page, console errors)."""
    model, loss, calls, norms, images = digits_mlp()
    path = tmp_path / "view.html"
    al.graph_html(loss, path, grad_norms=norms, collapse=list(model), module_calls=calls)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(5_000)
    errors: list = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    del images  # the page has what it needs
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=10_000)
    yield page, errors
    page.close()


def node(page, text: str):
    """The drawn node one of whose lines is exactly `text`."""
    return page.locator("#canvas g.node").filter(has=page.get_by_text(text, exact=True))


def test_expand_and_collapse_a_module_in_the_browser(opened):
    page, errors = opened
    collapsed = page.locator("#canvas g.node").count()
    assert page.get_attribute("body", "data-state") == ""
    assert node(page, "0.weight").count() == 0
    node(page, "2: Linear").click()
    assert page.get_attribute("body", "data-state") == "2"
    assert node(page, "2.weight").count() == 1 and node(page, "2: Linear").count() == 0
    # the module's box gives way to its operation and two parameters
    assert page.locator("#canvas g.node").count() == collapsed + 2
    node(page, "0: Linear").click()
    assert page.get_attribute("body", "data-state") == "0,2"
    # Alt-click on any node of an expanded module collapses it again
    node(page, "0.weight").click(modifiers=["Alt"])
    assert page.get_attribute("body", "data-state") == "2"
    assert errors == []


def test_hover_a_tensor_shows_its_values_and_gradient(opened):
    page, errors = opened
    node(page, "images").hover()
    tooltip = page.inner_text("#tooltip")
    assert "images data tensor" in tooltip and "(4, 16)" in tooltip and "float32" in tooltip
    assert "min / mean / max" in tooltip and "needs no gradient" in tooltip
    node(page, "loss").hover()
    tooltip = page.inner_text("#tooltip")
    assert "loss output tensor" in tooltip and "grad L2 norm\t1" in tooltip
    assert page.is_visible("#tooltip") and errors == []


def test_search_expands_the_module_hiding_a_match(opened):
    page, errors = opened
    page.fill("#search", "4.bias")
    assert page.get_attribute("body", "data-state") == "4"
    assert page.locator("#canvas g.node.found").count() == 1
    assert page.inner_text("#status") == "1 found"
    page.fill("#search", "relu")
    assert page.locator("#canvas g.node.found").count() == 2  # the ReLU modules by name
    page.fill("#search", "no such name")
    assert page.inner_text("#status") == "not found" and errors == []


def test_clicking_an_operation_highlights_its_path_to_the_loss(opened):
    page, errors = opened
    node(page, "cross_entropy").click()
    highlighted = page.locator("#canvas g.node.hl")
    texts = [highlighted.nth(k).text_content() for k in range(highlighted.count())]
    assert any("loss" in t for t in texts)  # its output, on the path to the loss
    assert any("(4, 3) float32" in t for t in texts)  # its input
    assert not any("images" in t for t in texts)
    assert page.locator("#canvas svg.dimmed").count() == 1
    page.mouse.click(5, 300)  # the background clears the highlight
    assert page.locator("#canvas svg.dimmed").count() == 0 and errors == []


def test_pan_and_zoom_change_the_view(opened):
    page, errors = opened
    before = page.get_attribute("#canvas svg", "viewBox")
    page.mouse.move(600, 500)
    page.mouse.wheel(0, -300)
    zoomed = page.get_attribute("#canvas svg", "viewBox")
    assert float(zoomed.split()[2]) < float(before.split()[2])
    page.mouse.move(600, 500)
    page.mouse.down()
    page.mouse.move(500, 400, steps=4)
    page.mouse.up()
    panned = page.get_attribute("#canvas svg", "viewBox")
    assert panned.split()[:2] != zoomed.split()[:2] and panned.split()[2:] == zoomed.split()[2:]
    page.click("#fit")
    assert page.get_attribute("#canvas svg", "viewBox") == before and errors == []
