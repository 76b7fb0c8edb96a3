"""explain_backward narrates the backward pass in engine order; record_grad_norms keeps
every gradient's norm. Checked against the gradients the engine actually stores."""

from __future__ import annotations

import io
import re
import threading

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import engine


def values_of(line: str) -> np.ndarray:
    return np.array(eval(line.split("values ")[1].split("  (")[0]), dtype=np.float64)  # noqa: S307 - our own output


def known_graph():
    w = al.Tensor([1.0, -2.0, 0.5], requires_grad=True, name="w")
    b = al.Tensor(0.25, requires_grad=True, name="b")
    data = al.tensor([3.0, 1.0, -4.0])
    loss = (w * data + b).relu().sum()
    loss.name = "loss"
    return w, b, loss


def test_steps_follow_the_engine_order_and_match_the_stored_gradients():
    w, b, loss = known_graph()
    text = al.explain_backward(loss, file=io.StringIO())
    steps = re.findall(r"^step (\d+): (\w+) #(\d+)", text, flags=re.M)
    assert [(int(s), op) for s, op, _ in steps] == [(1, "sum"), (2, "relu"), (3, "add"), (4, "mul")]
    assert [int(k) for _, _, k in steps] == [4, 3, 2, 1]  # forward numbering, run backwards
    # known_graph dropped its data tensor: the graph keeps no data alive, so it is left out
    assert "step 4: mul #1   #1 = mul(w)" in text
    lines = text.splitlines()
    # relu passes the gradient where its input was positive: w * data + b = [3.25, -1.75, -1.75]
    relu_out = next(line for line in lines if line.startswith("  to #2"))
    assert np.array_equal(values_of(relu_out), [1.0, 0.0, 0.0])
    to_w = next(line for line in lines if line.startswith("  to w"))
    to_b = next(line for line in lines if line.startswith("  to b"))
    np.testing.assert_allclose(values_of(to_w), w.grad.numpy())
    np.testing.assert_allclose(values_of(to_b), b.grad.numpy())
    assert "summed over broadcast axes from (3,)" in to_b
    assert f"|g| = {np.linalg.norm(w.grad.numpy()):.3g}" in to_w
    assert lines[-2:] == [
        f"  w: (3,), |g| = {np.linalg.norm(w.grad.numpy()):.3g}, values [3, 0, 0]",
        "  b: scalar, |g| = 1, values 1",
    ]


def test_it_is_backward_plus_narration():
    w, b, loss = known_graph()
    w2, b2, loss2 = known_graph()
    al.explain_backward(loss, file=io.StringIO())
    loss2.backward()
    np.testing.assert_array_equal(w.grad.numpy(), w2.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), b2.grad.numpy())
    with pytest.raises(RuntimeError, match="retain_graph"):
        al.explain_backward(loss, file=io.StringIO())
    assert engine.backward_observers == []  # removed even when the pass fails


def test_accumulate_false_leaves_grad_alone_and_matches_al_grad():
    w, b, loss = known_graph()
    text = al.explain_backward(loss, accumulate=False, retain_graph=True, file=io.StringIO())
    assert w.grad is None and b.grad is None
    assert "(.grad left unchanged)" in text
    expected_w, _ = al.grad(loss, [w, b])
    final_w = next(line for line in text.splitlines()[::-1] if line.startswith("  w:"))
    np.testing.assert_allclose(values_of(final_w), expected_w.numpy())


def test_accumulation_into_existing_grad_is_announced():
    x = al.Tensor([1.0, 2.0], requires_grad=True, name="x")
    (x * 2).sum().backward()
    text = al.explain_backward((x * 3).sum(), file=io.StringIO())
    assert "x: (2,), |g| = 7.07, values [5, 5]  (added to the gradient already there)" in text


def test_a_tensor_used_twice_receives_the_sum():
    x = al.Tensor([1.0, 2.0], requires_grad=True, name="x")
    h = x.exp()
    h.name = "h"
    loss = (h * h + h).sum()
    text = al.explain_backward(loss, file=io.StringIO())
    arriving = next(line for line in text.splitlines() if line.startswith("  gradient at h"))
    assert "(sum of the 3 gradients sent to it)" in arriving
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(values_of(arriving), 2 * e + 1, rtol=1e-3)  # 4 digits shown
    assert "to x: (2,)" in text and "(argument 1)" in text  # h * h: two arguments


def test_large_gradients_show_shape_and_norm_only():
    x = al.randn(4, 5, requires_grad=True)
    text = al.explain_backward((x * 2).sum(), file=io.StringIO())
    assert "to leaf1: (4, 5), |g| = 8.94" in text and "values [[" not in text
    text = al.explain_backward((x * 2).sum(), max_values=20, file=io.StringIO())
    assert "values [[2, 2, 2, 2, 2], [2, 2, 2, 2, 2]" in text


def test_text_is_printed_and_returned(capsys):
    _, _, loss = known_graph()
    text = al.explain_backward(loss)
    assert capsys.readouterr().out == text
    assert text.startswith("Backward pass from loss (scalar float32): 4 operations")
    assert "The pass starts from d(loss)/d(loss) = 1." in text


def test_non_scalar_output_with_an_explicit_gradient_and_errors():
    x = al.Tensor([1.0, 2.0], requires_grad=True, name="x")
    text = al.explain_backward(x * 3, al.tensor([1.0, 10.0]), file=io.StringIO())
    assert "x: (2,), |g| = 30.1, values [3, 30]" in text
    with pytest.raises(RuntimeError, match="requires_grad"):
        al.explain_backward(al.tensor([1.0]), file=io.StringIO())
    with pytest.raises(TypeError):
        al.explain_backward(np.ones(2), file=io.StringIO())
    with pytest.raises(RuntimeError, match="gradient"):
        al.explain_backward(x * 3, file=io.StringIO())  # non-scalar without a gradient
    assert engine.backward_observers == []


def test_record_grad_norms_matches_retained_gradients():
    x = al.Tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True, name="x")
    hidden = (x * 2).tanh()
    hidden.retain_grad()
    loss = (hidden * hidden).sum() + x.sum()
    with al.record_grad_norms() as norms:
        loss.backward()
    assert engine.backward_observers == []
    assert norms.norm_of(hidden) == pytest.approx(np.linalg.norm(hidden.grad.numpy()), rel=1e-6)
    assert norms.norm_of(x) == pytest.approx(np.linalg.norm(x.grad.numpy()), rel=1e-6)
    assert norms.norm_of(loss) == 1.0
    assert norms.norm_of(al.tensor([1.0])) is None
    norms.clear()
    assert len(norms) == 0 and norms.norm_of(hidden) is None


def test_record_ignores_other_threads_and_passes_outside_the_block():
    x = al.Tensor([1.0, 2.0], requires_grad=True, name="x")
    other = al.Tensor([3.0], requires_grad=True)
    with al.record_grad_norms() as norms:
        worker = threading.Thread(target=lambda: (other * 2).sum().backward())
        worker.start()
        worker.join()
    (x * 5).sum().backward()
    assert len(norms) == 0
    assert norms.norm_of(other) is None and norms.norm_of(x) is None


def test_the_returned_text_is_not_echoed_again_by_a_repl(capsys):
    _, _, loss = known_graph()
    text = al.explain_backward(loss)
    printed = capsys.readouterr().out
    assert isinstance(text, str) and text == printed
    assert repr(text) == "<backward pass explained in 4 steps, 19 lines: print() it to read it again>"
    assert "\n" not in repr(text) and len(repr(text)) < 100
    # a REPL prints repr() of the result: one short line after the narration, not the text again
    import sys

    sys.displayhook(text)
    echoed = capsys.readouterr().out
    assert echoed.count("\n") == 1 and "step 1" not in echoed


def test_after_backward_it_raises_before_writing_anything():
    w, b, loss = known_graph()
    loss.backward()
    out = io.StringIO()
    with pytest.raises(RuntimeError, match="retain_graph=True") as caught:
        al.explain_backward(loss, file=out)
    assert "explain_backward(loss) in place of loss.backward()" in str(caught.value)
    assert out.getvalue() == ""
    assert engine.backward_observers == []
    w2, b2, loss2 = known_graph()
    loss2.backward(retain_graph=True)
    assert "step 4" in al.explain_backward(loss2, file=io.StringIO())


def test_data_inputs_are_named_among_the_arguments():
    import nn

    model = nn.Sequential(nn.Dense(3, 2), nn.ReLU(), nn.Dense(2, 1))
    x = al.randn(4, 3)
    text = al.explain_backward(model(x).sum(), file=io.StringIO())
    assert "#1 = linear(data1, 0.weight, 0.bias)" in text
    assert "#3 = linear(#2, 2.weight, 2.bias)" in text
    x.name = "x"
    text = al.explain_backward(model(x).sum(), file=io.StringIO())
    assert "#1 = linear(x, 0.weight, 0.bias)" in text
    assert "to x" not in text  # data receives no gradient
    loss = model(al.randn(4, 3)).sum()  # a batch nobody keeps is gone by the time of the pass
    assert "#1 = linear(0.weight, 0.bias)" in al.explain_backward(loss, file=io.StringIO())
