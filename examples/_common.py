"""Shared plumbing for the example scripts: the command-line options every example has,
the output folder, and a matplotlib that draws to files (never opens a window)."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
from pathlib import Path
from typing import Any

import matplotlib

# Agg renders to files only, so an example never blocks waiting for a window to close.
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from PIL import Image  # noqa: E402 - installed with matplotlib

DEFAULT_OUT = Path("out")

# One text scale for every figure: legends as large as the tick labels, axis labels and
# titles larger, so nothing shrinks below the ticks when a figure is shown at half size.
plt.rcParams.update(
    {
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 12,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "figure.titlesize": 13,
    }
)
# 150 dpi on a figure 10 inches wide gives 1,500 pixels: sharp on a high-resolution screen.
FIGURE_DPI = 150


def make_parser(description: str | None) -> argparse.ArgumentParser:
    """An ArgumentParser with the options every example shares: --out and --fast.

    >>> args = make_parser("demo").parse_args(["--fast"])
    >>> args.fast, str(args.out)
    (True, 'out')
    """
    parser = argparse.ArgumentParser(
        description=(description or "").strip().splitlines()[0] if description else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument(
        "--fast",
        "--quick",
        action="store_true",
        help="a tiny run (fewer iterations) that only checks the script works",
    )
    return parser


def output_dir(path: Path | str) -> Path:
    """Create the output folder (and its parents) if needed and return it."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(fig: Any, folder: Path, filename: str, dpi: int = FIGURE_DPI, palette: bool = True) -> Path:
    """Write `fig` to folder/filename, close it (figures otherwise pile up), return the path.

    At the default 150 dpi a figure 10 inches wide is 1,500 pixels wide. `palette=False`
    keeps a PNG's full colours: images on a continuous colour map band visibly when
    reduced to 256 colours.
    """
    path = Path(folder) / filename
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    if path.suffix == ".png" and palette:
        # A 256-colour palette keeps line plots sharp at a third of the size.
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=256)
        small.save(path, optimize=True)
    return path


def write_graph_svg(graph: Any, path: Path) -> Path | None:
    """Render a `draw_graph` Digraph to an SVG file when Graphviz's `dot` is available.

    Without `dot`, print how to get it and write the DOT text next to where the SVG
    would have gone, so the example still finishes.
    """
    path = Path(path)
    if shutil.which("dot") is None:
        dot_path = path.with_suffix(".dot")
        dot_path.write_text(graph.source)
        print(
            "Graphviz's `dot` program was not found, so the graph was not rendered to SVG.\n"
            "  Install it (Debian/Ubuntu: `sudo apt-get install graphviz`, macOS: `brew install "
            "graphviz`, conda: `conda install graphviz`), or render the DOT text written to "
            f"{dot_path} at https://dreampuf.github.io/GraphvizOnline/"
        )
        return None
    try:
        svg = graph.pipe(format="svg")
    except Exception as error:  # noqa: BLE001 - any rendering failure should not stop the example
        print(f"Could not render the graph to SVG ({error}); continuing without it.")
        return None
    path.write_bytes(svg)
    return path


class _SummaryLine:
    """Stands in for a tqdm bar when output is not a terminal: it keeps the last postfix
    and prints one line when closed, so a log file gets one line per epoch, not dozens."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.postfix: dict[str, Any] = {}

    def __enter__(self) -> _SummaryLine:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if exc_info[0] is None:
            fields = " ".join(f"{key}={value}" for key, value in self.postfix.items())
            print(f"{self.desc}: {fields}".rstrip(": "), flush=True)

    def set_postfix(self, refresh: bool = True, **values: Any) -> None:
        self.postfix = values

    def update(self, n: int = 1) -> None:
        pass


def epoch_bar(total: int, desc: str, enabled: bool = True, unit: str = "batch") -> Any:
    """A progress bar for one epoch: tqdm's on a terminal, otherwise one summary line
    printed when the epoch ends (with the last `set_postfix` values).

    >>> with epoch_bar(total=2, desc="epoch 1/1", enabled=False) as bar:
    ...     bar.set_postfix(loss="0.5")
    ...     bar.update()
    """
    if not enabled:
        from tqdm import tqdm

        return tqdm(total=total, disable=True)
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit=unit)
    return _SummaryLine(desc)


def blas_threads(threads: int | None) -> Any:
    """A context manager that limits NumPy's BLAS to `threads` threads (None: leave it).

    The examples multiply small matrices, for which a second BLAS thread costs more than
    it saves, and far more when other programs keep the cores busy: on 2 busy cores, 2
    threads made regularization.py take 234 s instead of 15 s, and digits_cnn.py's
    training 41 s instead of 5.6 s. (A different thread count also changes the rounding
    of sums, so the numbers differ in the last digits.)

    >>> with blas_threads(1):
    ...     pass
    """
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")
