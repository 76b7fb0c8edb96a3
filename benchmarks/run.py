"""The benchmark suite's command line: `python -m benchmarks [--threads N] [--quick] [--repeats R]`.

Thread counts are pinned through the environment before NumPy (and its BLAS) is
imported, so this module imports NumPy only inside `main`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

SECTIONS = ("mlp", "transformer", "chain", "graph", "deep", "import", "example", "conv", "cnn")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time autograd_lite against the same computation written by hand in NumPy.",
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads (default 1)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run of a few seconds")
    parser.add_argument("--repeats", type=int, default=None, help="timed samples per measurement (median)")
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch column")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default=None,
        help="cpu: the process's CPU time (default with one thread); wall: elapsed time (default with more)",
    )
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="run only these benchmarks"
    )
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.repeats is None:
        args.repeats = 3 if args.quick else 11
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.clock is None:
        args.clock = "cpu" if args.threads == 1 else "wall"
    elif args.clock == "cpu" and args.threads > 1:
        parser.error(
            "--clock cpu would add up the CPU time of all threads; use --clock wall with --threads > 1"
        )
    return args


def pin_threads(threads: int) -> None:
    """Limit BLAS threads; effective only when NumPy has not been imported yet."""
    for variable in _THREAD_VARIABLES:
        os.environ[variable] = str(threads)


def _blas_summary(threads: int) -> str:
    import numpy as np

    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(threads)  # in case NumPy was imported before the variables were set
        pools = [
            " ".join(
                str(part) for part in (p["internal_api"], p.get("version"), p.get("architecture")) if part
            )
            + f" ({p['num_threads']} threads)"
            for p in threadpool_info()
        ]
        if pools:
            return "; ".join(pools)
    except ImportError:
        pass
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return f"{blas.get('name')} {blas.get('version')} (threads from ${_THREAD_VARIABLES[0]}={threads})"


def _torch_available(args: argparse.Namespace) -> bool:
    if args.no_torch:
        return False
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(args.threads)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pin_threads(args.threads)
    import numpy as np

    from . import chain, conv, example, graphs, mlp, startup, timing, transformer
    from .timing import format_table

    timing.use_clock(args.clock)

    torch_ok = _torch_available(args)
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {os.cpu_count()} CPUs")
    print(f"BLAS: {_blas_summary(args.threads)}")
    if torch_ok:
        import torch

        print(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)")
    mode = "quick (smoke-test sizes)" if args.quick else "full"
    clock = "CPU time of the process" if args.clock == "cpu" else "wall-clock time"
    print(f"mode: {mode}; {clock}, median of {args.repeats} interleaved samples\n", flush=True)

    sections = {
        "mlp": mlp.run,
        "transformer": transformer.run,
        "chain": chain.run,
        "graph": graphs.big_graph,
        "deep": graphs.deep_chain,
        "import": startup.run,
        "example": example.run,
        "conv": conv.conv_rows,
        "cnn": conv.cnn_rows,
    }
    rows = []
    start = time.perf_counter()
    for name in SECTIONS:
        if name in args.only:
            rows += sections[name](args.quick, args.repeats, torch_ok)
    print(format_table(rows, show_torch=torch_ok))
    print(f"\n(suite took {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
