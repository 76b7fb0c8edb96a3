"""Ordinary PyTorch programs run unchanged on autograd_lite.

Each script in tests/torch_programs/ is plain PyTorch (`import torch`, `torch.nn`,
`torch.optim`, `torch.utils.data`, `torch.autograd`) that prints numbers. It runs twice in
a subprocess: once with PyTorch (when installed) and once with a generated `torch` package
placed first on `sys.path` that forwards every name to autograd_lite, `nn` and `optim`. The
numbers (and True/False/None) printed by the two runs must agree to rtol 1e-4, atol 1e-6.
Without PyTorch the autograd_lite run must still finish without error.

One subprocess per library runs every program in turn (each in fresh globals, its output
captured), so PyTorch is imported once rather than once per program.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS_DIR = Path(__file__).resolve().parent / "torch_programs"
PROGRAMS = sorted(path.stem for path in PROGRAMS_DIR.glob("*.py"))
HAVE_TORCH = importlib.util.find_spec("torch") is not None
TIMEOUT = 300  # seconds for a whole run of the corpus; it takes a few

# Programs expected to fail on autograd_lite today (the name they need first). The goal is
# an empty dict: remove an entry when the feature lands (strict xfail reports the pass).
KNOWN_TO_FAIL: dict[str, str] = {}

# The stand-in `torch` package: autograd_lite's names at the top, PyTorch's submodule paths
# aliased in sys.modules to the modules that provide them, so `import torch.nn as nn`,
# `import torch.nn.functional as F` and `from torch.utils.data import DataLoader` give the
# library's own module objects.
SHIM = '''"""`torch` forwarding to autograd_lite and its `nn` and `optim` packages (test stand-in)."""

import importlib
import sys
import types

import autograd_lite as _al

globals().update({_name: getattr(_al, _name) for _name in dir(_al) if not _name.startswith("_")})

# PyTorch's module path -> the modules that may stand in for it, the first importable wins.
_MODULES = {
    "torch.nn": ("nn",),
    "torch.nn.functional": ("nn.functional",),
    "torch.nn.init": ("nn.init",),
    "torch.nn.utils": ("nn.utils",),
    "torch.optim": ("optim",),
    "torch.optim.lr_scheduler": ("optim.lr_scheduler",),
    "torch.utils": ("autograd_lite.utils",),
    "torch.utils.data": ("autograd_lite.utils.data", "autograd_lite.data"),
    "torch.autograd": ("autograd_lite.autograd",),
    "torch.autograd.functional": ("autograd_lite.autograd.functional",),
}


def _first_importable(targets):
    for target in targets:
        try:
            return importlib.import_module(target)
        except ImportError:
            continue
    return None


for _name, _targets in _MODULES.items():
    _module = _first_importable(_targets)
    if _module is None:
        continue  # not provided: importing it fails with ModuleNotFoundError
    _parent, _, _child = _name.rpartition(".")
    if _parent not in sys.modules:
        sys.modules[_parent] = types.ModuleType(_parent)
        setattr(sys.modules[_parent.rpartition(".")[0]], _parent.rpartition(".")[2], sys.modules[_parent])
    sys.modules[_name] = _module
    setattr(sys.modules[_parent], _child, _module)
'''

# Runs each program given on the command line in fresh globals with its stdout captured and
# appends one JSON line per program to the results file (so a hang still names the culprit).
DRIVER = '''
import contextlib, io, json, runpy, sys, time, traceback

results, programs = sys.argv[1], sys.argv[2:]
try:
    import numpy
    import torch
except BaseException:
    torch = None
    failure = traceback.format_exc()


def reset():
    """State a previous program may have changed: default dtype and grad mode."""
    try:
        torch.set_default_dtype(getattr(torch, "float32", numpy.float32))
        torch.set_grad_enabled(True)
    except Exception:
        pass


for path in programs:
    out = io.StringIO()
    start = time.perf_counter()
    error = None
    if torch is None:
        error = failure
    else:
        reset()
        sys.argv = [path]
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(path, run_name="__main__")
        except BaseException:
            error = traceback.format_exc()
    record = {"path": path, "stdout": out.getvalue(), "error": error, "seconds": time.perf_counter() - start}
    with open(results, "a") as stream:
        stream.write(json.dumps(record) + "\\n")
'''


def run_corpus(directory: Path, with_shim: bool) -> dict[str, dict]:
    """Run every program in one subprocess; name -> {"stdout", "error", "seconds"}."""
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    paths = [str(ROOT)]
    if with_shim:
        package = directory / "shim" / "torch"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(SHIM)
        paths.insert(0, str(package.parent))
    env["PYTHONPATH"] = os.pathsep.join(paths + [p for p in [os.environ.get("PYTHONPATH")] if p])
    env.setdefault("OMP_NUM_THREADS", "1")
    driver = directory / "run_programs.py"
    driver.write_text(DRIVER)
    results = directory / "results.jsonl"
    programs = [str(PROGRAMS_DIR / f"{name}.py") for name in PROGRAMS]
    try:
        process = subprocess.run(
            [sys.executable, str(driver), str(results), *programs],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        problem = f"the run exited with code {process.returncode}:\n{process.stderr[-3000:]}"
    except subprocess.TimeoutExpired:
        problem = f"the run timed out after {TIMEOUT} s"
    found = {}
    if results.exists():
        for line in results.read_text().splitlines():
            record = json.loads(line)
            found[Path(record["path"]).stem] = record
    for name in PROGRAMS:
        if name not in found:
            found[name] = {"stdout": "", "error": f"{name} did not finish: {problem}", "seconds": None}
            problem = "an earlier program did not finish"
    return found


@pytest.fixture(scope="session")
def torch_runs(tmp_path_factory) -> dict[str, dict]:
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed")
    return run_corpus(tmp_path_factory.mktemp("torch_programs_torch"), with_shim=False)


@pytest.fixture(scope="session")
def lite_runs(tmp_path_factory) -> dict[str, dict]:
    return run_corpus(tmp_path_factory.mktemp("torch_programs_lite"), with_shim=True)


# A number not glued to a name (so "float32" or "fc1" give none), or True/False/None.
TOKEN = re.compile(
    r"(?<![\w.])(?:[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf)|True|False|None)(?!\w)"
)


def printed_values(text: str) -> list[tuple[str, str]]:
    """(token, the line it is on) for every number and True/False/None in `text`."""
    return [(token, line) for line in text.splitlines() for token in TOKEN.findall(line)]


def same_value(a: str, b: str) -> bool:
    if a in ("True", "False", "None") or b in ("True", "False", "None"):
        return a == b
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= 1e-6 + 1e-4 * abs(y)


def compare_outputs(name: str, got: str, expected: str) -> None:
    """Fail naming the first printed value where autograd_lite's output differs from PyTorch's."""
    ours, theirs = printed_values(got), printed_values(expected)
    for index, ((a, line_a), (b, line_b)) in enumerate(zip(ours, theirs)):
        if not same_value(a, b):
            pytest.fail(
                f"{name}: printed value {index} differs: autograd_lite {a} vs PyTorch {b}\n"
                f"  autograd_lite: {line_a}\n  PyTorch:       {line_b}"
            )
    if len(ours) != len(theirs):
        pytest.fail(
            f"{name}: autograd_lite printed {len(ours)} values, PyTorch {len(theirs)}\n"
            f"--- autograd_lite\n{got}\n--- PyTorch\n{expected}"
        )


def _lite_params() -> list:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_TO_FAIL[name]))
        if name in KNOWN_TO_FAIL
        else name
        for name in PROGRAMS
    ]


def test_corpus_is_plain_pytorch():
    assert len(PROGRAMS) >= 32, PROGRAMS
    assert set(KNOWN_TO_FAIL) <= set(PROGRAMS), set(KNOWN_TO_FAIL) - set(PROGRAMS)
    for name in PROGRAMS:
        source = (PROGRAMS_DIR / f"{name}.py").read_text()
        assert "autograd_lite" not in source, name
        assert re.search(r"^import torch$", source, re.MULTILINE), f"{name} does not import torch"
        # Random numbers come from NumPy (seeded), never from the library under test.
        assert not re.search(r"torch\.(randn|rand|randint|manual_seed)\b", source), name


def test_values_are_compared_not_names():
    got = printed_values("loss 0.5 torch.float32 fc1 (2, 3) True -1e-05 nan 1.running_mean")
    assert [token for token, _ in got] == ["0.5", "2", "3", "True", "-1e-05", "nan", "1"]
    assert same_value("1.00001", "1.0") and not same_value("1.001", "1.0")
    assert same_value("1e-7", "-1e-7") and not same_value("True", "1")


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_runs_with_torch(name, torch_runs):
    run = torch_runs[name]
    assert run["error"] is None, f"{name} fails with PyTorch itself:\n{run['error']}"
    assert len(printed_values(run["stdout"])) >= 5, f"{name} prints too few numbers:\n{run['stdout']}"


@pytest.mark.parametrize("name", _lite_params())
def test_program_runs_unchanged_on_autograd_lite(name, lite_runs, request):
    run = lite_runs[name]
    assert run["error"] is None, f"{name} fails on autograd_lite:\n{run['error']}"
    if HAVE_TORCH:
        expected = request.getfixturevalue("torch_runs")[name]
        if expected["error"] is not None:
            pytest.fail(f"{name} fails with PyTorch itself:\n{expected['error']}")
        compare_outputs(name, run["stdout"], expected["stdout"])
