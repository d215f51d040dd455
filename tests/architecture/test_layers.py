"""The package's layers, checked from the source: no module imports a layer above its own, and no cycle.

The picture in docs/concepts/architecture.md is this table; a new package must be placed in it here.
Every import counts, also inside functions and ``if TYPE_CHECKING:`` blocks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

#: Lowest first. Packages on the same rank must not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("qbnn.errors", "qbnn._moved"),
    ("qbnn.core",),
    ("qbnn.model",),
    ("qbnn.simulator", "qbnn.landscape"),
    ("qbnn.compile",),
    ("qbnn.problem",),
    ("qbnn.engines",),
    ("qbnn.search", "qbnn.baselines"),
    ("qbnn.classifier",),
    ("qbnn.backtracking", "qbnn.hardware"),
    ("qbnn.figures",),
    ("qbnn.experiments",),
    ("qbnn.testing",),
    ("qbnn.cli",),
    ("qbnn.__main__",),
]


def _unit(module: str) -> str | None:
    """The layer entry (package or module) a dotted module name belongs to, or None for the package root."""
    for rank in LAYERS:
        for unit in rank:
            if module == unit or module.startswith(unit + "."):
                return unit
    return None


RANK = {unit: i for i, rank in enumerate(LAYERS) for unit in rank}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "qbnn" or name.startswith("qbnn.")}


def _edges() -> list[tuple[str, str, str]]:
    """(importing module, imported module, file) for every qbnn import in the package."""
    edges = []
    for path in sorted((SRC / "qbnn").rglob("*.py")):
        module = _module_name(path)
        for target in _imports(path):
            edges.append((module, target, str(path.relative_to(SRC))))
    return edges


def test_every_module_belongs_to_a_layer():
    modules = {_module_name(p) for p in (SRC / "qbnn").rglob("*.py")}
    loose = sorted(m for m in modules if m != "qbnn" and _unit(m) is None)
    assert not loose, f"place these in LAYERS (and in docs/concepts/architecture.md): {loose}"


def test_no_module_imports_a_layer_above_its_own_or_a_sibling_layer():
    upward = []
    for module, target, path in _edges():
        source_unit, target_unit = _unit(module), _unit(target)
        if source_unit is None or target_unit is None or source_unit == target_unit:
            continue  # the package root re-exports lazily; a unit may import itself
        if RANK[target_unit] >= RANK[source_unit]:
            upward.append(f"{path}: {module} imports {target}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_the_simulator_knows_no_bnn():
    forbidden = ("qbnn.model", "qbnn.problem", "qbnn.compile", "qbnn.engines", "qbnn.landscape", "qbnn.search")
    found = [f"{path}: {target}" for module, target, path in _edges() if module.startswith("qbnn.simulator") and target.startswith(forbidden)]
    assert not found, found


@pytest.mark.parametrize("entry", ["qbnn.core.cluster"])
def test_the_dask_client_is_a_leaf(entry):
    found = [target for module, target, _ in _edges() if module == entry]
    assert all(t == "qbnn" or t.startswith("qbnn.errors") for t in found), found  # its version, its errors


def test_no_import_cycle_between_modules():
    """Tarjan's strongly connected components over module-to-module imports (modules, not names)."""
    modules = {_module_name(p) for p in (SRC / "qbnn").rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, target, _ in _edges():
        while target and target not in modules:  # a name imported from a module: its module
            target = target.rpartition(".")[0]
        if target and target != module and target != "qbnn" and module != "qbnn":
            graph[module].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_architecture_page_shows_every_layer_in_order():
    """docs/concepts/architecture.md draws LAYERS top-down: every unit appears, higher ranks above lower ones."""
    page = (SRC.parent / "docs" / "concepts" / "architecture.md").read_text(encoding="utf-8")
    picture = page.split("```")[1]
    line_of = {}
    for number, line in enumerate(picture.splitlines()):
        for unit in RANK:
            if f" {unit} " in f" {line} " and unit not in line_of:
                line_of[unit] = number
    missing = sorted(u for u in RANK if u not in line_of and u != "qbnn._moved")
    assert not missing, f"the architecture picture lacks {missing}"
    for a in line_of:
        for b in line_of:
            if RANK[a] > RANK[b]:
                assert line_of[a] < line_of[b], f"{a} is drawn below {b}"


def test_nothing_in_the_repository_points_outside_it():
    root = SRC.parent
    offenders = []
    for path in [*root.glob("src/**/*.py"), *root.glob("docs/**/*.md"), *root.glob("tests/**/*.py"), root / "README.md"]:
        text = path.read_text(encoding="utf-8")
        if "DESIGN.md" in text or "STYLE.md" in text or "../shared" in text:
            offenders.append(str(path.relative_to(root)))
    offenders = [o for o in offenders if o != "tests/architecture/test_layers.py"]
    assert not offenders, offenders
