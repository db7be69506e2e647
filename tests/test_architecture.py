"""Imports point one way: no module of Guanxi imports, however indirectly, one that imports it
back (at module level, inside functions or for type checking alike), and ``core`` imports no
app at all — apps register with core, not the reverse."""

import ast
from pathlib import Path

import guanxi

ROOT = Path(guanxi.__file__).parent


def import_graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = ["guanxi", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                found = known(target) if target.startswith("guanxi") else None
                if found and found != name:
                    graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    assert cycles(import_graph()) == []


def test_core_imports_no_app() -> None:
    graph = import_graph()
    outside = {
        (module, target)
        for module, targets in graph.items()
        if module.startswith("guanxi.core")
        for target in targets
        if not target.startswith("guanxi.core")
    }
    assert outside == set()


def test_no_template_carries_inline_script() -> None:
    """The Content-Security-Policy allows scripts from this site only: behaviour lives in
    static/guanxi/app.js, never in a <script> block or an on…= attribute of a template."""
    import re

    templates = Path(__file__).resolve().parents[1] / "src" / "guanxi" / "templates"
    offenders = []
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if 'type="application/json"' not in match.group(0):
                offenders.append(f"{path.relative_to(templates)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+=[\"']", text):
            offenders.append(f"{path.relative_to(templates)}: {match.group(0).strip()}")
    assert offenders == []
