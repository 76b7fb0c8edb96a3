"""Import time of autograd_lite + nn + optim against `import numpy` alone, each
timed inside a fresh interpreter (median of several, interleaved)."""

from __future__ import annotations

import statistics
import subprocess
import sys

from .timing import Row

_TIMED_IMPORT = (
    "import time; start = time.perf_counter(); import {modules}; print(time.perf_counter() - start)"
)


def _import_time(modules: str) -> float:
    code = _TIMED_IMPORT.format(modules=modules)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    count = 3 if quick else max(7, repeats)
    numpy_times, engine_times = [], []
    for _ in range(count):
        numpy_times.append(_import_time("numpy"))
        engine_times.append(_import_time("autograd_lite, nn, optim"))
    numpy_time, engine_time = statistics.median(numpy_times), statistics.median(engine_times)
    extra = Row("import autograd_lite, nn, optim: time over numpy", engine_time - numpy_time, unit="ms",
                target="<= 30 ms")  # fmt: skip
    extra.met = extra.engine <= 0.030
    graphviz_loaded = subprocess.run(
        [sys.executable, "-c", "import sys, autograd_lite, nn, optim; print('graphviz' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    total = Row("import autograd_lite, nn, optim (incl. numpy)", engine_time, numpy_time, unit="ms")
    if graphviz_loaded == "True":
        total.note = "graphviz is imported at import time; it should load only when drawing"
    return [total, extra]
