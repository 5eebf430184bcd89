"""The import graph of ``src/gwangyang``: no cycles between modules, and the domain never imports the interfaces.

Imports under ``if TYPE_CHECKING:`` and imports of a package's ``__init__`` (its face) are left out, as in
``../shared/tools/importgraph.py``. Function-level imports count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "gwangyang"
DOMAIN = ("battery", "port", "logistics", "factory", "optimize", "store")
INTERFACES = ("api", "cli", "web", "demo")


def modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        out[name] = path
    return out


def _targets(current: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = current.split(".") if is_package else current.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [f"{prefix}.{a.name}" for a in node.names] + [prefix]


def edges() -> dict[str, set[str]]:
    """Module -> modules it imports (resolved to the longest known module; ``__init__`` targets left out)."""
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in skipped:
                continue
            for target in _targets(name, path.name == "__init__.py", node):
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and mods[target].name != "__init__.py":
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_cycles_between_modules() -> None:
    found = cycles(edges())
    assert [sorted(c) for c in found] == []


def test_domain_never_imports_the_interfaces() -> None:
    graph = edges()
    faces = tuple(f"{PACKAGE}.{face}" for face in INTERFACES)
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.split(".")[1:2] and module.split(".")[1] in DOMAIN
        for target in targets
        if any(target == face or target.startswith(face + ".") for face in faces)
    )
    assert wrong == []


def _is_service(module: str) -> bool:
    """Whether ``module`` is a part's service: ``<part>.service`` or ``<part>.<use case>_service``."""
    last = module.rpartition(".")[2]
    return last == "service" or last.endswith("_service")


def test_the_interfaces_reach_the_parts_only_through_their_services() -> None:
    """The CLI, the API's routes and pages and the demo import a part's services (and the store), nothing below.

    A part's service is its ``service`` module or package, or a ``<use case>_service`` module beside it
    (``logistics.forecast_service``).
    """
    graph = edges()
    faces = tuple(f"{PACKAGE}.{face}" for face in INTERFACES)
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if any(module == face or module.startswith(face + ".") for face in faces)
        for target in targets
        if target.split(".")[1:2]
        and target.split(".")[1] in DOMAIN
        and target.split(".")[1] != "store"
        and not _is_service(target)
    )
    assert wrong == []


def test_pages_never_import_routes() -> None:
    graph = edges()
    wrong = sorted(
        f"{m} -> {t}"
        for m, targets in graph.items()
        if m.startswith(f"{PACKAGE}.api.pages")
        for t in targets
        if t.startswith(f"{PACKAGE}.api.routes")
    )
    assert wrong == []


def test_the_service_rule_names_only_service_modules() -> None:
    assert _is_service("gwangyang.logistics.service") and _is_service("gwangyang.logistics.forecast_service")
    assert not _is_service("gwangyang.logistics.forecast") and not _is_service("gwangyang.port.service.page")
    assert not _is_service("gwangyang.logistics.services")


def test_the_helper_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_each_part_exports_its_public_api() -> None:
    from gwangyang.battery import CycleLifeRegressor, read_cycler
    from gwangyang.battery.life import CycleLifeRegressor as Home
    from gwangyang.logistics import solve
    from gwangyang.port import simulate
    from gwangyang.store import Store, artifacts

    assert CycleLifeRegressor is Home and callable(read_cycler) and callable(solve) and callable(simulate)
    assert Store.__module__ == "gwangyang.store.store" and artifacts.__name__ == "gwangyang.store.artifacts"
