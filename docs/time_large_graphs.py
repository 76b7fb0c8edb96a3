"""Time `draw_graph` on graphs of about 5,000 nodes: building the Digraph, then
rendering it to SVG with Graphviz's `dot` (wall time, and dot's own CPU time).

    python docs/time_large_graphs.py

"deep": 625 layers of tanh(h @ W + b), 5,002 drawn nodes, one long chain.
"wide": 700 branches exp(sum(x * w_i)) added up, x shared by all of them.
"""

from __future__ import annotations

import resource
import time

import numpy as np

import autograd_lite as al


def deep(rng: np.random.Generator) -> al.Tensor:
    h = al.randn(4, 8)
    for i in range(625):
        weight = al.Tensor(
            rng.standard_normal((8, 8)).astype(np.float32) * 0.3, requires_grad=True, name=f"W{i}"
        )
        bias = al.Tensor(np.zeros(8, np.float32), requires_grad=True, name=f"b{i}")
        h = (h @ weight + bias).tanh()
    return h.sum()


def wide(rng: np.random.Generator) -> al.Tensor:
    x = al.Tensor(rng.standard_normal(8).astype(np.float32), requires_grad=True, name="x")
    total = None
    for i in range(700):
        w = al.Tensor(rng.standard_normal(8).astype(np.float32) * 0.1, requires_grad=True, name=f"w{i}")
        branch = (x * w).sum().exp()
        total = branch if total is None else total + branch
    return total


def children_cpu() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def main() -> None:
    rng = np.random.default_rng(0)
    for make in (deep, wide):
        loss = make(rng)
        with al.record_grad_norms() as norms:
            loss.backward()
        start = time.perf_counter()
        drawing = al.draw_graph(loss, grad_norms=norms)
        build = time.perf_counter() - start
        nodes = sum(1 for line in drawing.body if "[" in line and "->" not in line)
        cpu, start = children_cpu(), time.perf_counter()
        svg = drawing.pipe(format="svg")
        render = time.perf_counter() - start
        print(
            f"{make.__name__}: {nodes} nodes, Digraph built in {build:.3f} s, SVG rendered in "
            f"{render:.2f} s ({children_cpu() - cpu:.2f} s of dot CPU), {len(svg) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
