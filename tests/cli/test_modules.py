"""The CLI's floor plan: every module mapped in docs/architecture.md, imports without a cycle, and
`cli.py` the only module that builds the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "src" / "session_orchestrator"


def imports(path: Path) -> set[str]:
    """The package's own modules that `path` imports (at the top or inside a function)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "session_orchestrator":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("session_orchestrator."):
            found.add(str(node.module).split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names
                      if alias.name.startswith("session_orchestrator.")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    return {path.stem: imports(path) & modules - {path.stem} for path in sorted(PACKAGE.glob("*.py"))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in trail:
                cycle = trail[trail.index(nxt):]
                if min(cycle) == cycle[0]:
                    found.append([*cycle, nxt])
            else:
                walk(nxt, [*trail, nxt])

    for start in sorted(edges):
        walk(start, [start])
    return found


def test_every_module_is_mapped_in_the_architecture_page() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The lifecycle CLI"):]
    section = section[:section.index("\n## ", 1)]
    unmapped = sorted(path.name for path in PACKAGE.glob("*.py") if f"`{path.name}`" not in section)
    assert unmapped == [], f"add these to 'The lifecycle CLI' in docs/architecture.md: {unmapped}"


def test_imports_have_no_cycle_and_nothing_imports_the_command_line() -> None:
    edges = graph()
    assert cycles(edges) == []
    assert sorted(name for name, targets in edges.items() if "cli" in targets) == ["__main__"]


def test_the_checks_see_what_they_look_for() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert {"doctor", "errors", "console", "repo_runtime"} <= graph()["update"] | graph()["doctor"]


def test_only_the_command_line_builds_typer_commands() -> None:
    builders = sorted(path.name for path in PACKAGE.glob("*.py")
                      if "typer.Typer(" in path.read_text(encoding="utf-8") or "@app." in path.read_text())
    assert builders == ["cli.py"]
