"""Differential test on seeded random programs (tests/random_programs.py): every value,
first derivatives, Hessian-vector products and `.grad` accumulation must match PyTorch
in float64; without PyTorch, first and second derivatives are checked against central
finite differences instead.

A failure names the seeds that failed and prints each program, e.g.
`v5 = log_softmax(v4, axis=-1)`, so it can be replayed with `generate(seed)`.
"""

from __future__ import annotations

import numpy as np
import pytest
from random_programs import AL_OPS, Program, generate, run, torch_ops

import autograd_lite as al

BATCH = 15
FIRST_ORDER_SEEDS = range(0, 300)  # 20 test cases
SECOND_ORDER_SEEDS = range(1000, 1150)  # 10 test cases
FINITE_DIFFERENCE_SEEDS = range(2000, 2060)  # 4 test cases, half with a second-order check


def batches(seeds: range) -> list[range]:
    return [seeds[i : i + BATCH] for i in range(0, len(seeds), BATCH)]


def batch_id(seeds: range) -> str:
    return f"seeds{seeds.start}-{seeds.stop - 1}"


def check_all(seeds: range, check) -> None:
    """Run `check(program)` for every seed and report all failures together."""
    failures = []
    for seed in seeds:
        program = generate(seed)
        try:
            check(program)
        except Exception as error:  # noqa: BLE001 - an engine error is a failure to report too
            failures.append(f"seed {seed}: {type(error).__name__}: {error}\n{program}")
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(seeds)} programs failed\n\n" + "\n\n".join(failures), pytrace=False
        )


def assert_close(actual, expected, what: str) -> None:
    """float64 agreement up to rounding: rtol 1e-7, atol 1e-9 of the expected scale."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=1e-7, atol=1e-9 * scale, err_msg=what)


def al_leaves(program: Program) -> list[al.Tensor]:
    return [al.tensor(leaf.copy(), requires_grad=True) for leaf in program.leaves]


def assert_distinct_grads(leaves: list[al.Tensor], when: str) -> None:
    """Each leaf owns its `.grad` (as in PyTorch): a `.grad` shared by two leaves would
    turn a later accumulation into one of them into a change of the other."""
    for i, leaf in enumerate(leaves):
        assert leaf.grad is not None, f"{when}: v{i}.grad is None"
    for i in range(len(leaves)):
        for j in range(i):
            # Booleans, not the tensors, in the asserts: their reprs would swamp the report.
            same_object = leaves[i].grad is leaves[j].grad
            assert not same_object, f"{when}: v{j}.grad is v{i}.grad"
            same_memory = np.shares_memory(leaves[i].grad.numpy(), leaves[j].grad.numpy())
            assert not same_memory, f"{when}: v{j}.grad and v{i}.grad share memory"


def directions(program: Program) -> list[np.ndarray]:
    """The vectors v_i of the Hessian-vector product sum_i (g_i * v_i).sum()."""
    rng = np.random.default_rng(program.seed + 10**6)
    return [rng.uniform(-1.0, 1.0, leaf.shape) for leaf in program.leaves]


def hessian_vector(grads, vectors, leaves, library_tensor, grad_fn, to_numpy):
    """d/dleaves of sum_i (g_i * v_i).sum(), zeros where nothing depends on a leaf."""
    total = sum((g * library_tensor(v)).sum() for g, v in zip(grads, vectors))
    if not total.requires_grad:
        return [np.zeros(leaf.shape) for leaf in leaves]
    results = grad_fn(total, leaves)
    return [np.zeros(leaf.shape) if r is None else to_numpy(r) for leaf, r in zip(leaves, results)]


def al_numpy(tensor: al.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def al_hessian_vector(grads, vectors, leaves) -> list[np.ndarray]:
    return hessian_vector(
        grads,
        vectors,
        leaves,
        al.tensor,
        lambda total, wrt: al.grad(total, wrt, allow_unused=True),
        al_numpy,
    )


# -- against PyTorch ---------------------------------------------------------------------------


def torch_reference(torch, program: Program, second_order: bool) -> dict:
    """Values, first derivatives and (if asked) Hessian-vector products from PyTorch."""
    leaves = [torch.tensor(leaf, dtype=torch.float64, requires_grad=True) for leaf in program.leaves]
    values, loss = run(program, torch_ops(torch), leaves)

    def to_numpy(tensor):
        # force=True: a derivative that is identically zero may come back as a ZeroTensor.
        return tensor.detach().numpy(force=True)

    reference = {"values": [to_numpy(v) for v in values]}
    grads = torch.autograd.grad(loss, leaves, create_graph=second_order)
    reference["grads"] = [to_numpy(g) for g in grads]
    if second_order:
        reference["hvp"] = hessian_vector(
            grads,
            directions(program),
            leaves,
            torch.from_numpy,
            lambda total, wrt: torch.autograd.grad(total, wrt, allow_unused=True),
            to_numpy,
        )
    return reference


def check_first_order(torch, program: Program) -> None:
    reference = torch_reference(torch, program, second_order=False)
    leaves = al_leaves(program)
    values, loss = run(program, AL_OPS, leaves)
    for i, (value, expected) in enumerate(zip(values, reference["values"])):
        assert_close(value.numpy(), expected, f"value v{i}")
    loss.backward()
    assert_distinct_grads(leaves, "after backward()")
    for i, leaf in enumerate(leaves):
        assert_close(leaf.grad.numpy(), reference["grads"][i], f"v{i}.grad")
    # A second backward of a fresh forward accumulates into every leaf's own .grad.
    run(program, AL_OPS, leaves)[1].backward()
    for i, leaf in enumerate(leaves):
        assert_close(leaf.grad.numpy(), 2 * reference["grads"][i], f"v{i}.grad after two backwards")


def check_second_order(torch, program: Program) -> None:
    reference = torch_reference(torch, program, second_order=True)
    vectors = directions(program)

    # al.grad with create_graph, then the Hessian-vector product by al.grad again.
    leaves = al_leaves(program)
    values, loss = run(program, AL_OPS, leaves)
    if _has_zero_exponent(program, values):
        # At b == 0 PyTorch masks the whole of d(a**b)/da to 0, so its mixed second
        # derivative there is 0 where the exact one is a**(b-1) (1/a); central differences
        # of the gradient are the reference for these programs.
        reference["hvp"] = finite_difference_hvp(program, vectors)
    grads = al.grad(loss, leaves, create_graph=True)
    for i, g in enumerate(grads):
        assert_close(g.numpy(), reference["grads"][i], f"al.grad(create_graph=True)[{i}]")
    hvp = al_hessian_vector(grads, vectors, leaves)
    for i, h in enumerate(hvp):
        assert_close(h, reference["hvp"][i], f"Hessian-vector product, v{i}")

    # backward(create_graph=True) fills .grad with differentiable tensors, one per leaf;
    # backward of sum_i (v{i}.grad * d_i).sum() then adds the Hessian-vector product.
    _, loss = run(program, AL_OPS, leaves)
    loss.backward(create_graph=True)
    assert_distinct_grads(leaves, "after backward(create_graph=True)")
    first = [leaf.grad for leaf in leaves]
    for i, g in enumerate(first):
        assert_close(g.numpy(), reference["grads"][i], f"v{i}.grad after backward(create_graph=True)")
    total = sum((g * al.tensor(v)).sum() for g, v in zip(first, vectors))
    if total.requires_grad:
        total.backward()
    for i, leaf in enumerate(leaves):
        expected = reference["grads"][i] + reference["hvp"][i]
        assert_close(leaf.grad.numpy(), expected, f"v{i}.grad after the Hessian-vector backward")
    # A later plain backward accumulates into each leaf separately.
    run(program, AL_OPS, leaves)[1].backward()
    for i, leaf in enumerate(leaves):
        expected = 2 * reference["grads"][i] + reference["hvp"][i]
        assert_close(leaf.grad.numpy(), expected, f"v{i}.grad after a further backward()")


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle of this comparison; not installed")


@pytest.mark.parametrize("seeds", batches(FIRST_ORDER_SEEDS), ids=batch_id)
def test_first_derivatives_match_torch(torch, seeds):
    check_all(seeds, lambda program: check_first_order(torch, program))


@pytest.mark.parametrize("seeds", batches(SECOND_ORDER_SEEDS), ids=batch_id)
def test_second_derivatives_match_torch(torch, seeds):
    check_all(seeds, lambda program: check_second_order(torch, program))


# -- against finite differences (needs no PyTorch) -------------------------------------------


def check_finite_differences(program: Program, second_order: bool) -> None:
    leaves = al_leaves(program)

    def loss_of(*inputs):
        return run(program, AL_OPS, list(inputs))[1]

    scale = max(1.0, abs(loss_of(*leaves).item()))
    # Central differences in float64 lose about 1e-10 of the loss' scale to rounding.
    assert al.gradcheck(loss_of, leaves, eps=1e-6, atol=1e-6 * scale, rtol=1e-5)
    if not second_order:
        return

    vectors = directions(program)
    grads = al.grad(loss_of(*leaves), leaves, create_graph=True)
    hvp = al_hessian_vector(grads, vectors, leaves)
    for i, (h, numerical) in enumerate(zip(hvp, finite_difference_hvp(program, vectors))):
        tolerance = 1e-5 * max(1.0, float(np.abs(numerical).max()))
        np.testing.assert_allclose(h, numerical, rtol=1e-4, atol=tolerance, err_msg=f"H v, v{i}")


def finite_difference_hvp(program: Program, vectors: list[np.ndarray]) -> list[np.ndarray]:
    """H v as the central difference of the gradient along v: (g(x + eps v) - g(x - eps v)) / 2 eps."""
    eps = 1e-5

    def gradient_at(sign: float) -> list[np.ndarray]:
        moved = [
            al.tensor(leaf + sign * eps * v, requires_grad=True) for leaf, v in zip(program.leaves, vectors)
        ]
        return [g.numpy() for g in al.grad(run(program, AL_OPS, moved)[1], moved)]

    plus, minus = gradient_at(1.0), gradient_at(-1.0)
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _has_zero_exponent(program: Program, values: list) -> bool:
    return any(step.op == "pow" and np.any(values[step.args[1]].numpy() == 0) for step in program.steps)


@pytest.mark.parametrize("seeds", batches(FINITE_DIFFERENCE_SEEDS), ids=batch_id)
def test_derivatives_match_finite_differences(seeds):
    check_all(seeds, lambda program: check_finite_differences(program, second_order=program.seed % 2 == 0))


def test_programs_reuse_values():
    """The generator's promises: 3 to 12 steps, every leaf read, and intermediates that
    feed several later steps in most programs (shared subgraphs are where accumulation
    bugs live)."""
    programs = [generate(seed) for seed in FIRST_ORDER_SEEDS]
    reused = 0
    for program in programs:
        uses = program.consumers()
        n_leaves = len(program.leaves)
        assert 3 <= len(program.steps) <= 12, str(program)
        assert all(uses[i] > 0 or i in program.sinks for i in range(n_leaves)), str(program)
        reused += any(count >= 2 for count in uses[n_leaves:])
    assert reused >= 0.6 * len(programs)
