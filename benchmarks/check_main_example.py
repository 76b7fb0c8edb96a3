"""Check the main example's targets: at least 97% test accuracy in under 30 seconds.

Runs examples/digits_mlp.py's full default configuration in this process (imports
included in the time), prints the accuracy, the seconds and PASS or FAIL, and exits
with status 1 on FAIL.

    python benchmarks/check_main_example.py [--seed 0] [--out out/]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ACCURACY_TARGET = 0.97
SECONDS_TARGET = 30.0
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    sys.path.insert(0, str(EXAMPLES))
    import digits_mlp

    metrics = digits_mlp.main(["--seed", str(args.seed), "--out", args.out, "--no-progress"])
    seconds = time.perf_counter() - start

    accuracy = metrics["test_accuracy"]
    passed = accuracy >= ACCURACY_TARGET and seconds < SECONDS_TARGET
    print(
        f"main example (seed {metrics['seed']}, {metrics['epochs']} epochs): "
        f"test accuracy {accuracy:.2%} (target >= {ACCURACY_TARGET:.0%}), "
        f"{seconds:.1f} s including imports and plotting (target < {SECONDS_TARGET:.0f} s): "
        f"{'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
