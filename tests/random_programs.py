"""Seeded random programs for differential testing: small DAGs of SPEC ops over a few
float64 leaves, built once as a description and then interpreted by any backend.

`generate(seed)` returns a `Program`: leaves (arrays), steps (op name, operand
indices, constant parameters), the sinks that the loss sums, and the loss weights.
`run(program, ops, leaves)` interprets it with an op table: `AL_OPS` for
autograd_lite, `torch_ops(torch)` for PyTorch. Values are kept where every op is
smooth (away from kinks, ties, poles and overflow) by looking at the actual values
while generating, so that derivatives from two engines, or from finite differences,
are comparable to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import autograd_lite as al

# Inputs of kinked ops (relu, abs, maximum, max, clip, ...) stay this far from the kink,
# far more than any finite-difference step moves them.
MARGIN = 0.05
# Larger values would turn rounding differences into tolerance trouble.
MAX_ABS = 1e3
MAX_SIZE = 256
MAX_NDIM = 4


@dataclass(frozen=True)
class Step:
    op: str
    args: tuple[int, ...]
    params: dict = field(default_factory=dict)


@dataclass
class Program:
    seed: int
    leaves: list[np.ndarray]
    leaf_kinds: list[str]
    steps: list[Step]
    sinks: list[int]
    weights: list[np.ndarray]

    def __str__(self) -> str:
        lines = [f"program {self.seed}:"]
        for i, (leaf, kind) in enumerate(zip(self.leaves, self.leaf_kinds)):
            lines.append(f"  v{i} = leaf{leaf.shape} {kind}")
        for i, step in enumerate(self.steps, start=len(self.leaves)):
            lines.append(f"  v{i} = {format_step(step)}")
        terms = " + ".join(f"(w{k} * v{i}).sum()" for k, i in enumerate(self.sinks))
        lines.append(f"  loss = {terms}")
        return "\n".join(lines)

    def consumers(self) -> list[int]:
        """How many steps read each value (a value read twice by one step counts twice)."""
        counts = [0] * (len(self.leaves) + len(self.steps))
        for step in self.steps:
            for a in step.args:
                counts[a] += 1
        return counts


# -- printing ------------------------------------------------------------------------------

INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}
CONST_FORMS = {
    "add_c": "v{a} + {c}",
    "rsub_c": "{c} - v{a}",
    "mul_c": "{c} * v{a}",
    "rdiv_c": "{c} / v{a}",
    "rpow_c": "{c} ** v{a}",
    "pow_c": "v{a} ** {c}",
}


def format_index(index: tuple) -> str:
    def one(item: Any) -> str:
        if isinstance(item, slice):
            text = f"{'' if item.start is None else item.start}:{'' if item.stop is None else item.stop}"
            return text + ("" if item.step is None else f":{item.step}")
        if item is Ellipsis:
            return "..."
        if isinstance(item, np.ndarray):
            return str(item.tolist())
        return repr(item)

    return "[" + ", ".join(one(item) for item in index) + "]"


def format_step(step: Step) -> str:
    names = [f"v{a}" for a in step.args]
    p = step.params
    if step.op in INFIX:
        return f"{names[0]} {INFIX[step.op]} {names[1]}"
    if step.op == "matmul_t":
        return f"{names[0]} @ {names[1]}.mT"
    if step.op in CONST_FORMS:
        return CONST_FORMS[step.op].format(a=step.args[0], c=p["c"])
    if step.op == "getitem":
        return names[0] + format_index(p["index"])
    if step.op == "T":
        return f"{names[0]}.T"
    if step.op == "where":
        return f"where(cond{p['cond'].astype(int).tolist()}, {names[0]}, {names[1]})"
    if step.op in ("concatenate", "stack"):
        return f"{step.op}([{', '.join(names)}], axis={p['axis']})"
    options = "".join(f", {k}={v!r}" for k, v in p.items())
    return f"{step.op}({', '.join(names)}{options})"


# -- interpreters --------------------------------------------------------------------------


def _swap_last(x: al.Tensor) -> al.Tensor:
    """Swap the last two axes with a full permutation, which means the same under
    NumPy's and PyTorch's reading of `transpose`."""
    perm = list(range(x.ndim))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return x.transpose(*perm)


def _values(result: Any) -> Any:
    """`max`/`min` over one axis: a Tensor, or PyTorch's (values, indices) pair."""
    return result[0] if isinstance(result, tuple) else result


AL_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": al.maximum,
    "minimum": al.minimum,
    "matmul": lambda a, b: a @ b,
    "matmul_t": lambda a, b: a @ _swap_last(b),
    "where": lambda a, b, cond: al.where(cond, a, b),
    "add_c": lambda a, c: a + c,
    "rsub_c": lambda a, c: c - a,
    "mul_c": lambda a, c: c * a,
    "rdiv_c": lambda a, c: c / a,
    "rpow_c": lambda a, c: c**a,
    "pow_c": lambda a, c: a**c,
    "neg": lambda a: -a,
    "exp": al.exp,
    "log": al.log,
    "sqrt": al.sqrt,
    "tanh": al.tanh,
    "sigmoid": al.sigmoid,
    "relu": al.relu,
    "abs": lambda a: a.abs(),
    "sin": al.sin,
    "cos": al.cos,
    "softplus": al.softplus,
    "leaky_relu": lambda a, negative_slope: al.leaky_relu(a, negative_slope),
    "elu": lambda a, alpha: al.elu(a, alpha),
    "clip": lambda a, min, max: a.clip(min, max),  # noqa: A006 - the SPEC's keyword names
    "sum": lambda a, axis, keepdims: a.sum(axis=axis, keepdims=keepdims),
    "mean": lambda a, axis, keepdims: a.mean(axis=axis, keepdims=keepdims),
    "max": lambda a, axis, keepdims: _values(a.max(axis=axis, keepdims=keepdims)),
    "min": lambda a, axis, keepdims: _values(a.min(axis=axis, keepdims=keepdims)),
    "logsumexp": lambda a, axis, keepdims: al.logsumexp(a, axis=axis, keepdims=keepdims),
    "var": lambda a, axis, ddof, keepdims: a.var(axis=axis, ddof=ddof, keepdims=keepdims),
    "std": lambda a, axis, ddof, keepdims: a.std(axis=axis, ddof=ddof, keepdims=keepdims),
    "softmax": lambda a, axis: al.softmax(a, axis=axis),
    "log_softmax": lambda a, axis: a.log_softmax(axis=axis),
    "reshape": lambda a, shape: a.reshape(*shape),
    "T": lambda a: a.T,
    "permute": lambda a, perm: a.permute(*perm),
    "squeeze": lambda a, axis: a.squeeze(axis),
    "unsqueeze": lambda a, axis: a.unsqueeze(axis),
    "broadcast_to": lambda a, shape: a.broadcast_to(shape),
    "flatten": lambda a: a.flatten(),
    "getitem": lambda a, index: a[index],
    "concatenate": lambda *xs, axis: al.concatenate(list(xs), axis=axis),
    "stack": lambda *xs, axis: al.stack(list(xs), axis=axis),
}


def torch_ops(torch: Any) -> dict[str, Callable[..., Any]]:
    """The same table in PyTorch's spelling (PyTorch is imported only by its callers)."""
    F = torch.nn.functional

    def dims(a: Any, axis: Any) -> Any:
        # PyTorch has no `dim=None, keepdim=True`; name every axis instead.
        return tuple(range(a.ndim)) if axis is None else axis

    def torch_index(index: tuple) -> tuple:
        return tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)

    return {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "pow": lambda a, b: a**b,
        "maximum": torch.maximum,
        "minimum": torch.minimum,
        "matmul": torch.matmul,
        "matmul_t": lambda a, b: a @ b.transpose(-1, -2),
        "where": lambda a, b, cond: torch.where(torch.from_numpy(cond), a, b),
        "add_c": lambda a, c: a + c,
        "rsub_c": lambda a, c: c - a,
        "mul_c": lambda a, c: c * a,
        "rdiv_c": lambda a, c: c / a,
        "rpow_c": lambda a, c: c**a,
        "pow_c": lambda a, c: a**c,
        "neg": lambda a: -a,
        "exp": torch.exp,
        "log": torch.log,
        "sqrt": torch.sqrt,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "abs": torch.abs,
        "sin": torch.sin,
        "cos": torch.cos,
        "softplus": F.softplus,
        "leaky_relu": lambda a, negative_slope: F.leaky_relu(a, negative_slope),
        "elu": lambda a, alpha: F.elu(a, alpha),
        "clip": lambda a, min, max: torch.clamp(a, min, max),  # noqa: A006
        "sum": lambda a, axis, keepdims: a.sum(dim=dims(a, axis), keepdim=keepdims),
        "mean": lambda a, axis, keepdims: a.mean(dim=dims(a, axis), keepdim=keepdims),
        "max": lambda a, axis, keepdims: a.amax(dim=dims(a, axis), keepdim=keepdims),
        "min": lambda a, axis, keepdims: a.amin(dim=dims(a, axis), keepdim=keepdims),
        "logsumexp": lambda a, axis, keepdims: torch.logsumexp(a, dim=dims(a, axis), keepdim=keepdims),
        "var": lambda a, axis, ddof, keepdims: a.var(dim=dims(a, axis), correction=ddof, keepdim=keepdims),
        "std": lambda a, axis, ddof, keepdims: a.std(dim=dims(a, axis), correction=ddof, keepdim=keepdims),
        "softmax": lambda a, axis: torch.softmax(a, dim=axis),
        "log_softmax": lambda a, axis: torch.log_softmax(a, dim=axis),
        "reshape": lambda a, shape: a.reshape(shape),
        "T": lambda a: a.T,
        "permute": lambda a, perm: a.permute(*perm),
        "squeeze": lambda a, axis: a.squeeze(axis),
        "unsqueeze": lambda a, axis: a.unsqueeze(axis),
        "broadcast_to": lambda a, shape: torch.broadcast_to(a, shape),
        "flatten": lambda a: a.flatten(),
        "getitem": lambda a, index: a[torch_index(index)],
        "concatenate": lambda *xs, axis: torch.cat(list(xs), dim=axis),
        "stack": lambda *xs, axis: torch.stack(list(xs), dim=axis),
    }


def run(program: Program, ops: dict[str, Callable[..., Any]], leaves: list) -> tuple[list, Any]:
    """Every value of the program (leaves first) and the loss, sum_k (w_k * sink_k).sum(),
    computed by `ops` from `leaves` (Tensors of either library); weights are given as
    NumPy arrays and wrapped by the operand's own library through broadcasting with it."""
    values = list(leaves)
    for step in program.steps:
        values.append(ops[step.op](*(values[a] for a in step.args), **step.params))
    loss = None
    for k, sink in enumerate(program.sinks):
        term = (values[sink] * _like(values[sink], program.weights[k])).sum()
        loss = term if loss is None else loss + term
    return values, loss


def _like(tensor: Any, array: np.ndarray) -> Any:
    """`array` as a constant of `tensor`'s library."""
    if isinstance(tensor, al.Tensor):
        return al.tensor(array)
    import torch  # only reached when PyTorch is interpreting the program

    return torch.from_numpy(array)


# -- generation ------------------------------------------------------------------------------


def _reduction_gap(values: np.ndarray, axis: Any) -> float:
    """The smallest gap between the largest two and the smallest two entries of every
    reduced slice: max/min are smooth only where that gap is not zero."""
    if axis is None:
        flat = values.reshape(1, -1)
    else:
        flat = np.moveaxis(values, axis, -1).reshape(-1, values.shape[axis])
    if flat.shape[1] < 2:
        return math.inf
    ordered = np.sort(flat, axis=1)
    return float(min(np.min(ordered[:, -1] - ordered[:, -2]), np.min(ordered[:, 1] - ordered[:, 0])))


def _clip_bound(rng: np.random.Generator, values: np.ndarray) -> float | None:
    """A bound in the middle of a gap wider than 2 * MARGIN between sorted entries (or
    outside all of them), so that no entry sits near the bound."""
    flat = np.unique(values.ravel())
    edges = np.concatenate([[flat[0] - 1.0], flat, [flat[-1] + 1.0]])
    gaps = [i for i in range(len(edges) - 1) if edges[i + 1] - edges[i] > 2 * MARGIN]
    i = gaps[rng.integers(len(gaps))]
    return round(float(edges[i] + edges[i + 1]) / 2, 3)


def _factor_shape(rng: np.random.Generator, size: int) -> tuple[int, ...]:
    """A random shape of `size` elements with 1 to 3 dimensions, maybe with a -1."""
    factors = []
    n = size
    for p in (2, 3, 5, 7):
        while n % p == 0:
            factors.append(p)
            n //= p
    if n > 1:
        factors.append(n)
    ndim = int(rng.integers(1, 4))
    shape = [1] * ndim
    for f in factors:
        shape[rng.integers(ndim)] *= f
    if rng.random() < 0.3:
        shape[rng.integers(ndim)] = -1
    return tuple(shape)


def _broadcastable(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


LEAF_KINDS = ("real", "positive", "grid")


def _leaf(rng: np.random.Generator, shape: tuple, kind: str) -> np.ndarray:
    if kind == "real":
        return rng.uniform(-2.0, 2.0, shape)
    if kind == "positive":
        return rng.uniform(0.3, 2.0, shape)
    # Multiples of 0.5 (zero included): exact zeros and ties reach the ops on purpose,
    # e.g. `a ** b` at b == 0; the kinked ops reject them.
    return rng.integers(-4, 5, shape) * 0.5


# Relative frequency of each op when drawing a step.
OP_WEIGHTS = {
    "add": 3, "sub": 2, "mul": 3, "div": 1, "pow": 1, "maximum": 1, "minimum": 1,
    "matmul": 3, "matmul_t": 2, "where": 1,
    "add_c": 1, "rsub_c": 1, "mul_c": 1, "rdiv_c": 1, "rpow_c": 1, "pow_c": 1,
    "neg": 1, "exp": 1, "log": 1, "sqrt": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1,
    "sin": 1, "cos": 1, "softplus": 1, "leaky_relu": 1, "elu": 1, "clip": 1,
    "sum": 1, "mean": 1, "max": 1, "min": 1, "logsumexp": 1, "var": 1, "std": 1,
    "softmax": 2, "log_softmax": 2,
    "reshape": 1, "T": 1, "permute": 1, "squeeze": 1, "unsqueeze": 1, "broadcast_to": 1, "flatten": 1,
    "getitem": 3, "concatenate": 1, "stack": 1,
}  # fmt: skip
OP_NAMES = sorted(OP_WEIGHTS)
OP_PROBS = np.array([OP_WEIGHTS[name] for name in OP_NAMES], dtype=float) / sum(OP_WEIGHTS.values())

UNARY_DOMAINS: dict[str, Callable[[np.ndarray], bool]] = {
    "neg": lambda x: True,
    "exp": lambda x: x.size > 0 and x.max() < 3.0,
    "log": lambda x: x.size > 0 and x.min() > 0.2,
    "sqrt": lambda x: x.size > 0 and x.min() > 0.2,
    "tanh": lambda x: True,
    "sigmoid": lambda x: True,
    "relu": lambda x: np.all(np.abs(x) > MARGIN),
    "abs": lambda x: np.all(np.abs(x) > MARGIN),
    "sin": lambda x: True,
    "cos": lambda x: True,
    "softplus": lambda x: True,
    "leaky_relu": lambda x: np.all(np.abs(x) > MARGIN),
    "elu": lambda x: np.all(np.abs(x) > MARGIN),
}

CONSTANTS = {
    "add_c": (-1.5, 0.5, 2.0),
    "rsub_c": (1.0, -0.5),
    "mul_c": (0.5, -2.0, 3.0),
    "rdiv_c": (1.0, -2.0),
    "rpow_c": (2.5, 0.5),
    "pow_c": (2, 3, 0.5, 1.5, -1.0),
}


# Operands of `c op x` / `x ** c` (integer powers are handled apart: any x).
CONSTANT_DOMAINS: dict[str, Callable[[np.ndarray], bool]] = {
    "add_c": lambda x: True,
    "rsub_c": lambda x: True,
    "mul_c": lambda x: True,
    "rdiv_c": lambda x: bool(np.all(np.abs(x) > 0.3)),
    "rpow_c": lambda x: bool(np.all(np.abs(x) < 3.0)),
    "pow_c": lambda x: x.size > 0 and x.min() > 0.2,
}


class _Builder:
    """Draws steps one at a time, evaluating each with autograd_lite (no grad) so that
    the next choices can look at the values."""

    def __init__(self, rng: np.random.Generator, leaves: list[np.ndarray]) -> None:
        self.rng = rng
        self.n_leaves = len(leaves)
        self.values: list[np.ndarray] = [np.asarray(leaf) for leaf in leaves]
        self.uses = [0] * len(leaves)
        self.steps: list[Step] = []

    def pick(self, accept: Callable[[np.ndarray], bool]) -> int | None:
        """An operand satisfying `accept`, favouring unused leaves (every leaf must be
        used), the newest value (chains) and values already used (reuse)."""
        candidates = [i for i, v in enumerate(self.values) if accept(v)]
        if not candidates:
            return None
        last = len(self.values) - 1
        weights = np.array(
            [
                1.0
                + 4.0 * (i < self.n_leaves and self.uses[i] == 0)
                + 2.0 * (i == last)
                + 3.0 * (i >= self.n_leaves and self.uses[i] > 0)
                for i in candidates
            ]
        )
        return candidates[self.rng.choice(len(candidates), p=weights / weights.sum())]

    def propose(self, op: str) -> Step | None:
        rng = self.rng
        vals = self.values
        if op in ("add", "sub", "mul", "div", "pow", "maximum", "minimum"):
            a = self.pick(lambda x: op != "pow" or (x.size > 0 and x.min() > 0.3))
            if a is None:
                return None
            shape = vals[a].shape

            def second(x: np.ndarray) -> bool:
                if not _broadcastable(shape, x.shape) or len(np.broadcast_shapes(shape, x.shape)) > MAX_NDIM:
                    return False
                if op == "div":
                    return bool(np.all(np.abs(x) > 0.3))
                if op == "pow":
                    return bool(np.all(np.abs(x) <= 3.0))
                if op in ("maximum", "minimum"):
                    return bool(np.all(np.abs(vals[a] - x) > MARGIN))
                return True

            b = self.pick(second)
            return None if b is None else Step(op, (a, b))
        if op in ("matmul", "matmul_t"):
            a = self.pick(lambda x: x.ndim >= 1)
            if a is None:
                return None
            shape = vals[a].shape

            def fits(x: np.ndarray) -> bool:
                if op == "matmul_t":
                    if x.ndim < 2 or x.shape[-1] != shape[-1]:
                        return False
                    x_shape = x.shape[:-2] + (x.shape[-1], x.shape[-2])
                else:
                    x_shape = x.shape
                    if x.ndim == 0 or shape[-1] != x_shape[0 if x.ndim == 1 else -2]:
                        return False
                batch_a = shape[:-2]
                batch_b = x_shape[:-2]
                return _broadcastable(batch_a, batch_b)

            b = self.pick(fits)
            return None if b is None else Step(op, (a, b))
        if op == "where":
            a = self.pick(lambda x: x.ndim >= 1)
            if a is None:
                return None
            shape = vals[a].shape
            b = self.pick(
                lambda x: _broadcastable(shape, x.shape) and len(np.broadcast_shapes(shape, x.shape)) <= 3
            )
            if b is None:
                return None
            # A condition over the trailing dimensions, broadcast over the rest.
            cond_shape = tuple(
                d if rng.random() < 0.7 else 1 for d in shape[-rng.integers(1, len(shape) + 1) :]
            )
            return Step(op, (a, b), {"cond": rng.random(cond_shape) < 0.5})
        if op in CONSTANTS:
            c = CONSTANTS[op][rng.integers(len(CONSTANTS[op]))]
            if op == "pow_c" and c in (2, 3):
                a = self.pick(lambda x: True)  # integer powers are smooth everywhere
            else:
                a = self.pick(CONSTANT_DOMAINS[op])
            return None if a is None else Step(op, (a,), {"c": c})
        if op in UNARY_DOMAINS:
            a = self.pick(UNARY_DOMAINS[op])
            if a is None:
                return None
            params = {}
            if op == "leaky_relu":
                params = {"negative_slope": 0.1}
            elif op == "elu":
                params = {"alpha": 0.7}
            return Step(op, (a,), params)
        if op == "clip":
            a = self.pick(lambda x: x.size > 0)
            if a is None:
                return None
            low, high = _clip_bound(rng, vals[a]), _clip_bound(rng, vals[a])
            low, high = min(low, high), max(low, high)
            if rng.random() < 0.3:
                low = None
            elif rng.random() < 0.3:
                high = None
            return Step(op, (a,), {"min": low, "max": high})
        if op in ("sum", "mean", "max", "min", "logsumexp", "var", "std"):
            a = self.pick(lambda x: x.size > 1 or op not in ("var", "std"))
            if a is None:
                return None
            ndim = vals[a].ndim
            axis = None
            choice = rng.random()
            if ndim and choice < 0.6:
                axis = int(rng.integers(-ndim, ndim))
            elif ndim >= 2 and choice < 0.8 and op not in ("max", "min"):
                # max/min over a tuple of axes means different things in NumPy's and
                # PyTorch's spelling, so only the other reductions get tuples.
                picked = rng.choice(ndim, size=int(rng.integers(1, ndim + 1)), replace=False)
                axis = tuple(int(p) - ndim * int(rng.integers(2)) for p in picked)
            params = {"axis": axis}
            if op in ("var", "std"):
                params["ddof"] = int(rng.integers(2))
            params["keepdims"] = bool(rng.integers(2))
            if op in ("max", "min") and _reduction_gap(vals[a], axis) <= MARGIN:
                return None
            if op in ("var", "std"):
                reduced = (
                    vals[a].size if axis is None else math.prod(vals[a].shape[i] for i in np.atleast_1d(axis))
                )
                if reduced <= params["ddof"]:
                    return None
            return Step(op, (a,), params)
        if op in ("softmax", "log_softmax"):
            a = self.pick(lambda x: x.ndim >= 1)
            if a is None:
                return None
            ndim = vals[a].ndim
            return Step(op, (a,), {"axis": int(rng.integers(-ndim, ndim))})
        if op == "reshape":
            a = self.pick(lambda x: x.size > 0)
            return None if a is None else Step(op, (a,), {"shape": _factor_shape(rng, vals[a].size)})
        if op == "T":
            a = self.pick(lambda x: x.ndim == 2)
            return None if a is None else Step(op, (a,))
        if op == "permute":
            a = self.pick(lambda x: x.ndim >= 2)
            if a is None:
                return None
            perm = tuple(int(p) for p in rng.permutation(vals[a].ndim))
            return Step(op, (a,), {"perm": perm})
        if op == "squeeze":
            a = self.pick(lambda x: 1 in x.shape)
            if a is None:
                return None
            ones = [i for i, d in enumerate(vals[a].shape) if d == 1]
            axis = ones[rng.integers(len(ones))]
            return Step(op, (a,), {"axis": axis - vals[a].ndim * int(rng.integers(2))})
        if op == "unsqueeze":
            a = self.pick(lambda x: x.ndim < MAX_NDIM)
            if a is None:
                return None
            ndim = vals[a].ndim
            return Step(op, (a,), {"axis": int(rng.integers(-ndim - 1, ndim + 1))})
        if op == "broadcast_to":
            a = self.pick(lambda x: x.ndim < MAX_NDIM or 1 in x.shape)
            if a is None:
                return None
            shape = [d if d != 1 else int(rng.integers(1, 4)) for d in vals[a].shape]
            if len(shape) < MAX_NDIM and rng.random() < 0.6:
                shape.insert(0, int(rng.integers(2, 4)))
            return Step(op, (a,), {"shape": tuple(shape)})
        if op == "flatten":
            a = self.pick(lambda x: x.ndim >= 1)
            return None if a is None else Step(op, (a,))
        if op == "getitem":
            a = self.pick(lambda x: x.ndim >= 1)
            return None if a is None else Step(op, (a,), {"index": self._index(vals[a].shape)})
        if op in ("concatenate", "stack"):
            a = self.pick(lambda x: x.ndim >= 1)
            if a is None:
                return None
            shape = vals[a].shape
            ndim = len(shape)
            if op == "stack":
                axis = int(rng.integers(-ndim - 1, ndim + 1))
            else:
                axis = int(rng.integers(-ndim, ndim))

            def same(x: np.ndarray) -> bool:
                """Stack needs equal shapes; concatenate equal ones except along `axis`."""
                if op == "stack":
                    return x.shape == shape
                return x.ndim == ndim and all(
                    d == e for i, (d, e) in enumerate(zip(x.shape, shape)) if i != axis % ndim
                )

            others = [self.pick(same) for _ in range(int(rng.integers(1, 3)))]
            return Step(op, (a, *others), {"axis": axis})
        raise AssertionError(f"unknown op {op}")

    def _index(self, shape: tuple) -> tuple:
        """Basic slices/integers/None/..., or an integer array with a repeated index."""
        rng = self.rng
        kind = rng.integers(4)
        if kind == 0:
            index = []
            for d in shape[: int(rng.integers(1, len(shape) + 1))]:
                form = rng.integers(3)
                if form == 0:
                    index.append(int(rng.integers(-d, d)))
                elif form == 1:
                    start = int(rng.integers(0, d))
                    index.append(slice(start, int(rng.integers(start + 1, d + 1)), int(rng.integers(1, 3))))
                else:
                    index.append(slice(None))
            if len(index) < len(shape) and rng.random() < 0.3:
                index.append(Ellipsis)
            if rng.random() < 0.3:
                index.insert(int(rng.integers(len(index) + 1)), None)  # a new axis of size 1
            return tuple(index)
        axis = {1: 0, 2: 1, 3: len(shape) - 1}[int(kind)]
        axis = min(axis, len(shape) - 1)
        d = shape[axis]
        idx = rng.integers(0, d, int(rng.integers(2, 5)))
        # Repeated indices must accumulate their gradients.
        idx[-1] = idx[0]
        if rng.random() < 0.3:
            idx[rng.integers(len(idx))] -= d  # a negative index
        lead = [slice(None)] * axis
        if axis == len(shape) - 1 and axis > 0 and rng.random() < 0.5:
            lead = [Ellipsis]
        return (*lead, idx)

    def add(self, max_tries: int = 60) -> bool:
        """Draw and keep one step; False if none was found in `max_tries` draws."""
        for _ in range(max_tries):
            op = OP_NAMES[self.rng.choice(len(OP_NAMES), p=OP_PROBS)]
            step = self.propose(op)
            if step is not None and self.keep(step):
                return True
        return False

    def keep(self, step: Step) -> bool:
        """Append `step` if its result is finite, moderate and small."""
        if any(a is None for a in step.args):
            return False
        with al.no_grad():
            out = AL_OPS[step.op](*(al.tensor(self.values[a]) for a in step.args), **step.params)
        result = np.asarray(out.numpy(), dtype=np.float64)
        if result.size == 0 or result.size > MAX_SIZE or result.ndim > MAX_NDIM:
            return False
        if not np.all(np.isfinite(result)) or np.abs(result).max() > MAX_ABS:
            return False
        if step.op == "std" and np.min(result) < 0.1:
            return False  # sqrt's derivative blows up near a zero variance
        self.values.append(result)
        self.uses.append(0)
        for a in step.args:
            self.uses[a] += 1
        self.steps.append(step)
        return True


def generate(seed: int, min_ops: int = 3, max_ops: int = 12) -> Program:
    rng = np.random.default_rng(seed)
    # A few sizes shared by all leaves, so that most pairs broadcast and matmul fits.
    b, m, n = (int(d) for d in rng.integers(2, 5, size=3))
    templates = [(m, n), (n,), (b, m, n), (b, 1, n), (m, 1), (n, m), (), (b, n, m), (n, n)]
    n_leaves = int(rng.integers(2, 5))
    shapes = [templates[i] for i in rng.integers(len(templates), size=n_leaves)]
    for i in range(1, n_leaves):
        # Leaves of one shape meet in ops without broadcasting, where an op's backward
        # may hand the same gradient to both of them.
        if rng.random() < 0.4:
            shapes[i] = shapes[int(rng.integers(i))]
    # Some programs start with `v0 + v1` of two leaves of one shape: when nothing else
    # reads them, both receive the gradient of the same sum, yet each must own its .grad.
    leaf_sum = rng.random() < 0.3
    if leaf_sum:
        shapes[1] = shapes[0]
    kinds = [LEAF_KINDS[i] for i in rng.choice(3, size=n_leaves, p=[0.5, 0.3, 0.2])]
    leaves = [np.asarray(_leaf(rng, s, k), dtype=np.float64) for s, k in zip(shapes, kinds)]

    builder = _Builder(rng, leaves)
    if leaf_sum:
        builder.keep(Step("add", (0, 1)))
    n_ops = int(rng.integers(min_ops, max_ops + 1))
    while len(builder.steps) < n_ops and builder.add():
        pass
    uses = builder.uses
    # The loss reads every value nothing else reads (unused leaves included), so every
    # step and every leaf reaches it.
    sinks = [i for i in range(len(builder.values)) if uses[i] == 0]
    weights = [rng.uniform(-1.0, 1.0, builder.values[i].shape) for i in sinks]
    return Program(seed, leaves, kinds, builder.steps, sinks, weights)
