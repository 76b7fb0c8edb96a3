"""draw_graph: rendered through Graphviz's real `dot` and checked in the SVG it produces."""

from __future__ import annotations

import copy
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd_lite as al
import nn
from autograd_lite.graph import GRAD_BANDS, GRAD_SCALE, ROLE_STYLES, format_values, grad_colour
from autograd_lite.graph_render import GraphvizNotFoundError

SVG = "{http://www.w3.org/2000/svg}"
VANISHING, HEALTHY, EXPLODING = GRAD_SCALE[0][1], GRAD_SCALE[3][1], GRAD_SCALE[-1][1]


def render(dot) -> ET.Element:
    """Render through `dot` and parse: a malformed SVG fails here."""
    return ET.fromstring(dot.pipe(format="svg", encoding="utf-8"))


def nodes(svg: ET.Element) -> dict:
    """DOT id -> (texts, fills, strokes) of every node in the SVG."""
    found = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        title = group.find(f"{SVG}title").text
        texts = [t.text for t in group.iter(f"{SVG}text")]
        shapes = [s for s in group.iter() if s.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")]
        found[title] = (texts, [s.get("fill") for s in shapes], [s.get("stroke") for s in shapes])
    return found


def edges(svg: ET.Element) -> list:
    return [
        tuple(g.find(f"{SVG}title").text.split("->")) for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"
    ]


def node_with(found: dict, text: str) -> str:
    matches = [key for key, (texts, _, _) in found.items() if text in texts]
    assert len(matches) == 1, (text, matches)
    return matches[0]


def all_texts(svg: ET.Element) -> list:
    return [t.text for t in svg.iter(f"{SVG}text")]


def small_graph():
    w = al.Tensor([1.0, -2.0, 3.0], requires_grad=True, name="w")
    x = al.Tensor([0.5, 0.25, 2.0], requires_grad=True)
    loss = (w * x).sum()
    loss.name = "loss"
    return w, x, loss


def test_rendered_svg_has_tensor_labels_op_names_and_grad_norms():
    w, x, loss = small_graph()
    loss.backward()
    svg = render(al.draw_graph(loss))
    found = nodes(svg)
    w_node, loss_node = node_with(found, "w"), node_with(found, "loss")
    assert "(3,) float32" in found[w_node][0]
    assert f"|grad| = {np.linalg.norm(w.grad.numpy()):.3g}" in found[w_node][0]
    assert "scalar float32" in found[loss_node][0]
    mul, total = node_with(found, "mul"), node_with(found, "sum")
    # input tensor -> op -> output tensor, following the data
    arrows = edges(svg)
    assert (w_node, mul) in arrows
    product = next(head for tail, head in arrows if tail == mul)
    assert (product, total) in arrows and (total, loss_node) in arrows
    assert len(found) == 6  # four tensors (w, x, w * x, loss) and two operations
    texts = all_texts(svg)
    assert f"|grad| = {np.linalg.norm(x.grad.numpy()):.3g}" in texts


def test_roles_are_drawn_differently():
    param = nn.Parameter(np.ones(3, np.float32))
    param.param_name = "0.weight"
    data = al.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="data")
    out = (param * data).sum()
    found = nodes(render(al.draw_graph(out)))
    param_node, data_node = node_with(found, "0.weight"), node_with(found, "data")
    out_node, op_node = node_with(found, "output"), node_with(found, "mul")
    assert len(found[param_node][1]) == 2  # double border
    assert found[data_node][2][0] == "#b45f06"
    assert found[out_node][2][0] == "#a50026"
    assert found[op_node][1] == ["white"]
    # roles are told apart by border and shape: without gradients every fill is white
    assert {found[n][1][0] for n in (param_node, data_node, out_node)} == {"white"}
    assert len({found[n][2][0] for n in (param_node, data_node, out_node)}) == 3


def test_fills_are_gradient_colours_only():
    """After backward the parameter, the input and the output are filled by their
    gradients' bands, never by a role colour that could be mistaken for a band."""
    param = nn.Parameter(np.full(3, 1e-4, np.float32))
    param.param_name = "0.weight"
    data = al.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="data")
    out = (param * data * 30.0).sum()
    with al.record_grad_norms() as norms:
        out.backward()
    found = nodes(render(al.draw_graph(out, grad_norms=norms)))
    band_fills = {band[0] for band in GRAD_BANDS}
    role_fills = {style["fillcolor"] for style in ROLE_STYLES.values()}
    assert role_fills == {"white"} and not role_fills & band_fills
    assert found[node_with(found, "0.weight")][1][0] == grad_colour(np.linalg.norm(param.grad.numpy()))[0]
    assert found[node_with(found, "data")][1][0] == grad_colour(np.linalg.norm(data.grad.numpy()))[0]
    assert found[node_with(found, "output")][1][0] == HEALTHY


def legend_texts(dot) -> list:
    """The texts of the legend (the graph's label: the SVG's texts outside any node)."""
    svg = render(dot)
    inside = {
        id(t) for g in svg.iter(f"{SVG}g") if g.get("class") in ("node", "edge") for t in g.iter(f"{SVG}text")
    }
    return [t.text.replace("\xa0", " ") for t in svg.iter(f"{SVG}text") if id(t) not in inside]


def test_legend_lists_only_the_roles_and_bands_present():
    w, x, loss = small_graph()
    before = legend_texts(al.draw_graph(loss))
    assert before == [
        "node roles: shape and border", "input tensor (rounded)", "intermediate tensor",
        "output (bold border)", "operation (ellipse)",
    ]  # fmt: skip
    loss.backward()
    after = legend_texts(al.draw_graph(loss))
    # w's gradient is x (norm 2.07), x's is w (3.74), the output's 1: one band, healthy
    assert "fill: gradient L2 norm" in after and "1e-3 to 1e1   healthy" in after
    assert not any("vanishing" in t or "exploding" in t or "parameter" in t for t in after)
    assert legend_texts(al.draw_graph(loss, legend=False)) == []
    assert not any("gradient" in t for t in legend_texts(al.draw_graph(loss, show_grad=False)))
    model = nn.Sequential(nn.Dense(6, 8), nn.ReLU(), nn.Dense(8, 3))
    batch = al.randn(4, 6)
    loss = nn.CrossEntropyLoss()(model(batch), np.array([0, 2, 1, 0]))
    loss.backward()
    texts = legend_texts(al.draw_graph(loss))
    assert "parameter (double border)" in texts and "data, needs no gradient (folded corner)" in texts
    assert "input tensor (rounded)" not in texts  # every leaf is a parameter or data
    tiny = al.Tensor([1.0], requires_grad=True, name="tiny")
    (tiny * 1e-9).sum().backward()
    assert "< 1e-7   vanishing" in legend_texts(al.draw_graph(tiny * 1.0))


@pytest.mark.parametrize(
    "norm, fill",
    [(0.0, "#bdbdbd"), (1e-12, VANISHING), (9.9e-8, VANISHING), (1e-7, "#67a9cf"), (1e-4, "#d1e5f0"),
     (1e-3, HEALTHY), (5.0, HEALTHY), (50.0, "#fddbc7"), (500.0, "#ef8a62"), (1e3, EXPLODING),
     (1e30, EXPLODING), (float("nan"), "#762a83"), (float("inf"), "#762a83")],
)  # fmt: skip
def test_grad_colour_is_a_log_scale(norm, fill):
    assert grad_colour(norm)[0] == fill


def test_vanishing_and_exploding_gradients_are_coloured_in_the_svg():
    tiny = al.Tensor([1.0, 2.0], requires_grad=True, name="tiny")
    huge = al.Tensor([1.0, 2.0], requires_grad=True, name="huge")
    fine = al.Tensor([1.0, 2.0], requires_grad=True, name="fine")
    loss = (tiny * 1e-9).sum() + (huge * 1e5).sum() + fine.sum()
    loss.backward()
    found = nodes(render(al.draw_graph(loss)))
    assert found[node_with(found, "tiny")][1][0] == VANISHING
    assert found[node_with(found, "huge")][1][0] == EXPLODING
    assert found[node_with(found, "fine")][1][0] == HEALTHY
    assert "|grad| = 1.41e-09" in found[node_with(found, "tiny")][0]
    assert "|grad| = 1.41e+05" in found[node_with(found, "huge")][0]


def test_recorded_norms_colour_intermediate_tensors():
    x = al.Tensor([1.0, -1.0, 2.0], requires_grad=True, name="x")
    hidden = x * 1e-8
    hidden.name = "hidden"
    hidden.retain_grad()
    big = hidden * 1e12
    big.name = "big"
    big.retain_grad()
    loss = big.sum()
    without = nodes(render(al.draw_graph(loss)))
    assert not any(t.startswith("|grad|") for t in without[node_with(without, "hidden")][0])
    with al.record_grad_norms() as norms:
        loss.backward()
    expected = np.linalg.norm(hidden.grad.numpy())
    assert norms.norm_of(hidden) == pytest.approx(expected, rel=1e-6)
    assert norms.norm_of(x) == pytest.approx(np.linalg.norm(x.grad.numpy()), rel=1e-6)
    hidden.grad = None  # drawn from the record, not from .grad
    found = nodes(render(al.draw_graph(loss, grad_norms=norms)))
    assert f"|grad| = {expected:.3g}" in found[node_with(found, "hidden")][0]
    assert found[node_with(found, "hidden")][1][0] == EXPLODING
    assert found[node_with(found, "x")][1][0] == EXPLODING  # 1e4 * sqrt(6)
    assert len(norms) == 4


def test_show_data_shows_small_arrays_and_truncates_large_ones():
    small = al.Tensor([1.5, -2.0, 3.25], requires_grad=True, name="small")
    large = al.Tensor(np.arange(100.0, dtype=np.float32) + 0.5, requires_grad=True, name="large")
    loss = small.sum() + large.sum()
    loss.backward()
    texts = all_texts(render(al.draw_graph(loss, show_data=True)))
    assert "data [1.5, -2, 3.25]" in texts
    assert "grad [1, 1, 1]" in texts
    assert "data [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, ...] (100 values)" in texts
    assert not any("6.5" in t for t in texts)
    assert "data [0.5, 1.5, ...] (100 values)" in all_texts(
        render(al.draw_graph(loss, show_data=True, max_values=2))
    )
    assert not any(t.startswith("data") for t in all_texts(render(al.draw_graph(loss))))


def test_format_values_keeps_structure_of_small_arrays():
    assert format_values(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1, 2], [3, 4]]"
    assert format_values(np.array(2.5)) == "2.5"
    assert format_values(np.arange(8).reshape(2, 4)) == "[0, 1, 2, 3, 4, 5, ...] (8 values)"


def mlp_and_loss(calls=None):
    model = nn.Sequential(nn.Dense(6, 8), nn.ReLU(), nn.Dense(8, 8), nn.ReLU(), nn.Dense(8, 3))
    x = al.randn(4, 6)
    with calls if calls is not None else nn.record_module_calls():
        loss = nn.CrossEntropyLoss()(model(x), np.array([0, 2, 1, 0]))
    return model, loss


def test_mlp_graph_names_parameters_by_their_dotted_names():
    model, loss = mlp_and_loss()
    loss.backward()
    found = nodes(render(al.draw_graph(loss)))
    for name, param in model.named_parameters():
        texts = found[node_with(found, name)][0]
        assert f"|grad| = {np.linalg.norm(param.grad.numpy()):.3g}" in texts
    assert sum("linear" in texts for texts, _, _ in found.values()) == 3


def test_collapse_draws_a_module_call_as_one_node():
    calls = nn.record_module_calls()
    model, loss = mlp_and_loss(calls)
    loss.backward()
    full = nodes(render(al.draw_graph(loss)))
    collapsed = nodes(render(al.draw_graph(loss, collapse=model, module_calls=calls)))
    assert len(collapsed) < len(full) // 3
    module_node = node_with(collapsed, "Sequential")
    assert "5 operations, 6 parameters" in collapsed[module_node][0]
    assert not any("0.weight" in texts for texts, _, _ in collapsed.values())
    assert node_with(collapsed, "cross_entropy")
    # each Dense on its own; the ReLUs stay visible between them
    dense = [model[0], model[2], model[4]]
    layers = nodes(render(al.draw_graph(loss, collapse=dense, module_calls=calls)))
    titles = [texts[0] for texts, _, _ in layers.values()]
    assert sorted(t for t in titles if "Linear" in t) == ["0: Linear", "2: Linear", "4: Linear"]
    assert sum("relu" in texts for texts, _, _ in layers.values()) == 2
    # an outer module collapsed with its children: the outer one wins
    both = nodes(render(al.draw_graph(loss, collapse=[model, model[0]], module_calls=calls)))
    assert len(both) == len(collapsed)


def test_collapse_keeps_edges_from_inputs_that_require_grad():
    layer = nn.Dense(3, 2)
    x = al.Tensor(np.ones((4, 3), np.float32), requires_grad=True, name="x")
    with nn.record_module_calls() as calls:
        out = (layer(x) * 2).sum()
    svg = render(al.draw_graph(out, collapse=layer, module_calls=calls))
    found = nodes(svg)
    assert (node_with(found, "x"), node_with(found, "Linear")) in edges(svg)


def test_collapse_of_an_unused_module_changes_nothing():
    calls = nn.record_module_calls()
    model, loss = mlp_and_loss(calls)
    plain = al.draw_graph(loss).source
    assert al.draw_graph(loss, collapse=nn.Dense(2, 2), module_calls=calls).source == plain
    identity = nn.Identity()
    x = al.Tensor([1.0, 2.0], requires_grad=True)
    with nn.record_module_calls() as calls:
        out = identity(x.exp()).sum()
    assert al.draw_graph(out, collapse=identity, module_calls=calls).source == al.draw_graph(out).source
    with pytest.raises(TypeError, match="collapse"):
        al.draw_graph(loss, collapse=[3], module_calls=calls)


def test_collapse_without_recorded_calls_says_how_to_record_them():
    model, loss = mlp_and_loss()
    with pytest.raises(ValueError, match="record_module_calls"):
        al.draw_graph(loss, collapse=model)


def test_collapse_matches_calls_by_graph_node_and_draws_the_same_for_any_record():
    layer = nn.Dense(3, 2)
    x = al.Tensor(np.ones((4, 3), np.float32), requires_grad=True, name="x")
    with nn.record_module_calls() as calls:
        hidden = layer(x)
    # a tensor sharing the recorded output's node (a shallow copy) is found through it
    out = (copy.copy(hidden) * 2).sum()
    source = al.draw_graph(out, collapse=layer, module_calls=calls).source
    assert "Linear" in source
    # any iterable of (module, inputs, output) will do
    listed = [(layer, (x,), hidden)]
    assert al.draw_graph(out, collapse=layer, module_calls=listed).source == source


def test_a_chain_100000_deep_is_drawn_with_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    h = x = al.tensor(1.0, requires_grad=True)
    for _ in range(100_000):
        h = h * 1.0
    dot = al.draw_graph(h)
    assert sum(" -> " in line for line in dot.body) == 200_000
    assert dot.source.count('label="mul"') == 100_000
    del x


def test_tensors_used_far_apart_are_drawn_again_beside_later_uses():
    x = al.Tensor(np.ones(3, np.float32), requires_grad=True, name="x")
    total = None
    for i in range(30):
        branch = (x * float(i)).sum().exp()
        total = branch if total is None else total + branch
    svg = render(al.draw_graph(total))
    copies = [texts for texts, _, _ in nodes(svg).values() if "x" in texts]
    assert len(copies) > 2
    assert all(any(t.startswith("(drawn ") for t in texts) for texts in copies)
    once = nodes(render(al.draw_graph(total, repeat_after=None)))
    assert sum("x" in texts for texts, _, _ in once.values()) == 1
    # nearby uses share one node: x * x has two edges from the same x
    y = al.Tensor([2.0], requires_grad=True, name="y")
    svg = render(al.draw_graph((y * y).sum()))
    y_node = node_with(nodes(svg), "y")
    assert sum(tail == y_node for tail, _ in edges(svg)) == 2


def test_several_roots_and_html_in_names():
    a = al.Tensor([1.0], requires_grad=True, name="<a & b>")
    u, v = a * 2, a.exp()
    svg = render(al.draw_graph([u, v]))
    texts = all_texts(svg)
    assert "<a & b>" in texts and "mul" in texts and "exp" in texts
    assert texts.count("output") == 2


def test_leaf_and_constant_graphs_and_bad_arguments():
    leaf = al.Tensor([1.0, 2.0], name="plain")
    assert "plain" in all_texts(render(al.draw_graph(leaf)))
    with pytest.raises(ValueError, match="rankdir"):
        al.draw_graph(leaf, rankdir="sideways")
    with pytest.raises(TypeError, match="Tensor"):
        al.draw_graph([leaf, 3])
    with pytest.raises(TypeError, match="list of Tensors"):
        al.draw_graph(np.ones(3))
    with pytest.raises(ValueError, match="at least one"):
        al.draw_graph([])
    with pytest.raises(ValueError, match="repeat_after"):
        al.draw_graph(leaf, repeat_after=0)
    assert "rankdir=LR" in al.draw_graph(leaf, rankdir="LR").source


def test_jupyter_display_is_svg():
    _, _, loss = small_graph()
    bundle = al.draw_graph(loss)._repr_mimebundle_()
    ET.fromstring(bundle["image/svg+xml"])


def test_missing_dot_gives_install_instructions(monkeypatch, tmp_path):
    _, _, loss = small_graph()
    dot = al.draw_graph(loss)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` anywhere
    for attempt in (
        lambda: dot.pipe(format="svg"),
        lambda: dot.render(tmp_path / "g", format="svg"),
        lambda: dot._repr_mimebundle_(),
    ):
        with pytest.raises(GraphvizNotFoundError) as caught:
            attempt()
        message = str(caught.value)
        for hint in (
            "apt-get install graphviz",
            "brew install graphviz",
            "conda install -c conda-forge graphviz",
            ".source",
        ):
            assert hint in message
        assert isinstance(caught.value, RuntimeError) and caught.value.__suppress_context__
    assert "mul" in dot.source


def test_importing_the_library_does_not_import_graphviz():
    code = "import sys, autograd_lite; print('graphviz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_data_inputs_are_drawn_and_can_be_hidden():
    model = nn.Sequential(nn.Dense(3, 2))
    x = al.Tensor(np.ones((4, 3), np.float32), name="x")
    target = al.Tensor(np.zeros((4, 2), np.float32), name="target")
    loss = ((model(x) - target) ** 2).mean()
    svg = render(al.draw_graph(loss))
    found = nodes(svg)
    x_node, target_node = node_with(found, "x"), node_with(found, "target")
    assert "(4, 3) float32" in found[x_node][0] and found[x_node][2][0] == "#b45f06"
    arrows = edges(svg)
    assert (x_node, node_with(found, "linear")) in arrows
    assert (target_node, node_with(found, "sub")) in arrows
    hidden = render(al.draw_graph(loss, show_inputs=False))
    assert not {"x", "target"} & set(all_texts(hidden))
    assert len(nodes(hidden)) == len(found) - 2
    # the graph holds its data weakly: data nobody keeps is not drawn (nor kept alive)
    del target
    assert len(nodes(render(al.draw_graph(loss)))) == len(found) - 1
    # a data tensor given to a collapsed module points at the module
    with nn.record_module_calls() as calls:
        loss = model(x).sum()
    svg = render(al.draw_graph(loss, collapse=model, module_calls=calls))
    found = nodes(svg)
    assert (node_with(found, "x"), node_with(found, "Sequential")) in edges(svg)


def test_collapsed_labels_name_every_module_and_fill_by_gradient():
    calls = nn.record_module_calls()
    model, loss = mlp_and_loss(calls)
    with al.record_grad_norms() as norms:
        loss.backward()
    found = nodes(render(al.draw_graph(loss, collapse=list(model), module_calls=calls, grad_norms=norms)))
    titles = sorted(texts[0] for texts, _, _ in found.values() if ": " in texts[0])
    assert titles == ["0: Linear", "1: ReLU", "2: Linear", "3: ReLU", "4: Linear"]
    relu = node_with(found, "1: ReLU")
    assert found[relu][1][0] in {band[0] for band in GRAD_BANDS}
    assert any(t.startswith("output |grad| = ") for t in found[relu][0])


def test_accumulated_leaf_gradients_are_noted_in_the_legend():
    w = al.Tensor([1.0, 2.0], requires_grad=True, name="w")
    (w * 3).sum().backward()
    loss = (w * 5).sum()
    with al.record_grad_norms() as norms:
        loss.backward()
    texts = " ".join(legend_texts(al.draw_graph(loss, grad_norms=norms)))
    assert "sum several backward passes" in texts
    w.grad = None
    loss = (w * 5).sum()
    with al.record_grad_norms() as norms:
        loss.backward()
    assert "several backward" not in " ".join(legend_texts(al.draw_graph(loss, grad_norms=norms)))


def test_render_leaves_only_the_requested_file(tmp_path):
    _, _, loss = small_graph()
    path = al.draw_graph(loss).render(tmp_path / "mlp_graph", format="svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlp_graph.svg"]
    ET.parse(path)
    al.draw_graph(loss).render(tmp_path / "kept", format="svg", cleanup=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "kept.svg", "mlp_graph.svg"]
