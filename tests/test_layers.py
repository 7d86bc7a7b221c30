"""The import graph: every import points down the layers, and no two packages import each other.

Layers, bottom first: ``core`` (imports nothing of ours) < ``vectorstore`` < ``ingest`` (which writes into the stores) < ``app`` < ``eval`` <
``app.cli``. Inside ``app`` the sub-packages (question, figures, text, backends, web, scoring) and the top
modules form a graph with no cycle. Function-level imports count the same as module-level ones.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ingest", "vectorstore", "app", "eval")
RANK = {"core": 0, "vectorstore": 1, "ingest": 2, "app": 3, "eval": 4, "app.cli": 5}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _layer(module: str) -> str:
    return "app.cli" if module == "app.cli" else module.split(".")[0]


def _unit(module: str) -> str:
    """The node of the app graph: a sub-package (app.figures) or a top module (app.pipeline)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _edges() -> list[tuple[str, str]]:
    mods = _modules()
    edges = []
    for name, path in mods.items():
        for target in _imports(path):
            while target not in mods and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in mods and target != name:
                edges.append((name, target))
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    seen: set[str] = set()
    out = []

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            out.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        for nxt in sorted(graph[node]):
            visit(nxt, stack + [node])

    for node in sorted(graph):
        visit(node, [])
    return out


def test_no_import_runs_up_a_layer() -> None:
    upward = [f"{a} -> {b}" for a, b in _edges() if RANK[_layer(b)] > RANK[_layer(a)]]
    assert not upward, "imports that run upward:\n" + "\n".join(sorted(set(upward)))


def test_no_cycle_between_app_subpackages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in _edges():
        if a.startswith("app.") and b.startswith("app.") and _unit(a) != _unit(b):
            graph[_unit(a)].add(_unit(b))
            graph.setdefault(_unit(b), set())
    assert not _cycles(graph), f"cycles between app sub-packages: {_cycles(graph)}"


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a core module importing app is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from app.pipeline import Assistant\n", encoding="utf-8")
    assert _imports(bad) == {"app.pipeline", "app.pipeline.Assistant"}
    assert RANK[_layer("app.pipeline")] > RANK[_layer("core.bad")]
    assert _cycles({"a": {"b"}, "b": {"a"}})
