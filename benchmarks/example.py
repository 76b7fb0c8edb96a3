"""End-to-end time of the main example, through benchmarks/check_main_example.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from .timing import Row

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_main_example.py")


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    name = "main example, end to end"
    if not os.path.exists(SCRIPT):
        return [
            Row(name, None, unit="s", note="skipped: benchmarks/check_main_example.py does not exist yet")
        ]
    if quick:
        return [Row(name, None, unit="s", note="skipped in --quick mode")]
    start = time.perf_counter()
    result = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        return [Row(name, None, unit="s", note=f"check_main_example.py failed: {' '.join(tail)}")]
    return [Row(name, elapsed, unit="s", note="one run of check_main_example.py in a fresh process")]
