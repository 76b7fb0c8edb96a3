"""The package's structure: no import circles inside autograd_lite, nothing that rests on
the interpreter's reference counts, and nn/optim using only autograd_lite's public names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograd_lite"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set) -> set:
    """The autograd_lite modules `path` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name and not t.startswith(name + "."))
    return found - {"autograd_lite"}


def _cycle(graph: dict) -> list | None:
    """One import circle of `graph`, or None (an iterative depth-first search)."""
    state: dict = {}
    for start in graph:
        if start in state:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = "done"
            elif state.get(child) == "open":
                return path[path.index(child) :] + [child]
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    return None


def test_autograd_lite_has_no_import_circle():
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: _imports(path, set(files)) for name, path in files.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_behaviour_rests_on_reference_counts():
    for folder in ("autograd_lite", "nn", "optim"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "getrefcount" not in path.read_text(), path


def test_nn_and_optim_use_only_public_names_of_autograd_lite():
    private = []
    for folder in ("nn", "optim"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd_lite"):
                    names = [node.module, *(alias.name for alias in node.names)]
                    private += [
                        f"{path.name}: {n}" for n in names if any(p.startswith("_") for p in n.split("."))
                    ]
                if isinstance(node, ast.Attribute) and node.attr in (
                    "_data",
                    "_grad",
                    "_make",
                    "_requires_grad",
                ):
                    private.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert not private, private
