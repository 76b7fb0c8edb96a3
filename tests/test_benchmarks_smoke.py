"""Smoke run of the benchmark suite (tiny sizes) so it cannot rot; no timing is asserted."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_suite_prints_a_table():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-torch", "--repeats", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "NumPy" in out and "BLAS" in out
    header = next(line for line in out.splitlines() if line.startswith("| benchmark"))
    assert "autograd_lite" in header and "ratio" in header
    rows = [line for line in out.splitlines() if line.startswith("| ") and line != header]
    names = " ".join(rows)
    for expected in (
        "MLP SGD step",
        "transformer AdamW step",
        "elementwise chain (16,)",
        "graph of",
        "chain of depth",
        "import",
        "Conv2d(",
        "MaxPool2d(2)",
        "CNN Adam step",
    ):
        assert expected in names, f"no row for {expected!r} in:\n{out}"


def test_rejects_bad_thread_count():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--threads", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--threads must be at least 1" in result.stderr
