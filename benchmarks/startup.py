"""Import time of autograd_lite alone (nn and optim load on first use of `al.nn`,
`al.optim`) and of autograd_lite + nn + optim, against `import numpy` alone, each
timed inside a fresh interpreter (median of several, interleaved).

Compiled bytecode is cached first (in a temporary directory, whatever
PYTHONDONTWRITEBYTECODE says), as it is after installation, so that the time is
the import and not the compilation of the sources.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from . import timing
from .timing import Row

_TIMED_IMPORT = "import time; clock = time.{clock}; start = clock(); import {modules}; print(clock() - start)"


def _import_time(modules: str, env: dict) -> float:
    clock = "process_time" if timing.clock_name() == "cpu" else "perf_counter"
    code = _TIMED_IMPORT.format(clock=clock, modules=modules)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(result.stdout.strip())


def _cached_bytecode_env(directory: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = directory
    return env


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    count = 3 if quick else max(7, repeats)
    numpy_times, core_times, engine_times = [], [], []
    with tempfile.TemporaryDirectory() as cache:
        env = _cached_bytecode_env(cache)
        _import_time("autograd_lite, nn, optim", env)  # compiles and caches everything once
        for _ in range(count):
            numpy_times.append(_import_time("numpy", env))
            core_times.append(_import_time("autograd_lite", env))
            engine_times.append(_import_time("autograd_lite, nn, optim", env))
    numpy_time, engine_time = statistics.median(numpy_times), statistics.median(engine_times)
    core = Row("import autograd_lite: time over numpy", statistics.median(core_times) - numpy_time,
               unit="ms", target="<= 30 ms")  # fmt: skip
    core.met = core.engine <= 0.030
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
    return [total, core, extra]
