"""The import layers of the package (docs/architecture.md): bottom up, a module imports only from
its own layer or below — at the top of the module or inside a function alike — with no cycle
between modules and no private name (`_x`) taken from another module.

1. leaves      errors, reading (YAML/JSON), citations, i18n, safetext, fileio
2. rulebase    loading, validating and compiling `rules/` — the only source of legal constants
3. models      the FACTS.md contract and the reading of fact patterns into it
4. runtime     running a compiled program: the durable-rules backend, the oracle, the memo,
               the justification log
5. analysis    units, elements, roles, ranking, penalties, consequences, the pipeline
6. render      the text report, the JSON, the HTML pages (Jinja2 templates)
7. wings       audit/, training/, interview/, extract/ — none imports another
8. cli         one module per command group; `launch` (the entry point)

The root package (`classifier/__init__.py`) is the container, not a layer: it imports nothing of
the package when it is imported and forwards the public names (`classify`, `classify_many`,
`FactPattern`, `Findings`) by name on first use; the only name a module takes from it is
`__version__`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "classifier"

LAYERS: dict[str, int] = {
    # 1. leaves
    "classifier.errors": 1,
    "classifier.reading": 1,
    "classifier.citations": 1,
    "classifier.i18n": 1,
    "classifier.safetext": 1,
    "classifier.fileio": 1,
    # 2. the rule base
    "classifier.rulebase": 2,
    "classifier.ruledata": 2,  # the name classifier/extract/ reads the rule base by
    # 3. the contract
    "classifier.models": 3,
    "classifier.records": 3,
    "classifier.loader": 3,
    # 4. running a compiled program
    "classifier.runtime": 4,
    # 5. the analysis
    "classifier.analysis": 5,
    # 6. rendering
    "classifier.render": 6,
    # 7. the wings
    "classifier.audit": 7,
    "classifier.training": 7,
    "classifier.interview": 7,
    "classifier.extract": 7,
    # 8. the command line
    "classifier.cli": 8,
    "classifier.launch": 8,
}
WINGS = ("classifier.audit", "classifier.training", "classifier.interview", "classifier.extract")
# Third-party packages only one part of the package may import.
ONLY_IN = {
    "durable_rules_engine": ("classifier.runtime.durable",),
    "durable": ("classifier.runtime.durable",),
    "jinja2": ("classifier.render",),
    "typer": ("classifier.cli",),
}
ROOT_FORWARDS = ("classify", "classify_many", "FactPattern", "Findings")


def modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


MODULES = modules()


def layer(name: str) -> int | None:
    best = None
    for prefix, n in LAYERS.items():
        if name == prefix or name.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, n)
    return best[1] if best else None


def wing(name: str) -> str | None:
    return next((w for w in WINGS if name == w or name.startswith(w + ".")), None)


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imports(name: str) -> list[tuple[str, list[str], int, bool]]:
    """(imported module, names taken, line, at module top level) for every import of the
    package's own modules in `name`, relative ones resolved; also third-party top names."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    base = name if _is_package(name) else name.rpartition(".")[0]
    top_level = {id(n) for n in tree.body}
    for n in tree.body:  # `if TYPE_CHECKING:` blocks count as the top level
        if isinstance(n, ast.If):
            top_level |= {id(x) for x in n.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out.append((a.name, [], node.lineno, id(node) in top_level))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                mod = ".".join(parts[: len(parts) - node.level + 1])
                mod = f"{mod}.{node.module}" if node.module else mod
            else:
                mod = node.module or ""
            names = [a.name for a in node.names]
            subs = [n for n in names if f"{mod}.{n}" in MODULES]
            for s in subs:
                out.append((f"{mod}.{s}", [], node.lineno, id(node) in top_level))
            rest = [n for n in names if n not in subs]
            if rest or not subs:
                out.append((mod, rest, node.lineno, id(node) in top_level))
    return out


def own(mod: str) -> str | None:
    """The package module an import names (the longest existing prefix), or None if not ours."""
    if mod != "classifier" and not mod.startswith("classifier."):
        return None
    while mod not in MODULES and "." in mod:
        mod = mod.rpartition(".")[0]
    return mod


def graph() -> dict[str, set[str]]:
    g: dict[str, set[str]] = {m: set() for m in MODULES}
    for m in MODULES:
        for mod, _names, _line, _top in imports(m):
            target = own(mod)
            if target and target != m:
                g[m].add(target)
    return g


def test_every_module_has_a_layer() -> None:
    missing = [m for m in MODULES if m != "classifier" and layer(m) is None]
    assert not missing, f"modules with no layer (add them to LAYERS and docs/architecture.md): {missing}"


def test_no_module_imports_a_higher_layer() -> None:
    bad = []
    for m in MODULES:
        if m == "classifier":
            continue
        for mod, names, line, _top in imports(m):
            target = own(mod)
            if target is None or target == m:
                continue
            if target == "classifier":
                if set(names) - {"__version__"}:
                    bad.append(f"{m}:{line} takes {names} from the root package (only __version__)")
                continue
            lm, lt = layer(m), layer(target)
            if lt is not None and lm is not None and lt > lm:
                bad.append(f"{m} (layer {lm}) imports {target} (layer {lt}), line {line}")
            elif lm == lt == 7 and wing(m) != wing(target):
                bad.append(f"{m}:{line} imports {target}: one wing imports another")
    assert not bad, "\n".join(bad)


def test_root_package_imports_nothing_of_its_own_when_imported() -> None:
    tree = ast.parse(MODULES["classifier"].read_text(encoding="utf-8"))
    for node in tree.body:  # what runs on `import classifier` (an `if TYPE_CHECKING:` block does not)
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("classifier")):
            raise AssertionError(f"classifier/__init__.py:{node.lineno} imports from the package when imported")
    import classifier

    for name in ROOT_FORWARDS:
        assert getattr(classifier, name) is not None


def test_no_cycles() -> None:
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_across_modules() -> None:
    bad = []
    for m, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for mod, names, line, _top in imports(m):
            target = own(mod)
            if target and target != m:
                bad += [f"{m}:{line} imports {n} from {target}" for n in names if n.startswith("_") and not n.startswith("__")]
        # `module._name` on a module of the package imported under a name
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                for a in node.names:
                    full = None
                    if isinstance(node, ast.Import):
                        full = a.name
                    else:
                        for mod, _n, line, _t in imports(m):
                            if line == node.lineno and mod.endswith("." + a.name) and mod in MODULES:
                                full = mod
                    if full and own(full) == full and full != m:
                        aliases[a.asname or a.name.split(".")[0]] = full
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                bad.append(f"{m}:{node.lineno} uses {node.value.id}.{node.attr} of {aliases[node.value.id]}")
    assert not bad, "\n".join(bad)


def test_third_party_packages_stay_in_their_place() -> None:
    bad = []
    for m in MODULES:
        for mod, _names, line, _top in imports(m):
            top = mod.split(".")[0]
            if top in ONLY_IN and not any(m == p or m.startswith(p + ".") for p in ONLY_IN[top]):
                bad.append(f"{m}:{line} imports {mod} (only {ONLY_IN[top]})")
    assert not bad, "\n".join(bad)
