"""Interleaved timing (engine, NumPy floor and PyTorch in turn) and the result table.

Two clocks: "cpu" (this process's CPU time: what the work costs, unaffected by other
processes on a shared machine; the default with one thread) and "wall" (elapsed time,
needed with several threads, whose CPU times would add up).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time


def clock_name() -> str:
    return next(name for name, function in CLOCKS.items() if function is clock)


def use_clock(name: str) -> None:
    """Make `measure` (and the benchmarks that time themselves) use clock `name`."""
    global clock
    clock = CLOCKS[name]


def measure(
    candidates: dict[str, Callable[[], object]], repeats: int, min_sample: float = 0.02
) -> dict[str, float]:
    """Median seconds per call of each candidate.

    Each candidate is warmed up, then the samples are taken in turn (one sample
    of each per round), so a slow phase of the machine hits all of them alike.
    A sample runs a candidate enough times to last about `min_sample` seconds.
    """
    loops = {}
    for name, run in candidates.items():
        run()  # warm-up: caches, lazy imports, BLAS buffers
        start = clock()
        run()
        elapsed = clock() - start
        loops[name] = max(1, int(min_sample / max(elapsed, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, run in candidates.items():
            count = loops[name]
            start = clock()
            for _ in range(count):
                run()
            samples[name].append((clock() - start) / count)
    return {name: statistics.median(values) for name, values in samples.items()}


@dataclass
class Row:
    """One line of the table: a measurement of the engine against its floor."""

    name: str
    engine: float | None
    floor: float | None = None
    torch: float | None = None
    unit: str = "ms"  # "ms", "us" (per op/node), "MB" or "s"
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.engine is None or not self.floor:
            return None
        return self.engine / self.floor


_SCALE = {"ms": 1e3, "us": 1e6, "s": 1.0, "MB": 1.0}
_SUFFIX = {"ms": " ms", "us": " us", "s": " s", "MB": " MB"}


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    scaled = value * _SCALE[unit]
    digits = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
    return f"{scaled:.{digits}f}{_SUFFIX[unit]}"


def format_table(rows: list[Row], show_torch: bool) -> str:
    """The rows as an aligned plain-text table (also valid Markdown)."""
    header = ["benchmark", "autograd_lite", "NumPy by hand", "ratio"]
    if show_torch:
        header.append("PyTorch")
    header += ["target", "met"]
    lines = [header]
    for row in rows:
        ratio = row.ratio
        line = [row.name, _value(row.engine, row.unit), _value(row.floor, row.unit)]
        line.append("-" if ratio is None else f"{ratio:.2f}x")
        if show_torch:
            line.append(_value(row.torch, row.unit))
        line.append(row.target or "-")
        line.append({None: "-", True: "yes", False: "NO"}[row.met])
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths))
        ]
        out.append("| " + " | ".join(cells) + " |")
        if index == 0:
            out.append(
                "|"
                + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths))
                + "|"
            )
    notes = [f"- {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(out + ([""] + notes if notes else []))
