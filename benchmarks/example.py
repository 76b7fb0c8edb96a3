"""End-to-end time of the main example, through benchmarks/check_main_example.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time

from .timing import Row

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_main_example.py")


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    name = "main example, end to end (wall clock)"
    if not os.path.exists(SCRIPT):
        return [
            Row(name, None, unit="s", note="skipped: benchmarks/check_main_example.py does not exist yet")
        ]
    if quick:
        return [Row(name, None, unit="s", note="skipped in --quick mode")]
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, SCRIPT, "--out", out], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    report = (result.stdout.strip().splitlines() or [""])[-1]
    seconds = re.search(r"([0-9.]+) s including", report)
    if seconds is None:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        return [Row(name, None, unit="s", note=f"check_main_example.py failed: {' '.join(tail)}")]
    row = Row(name, float(seconds.group(1)), unit="s", target="< 30 s")
    row.met = "PASS" in report
    row.note = f"check_main_example.py in a fresh process ({elapsed:.1f} s with interpreter start): {report}"
    return [row]
