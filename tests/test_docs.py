"""The code in README.md and docs/*.md runs as written, and prints what the text shows.

Each file's fenced ```python blocks run in order in one namespace, in a temporary working
directory (files they write do not litter the repository). A ```text block that follows a
python block, with only blank lines between, is that block's printed output: it is compared
with what the block printed (doctest's rules: `...` stands for any text, runs of whitespace
compare equal). Blocks that must not run (shell commands, deliberately failing code) use
another fence language: ```bash, or ```py for Python shown but not run. Relative links and
images must point to files that exist.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\S*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)|src=\"([^\"]+)\"")
CHECKER = doctest.OutputChecker()
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Block:
    language: str
    code: str
    line: int  # where the fence opens, for messages
    output: str | None = None  # the ```text block printed after it, if any


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, each python block with its expected output."""
    text = path.read_text(encoding="utf-8")
    found: list[Block] = []
    previous_end = None
    for match in FENCE.finditer(text):
        language, code = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        follows = previous_end is not None and not text[previous_end : match.start()].strip()
        if language == "text" and follows and found and found[-1].language == "python":
            found[-1].output = code
        else:
            found.append(Block(language, code, line))
        previous_end = match.end()
    return found


def python_blocks(path: Path) -> list[Block]:
    return [block for block in blocks(path) if block.language == "python"]


def needs_dot(path: Path) -> bool:
    return any(re.search(r"\.(render|pipe)\(", block.code) for block in python_blocks(path))


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run_and_print_what_the_text_shows(path, tmp_path, monkeypatch):
    if needs_dot(path) and shutil.which("dot") is None:
        pytest.skip("these blocks render graphs: Graphviz's `dot` is needed")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    for block in python_blocks(path):
        printed = io.StringIO()
        where = f"{path.name}:{block.line}"
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, where, "exec"), namespace)  # noqa: S102 - the docs' own code
        if block.output is not None:
            assert CHECKER.check_output(block.output, printed.getvalue(), OPTIONS), (
                f"{where} printed:\n{printed.getvalue()}\nbut the text shows:\n{block.output}"
            )


def test_every_doc_file_is_checked():
    # The guides all hold code; a file whose blocks silently stopped being `python` would
    # no longer be tested.
    assert sum(len(python_blocks(path)) for path in DOCS) >= 25
    for path in DOCS:
        assert python_blocks(path), f"{path.name} has no python block to run"


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (lower case, punctuation
    dropped, spaces as hyphens)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))  # a "# comment" in code is no heading
    headings = re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_and_headings(path):
    text = path.read_text(encoding="utf-8")
    for match in LINK.finditer(text):
        link = match.group(1) or match.group(2)
        if re.match(r"[a-z]+:", link):
            continue  # a web address
        target, _, anchor = link.partition("#")
        file = path.parent / target if target else path
        assert file.exists(), f"{path.name} links to {target}, which does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file), f"{path.name} links to {link}: no such heading"
