"""Large graphs: a 1,000,000-node graph (time and peak memory, each in a fresh
process for a clean number) and a chain of depth 100,000.

The large graph is built from scalar steps `z = y * w; y = z + y` (two nodes
per step; `y` feeds both, so gradients meet at every node, and the leaves `w`
and `x` collect contributions from all over the graph).

Run as `python -m benchmarks.graphs IMPL NODES [CLOCK]` it builds, differentiates and
reports one graph as JSON (used by the suite); CLOCK "memory" reports its peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tracemalloc

from . import timing
from .timing import Row, measure

STEP = 1e-6


def _engine_graph(nodes: int) -> tuple[float, float]:
    import autograd_lite as al

    x = al.tensor(1.0, requires_grad=True)
    w = al.tensor(STEP, requires_grad=True)
    start = timing.clock()
    y = x
    for _ in range(nodes // 2):
        z = y * w
        y = z + y
    middle = timing.clock()
    y.backward()
    elapsed = middle - start, timing.clock() - middle
    _check_gradient(x.grad.item(), nodes)
    return elapsed


def _check_gradient(grad_x: float, nodes: int) -> None:
    # dy/dx is the product of the steps' factors (1 + w); rounded in float32 as the
    # engine's backward does, it grows by about 1% per 10,000 steps, so a graph that
    # lost nodes is far off.
    import numpy as np

    expected, w = np.float32(1), np.float32(STEP)
    for _ in range(nodes // 2):
        expected = expected * w + expected
    growth = float(expected) - 1
    if abs((grad_x - 1) - growth) > 1e-3 * growth:
        raise AssertionError(f"graph of {nodes} nodes: dy/dx = {grad_x}, expected {float(expected)}")


def _numpy_graph(nodes: int) -> tuple[float, float]:
    import numpy as np

    x, w = np.array(1.0, np.float32), np.array(STEP, np.float32)
    start = timing.clock()
    ys = []
    y = x
    for _ in range(nodes // 2):
        ys.append(y)
        y = y * w + y
    middle = timing.clock()
    grad = np.ones_like(x)
    grad_w = np.zeros_like(w)
    for y in reversed(ys):
        grad_w += grad * y
        grad = grad * w + grad
    return middle - start, timing.clock() - middle


def _torch_graph(nodes: int) -> tuple[float, float]:
    import torch

    torch.set_num_threads(1)
    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(STEP, requires_grad=True)
    start = timing.clock()
    y = x
    for _ in range(nodes // 2):
        z = y * w
        y = z + y
    middle = timing.clock()
    y.backward()
    return middle - start, timing.clock() - middle


IMPLEMENTATIONS = {"engine": _engine_graph, "floor": _numpy_graph, "torch": _torch_graph}


def _max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _child(impl: str, nodes: int, clock: str) -> None:
    """Time one graph; with clock "memory", measure its peak traced allocation instead."""
    import numpy  # noqa: F401 - counted in the baseline, not in the graph's memory

    if impl == "engine":
        import autograd_lite  # noqa: F401
    elif impl == "torch":
        import torch  # noqa: F401
    build = IMPLEMENTATIONS[impl]
    if clock == "memory":
        timing.use_clock("wall")
        build(1000)  # warm-up outside the measured peak (first-call allocations)
        # Python objects and NumPy's array data are traced; PyTorch's C++ memory is not,
        # so for it the growth of the peak resident size stands in.
        before = _max_rss_mb()
        tracemalloc.start()
        build(nodes)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        peak = _max_rss_mb() - before if impl == "torch" else traced
        print(json.dumps({"peak_mb": peak}))
        return
    timing.use_clock(clock)
    build(1000)
    forward, backward = build(nodes)
    print(json.dumps({"forward": forward, "backward": backward}))


def _in_subprocess(impl: str, nodes: int, clock: str | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.graphs", impl, str(nodes), clock or timing.clock_name()],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def big_graph(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    nodes = 20_000 if quick else 1_000_000
    impls = ["engine", "floor"] + (["torch"] if torch_ok else [])
    runs: dict[str, list[dict]] = {impl: [] for impl in impls}
    memory_mb = {impl: _in_subprocess(impl, nodes, "memory")["peak_mb"] for impl in impls}
    for _ in range(1 if quick else 3):
        for impl in impls:
            runs[impl].append(_in_subprocess(impl, nodes))

    def per_node(impl: str, keys: tuple) -> float | None:
        if impl not in runs:
            return None
        values = sorted(sum(run[k] for k in keys) for run in runs[impl])
        return values[len(values) // 2] / nodes

    label = f"graph of {nodes:,} nodes"
    total = ("forward", "backward")
    row_total = Row(f"{label}: forward+backward, per node", per_node("engine", total), per_node("floor", total),
                    per_node("torch", total), unit="us", target="<= 8 us/node")  # fmt: skip
    row_total.met = row_total.engine <= 8e-6
    memory = Row(f"{label}: peak memory", memory_mb["engine"], memory_mb["floor"], memory_mb.get("torch"),
                 unit="MB", target="<= 600 MB")  # fmt: skip
    memory.met = memory.engine <= 600 if not quick else None
    memory.note = (
        "peak traced by tracemalloc (Python objects and NumPy data); PyTorch: growth of the peak RSS"
    )
    return [
        Row(f"{label}: forward, per node", per_node("engine", ("forward",)), per_node("floor", ("forward",)),
            per_node("torch", ("forward",)), unit="us"),
        Row(f"{label}: backward, per node", per_node("engine", ("backward",)), per_node("floor", ("backward",)),
            per_node("torch", ("backward",)), unit="us"),
        row_total,
        memory,
    ]  # fmt: skip


def deep_chain(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    """y = tanh(y * w) repeated: depth 100,000 (nothing recursive may overflow)."""
    import numpy as np

    import autograd_lite as al

    depth = 2_000 if quick else 100_000
    links = depth // 2
    x = np.linspace(-1, 1, 16, dtype=np.float32)
    w = np.full(16, 1.01, dtype=np.float32)
    tx, tw = al.tensor(x, requires_grad=True), al.tensor(w, requires_grad=True)

    def engine() -> None:
        y = tx
        for _ in range(links):
            y = (y * tw).tanh()
        y.sum().backward()
        tx.grad = tw.grad = None

    def floor() -> None:
        ys, outs = [], []
        y = x
        for _ in range(links):
            ys.append(y)
            y = np.tanh(y * w)
            outs.append(y)
        grad, grad_w = np.ones_like(x), np.zeros_like(w)
        for y, out in zip(reversed(ys), reversed(outs)):
            grad = grad * (1 - out * out)
            grad_w += grad * y
            grad = grad * w

    candidates = {"engine": engine, "floor": floor}
    if torch_ok:
        import torch

        t_x, t_w = torch.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(w.copy()).requires_grad_()

        def torch_chain() -> None:
            y = t_x
            for _ in range(links):
                y = torch.tanh(y * t_w)
            y.sum().backward()
            t_x.grad = t_w.grad = None

        candidates["torch"] = torch_chain
    times = measure(candidates, max(3, repeats // 2), min_sample=0.0)
    return [
        Row(f"chain of depth {depth:,} (16,): forward+backward, per node", times["engine"] / depth,
            times["floor"] / depth, times.get("torch", 0) / depth if torch_ok else None, unit="us")
    ]  # fmt: skip


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "cpu")
