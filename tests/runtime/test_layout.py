"""The runtime's shape: packages in layers whose imports point only down, no import cycles,
and no agent named outside `runtime/platforms/`.

The rules keep the floor plan (docs/architecture.md) true. A cycle or an upward import hidden
behind a function-local import still ties two packages together; a platform name in a core
module is a fact that the next agent would have to edit there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import ROOT

RUNTIME = ROOT / "runtime"
PLATFORM_WORD = re.compile(r"\b(claude|codex|cursor|pi)\b", re.IGNORECASE)


def modules() -> dict[str, Path]:
    """Dotted module name (`runtime.platforms.claude`) -> file, for every runtime module."""
    found = {}
    for path in sorted(RUNTIME.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = ("runtime", *path.relative_to(RUNTIME).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a relative `from` import starts at."""
    package = ".".join(name.split(".")[:-1] if path.name != "__init__.py" else name.split("."))
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def import_graph() -> dict[str, set[str]]:
    """Module -> runtime modules it imports, at any depth of the file (function-local imports count)."""
    mods = modules()
    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node) if node.level else (node.module or "")
                # `from . import x` imports the submodule x when there is one, else a name of the package.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in mods else base for alias in node.names]
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "runtime":
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path that starts and ends at the same module, or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


# The floor plan, bottom to top: a module may import from its own package and from packages below it.
LAYERS = ("core", "platforms", "guards", "loop", "learning", "unattended", "hookpath", "commands")
# Imports that run against the layers on purpose, each with its reason. Keep this short.
ALLOWED_UPWARD = {
    # The platform registry (runtime/platforms/__init__.py) is the one place agent names may be written,
    # so it holds the union of the agents' instruction files and project-directory variables. The Session
    # Config lookup and the project root read that union; the registry imports nothing from the runtime
    # (test_the_platform_registry_is_a_leaf), so this cannot grow into a cycle.
    ("runtime.core.config", "runtime.platforms"),
    ("runtime.core.paths", "runtime.platforms"),
}


def layer_of(module: str) -> int:
    """The layer of a runtime module; the entry point (`runtime.__main__`) sits above every layer."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    if module == "runtime.__main__":
        return len(LAYERS)
    raise AssertionError(f"{module} is in no package of the floor plan {LAYERS}: move it into one")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a lower layer to a higher one (or across unknown packages), as text."""
    return sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets
                  if layer_of(target) > layer_of(source) and (source, target) not in ALLOWED_UPWARD)


def test_the_graph_sees_the_imports_it_must() -> None:
    """The checker itself: known edges are found, including function-local and package-relative ones."""
    graph = import_graph()
    assert "runtime.guards.context" in graph["runtime.hookpath.hooks"]
    assert "runtime.platforms" in graph["runtime.hookpath.hooks"]  # a function-local import
    assert "runtime.platforms.jsonhooks" in graph["runtime.platforms.claude"]  # relative, one package down
    assert "runtime.core.toolcall" in graph["runtime.platforms.jsonhooks"]  # `..core.toolcall`


def test_every_module_sits_in_a_layer() -> None:
    """No module loose at the top: each belongs to one package of the floor plan."""
    loose = [name for name in modules() if name not in ("runtime", "runtime.__main__")
             and name.split(".")[1] not in LAYERS]
    assert loose == [], f"move these into a package of the floor plan {LAYERS}: {loose}"


def test_upward_imports_are_found() -> None:
    """The checker itself, on a planted graph: core reaching up into the loop is caught, the reverse is not."""
    graph = {"runtime.core.paths": {"runtime.loop.state"}, "runtime.loop.state": {"runtime.core.paths"}}
    assert upward_imports(graph) == ["runtime.core.paths -> runtime.loop.state"]


def test_imports_point_only_down() -> None:
    """Folded into packages, the import graph is layered: no package imports from one above it, so
    there is no cycle between packages either (a module-level check alone misses both)."""
    found = upward_imports(import_graph())
    assert found == [], ("imports that run up the floor plan " + " < ".join(LAYERS) + ":\n" + "\n".join(found)
                         + "\nmove what both sides share down, or pass it in from above")


def test_the_platform_registry_is_a_leaf() -> None:
    """The allowed upward imports reach only the registry, which must import nothing from the runtime."""
    assert import_graph()["runtime.platforms"] == set()
    assert all(target == "runtime.platforms" for _, target in ALLOWED_UPWARD)


def test_find_cycle_reports_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_runtime_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle == [], "import cycle in the runtime: " + " -> ".join(cycle) + (
        "; move what both sides share into a module of its own")


def test_platform_word_pattern_is_precise() -> None:
    """Whole words only, any case: `spinal`, `epic`, `pip` and `api` are not Pi."""
    hits = ["CLAUDE.md", "hook claude x", "Codex CLI", "cursor", "the Pi agent", "(pi)"]
    misses = ["spinal", "epic", "pip install", "api", "pi_value", "encursored", "claudette"]
    assert all(PLATFORM_WORD.search(text) for text in hits)
    assert not any(PLATFORM_WORD.search(text) for text in misses)


def test_no_platform_is_named_outside_the_platforms_package() -> None:
    offenders = []
    for name, path in modules().items():
        if name == "runtime.platforms" or name.startswith("runtime.platforms."):
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PLATFORM_WORD.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert offenders == [], "agent facts belong in runtime/platforms/<name>.py:\n" + "\n".join(offenders)


def test_the_architecture_page_maps_every_module() -> None:
    """docs/architecture.md names each runtime file by its path inside the runtime."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    files = [path.relative_to(RUNTIME).as_posix() for path in modules().values()]
    unmapped = [rel for rel in files if f"`{rel}`" not in doc
                and not (rel.endswith("/__init__.py") and f"`{rel.split('/')[0]}/`" in doc)]
    assert unmapped == [], f"add these to the module map in docs/architecture.md: {unmapped}"


def test_every_runtime_import_resolves() -> None:
    """A module moved between subpackages leaves `from .x import y` pointing nowhere; such an import
    inside a function only fails when that path runs (a gate, a fallback), so it is checked here."""
    mods = modules()
    missing = []
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node) if node.level else (node.module or "")
                if not base.startswith("runtime"):
                    continue
                if base not in mods:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {base}")
                    continue
                package = mods[base].name == "__init__.py"
                for alias in node.names:
                    if package and f"{base}.{alias.name}" not in mods:
                        source = mods[base].read_text(encoding="utf-8")
                        if not re.search(rf"^(?:def |class )?{re.escape(alias.name)}\b", source, re.MULTILINE) \
                                and not re.search(rf"\b{re.escape(alias.name)}\b", source):
                            missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {base}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("runtime") and alias.name not in mods:
                        missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name}")
    assert not missing, "imports of runtime modules that do not exist:\n" + "\n".join(missing)


def argparse_users() -> list[str]:
    """Every import of argparse (function-local ones included) outside the command layer, as text."""
    found = []
    for name, path in modules().items():
        if name == "runtime.commands" or name.startswith("runtime.commands."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(n == "argparse" or n.startswith("argparse.") for n in names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_argparse_lives_only_in_the_command_layer() -> None:
    """Domain modules expose functions that take plain values; parsing a command line, printing and
    `--json` belong to `runtime/commands/`, so a function can be called without building an argparse
    namespace and a command's interface is read in one place."""
    found = argparse_users()
    assert found == [], "argparse outside runtime/commands/ (move the command's parsing there):\n" + "\n".join(found)


def test_every_command_is_a_module_of_the_command_layer() -> None:
    """The command table points only into `runtime/commands/`, one module per command, and no module
    below it keeps a command's `add_arguments`/`run(args)` pair."""
    from runtime.commands.main import COMMANDS

    outside = {name: module for name, (module, _) in COMMANDS.items() if not module.startswith("commands.")}
    assert outside == {}, f"commands whose module is not in runtime/commands/: {outside}"
    modules_used = [module for module, _ in COMMANDS.values()]
    assert len(modules_used) == len(set(modules_used)), "two commands share one module"
    kept = [f"{path.relative_to(ROOT)}" for name, path in modules().items()
            if not name.startswith("runtime.commands")
            and re.search(r"^def add_arguments\(", path.read_text(encoding="utf-8"), re.MULTILINE)]
    assert kept == [], f"command-line parsing left in domain modules: {kept}"
