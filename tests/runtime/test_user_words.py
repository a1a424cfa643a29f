"""What the runtime prints reads right in a user's repository, where this project's docs/ does not exist."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from tests.helpers import ROOT

RUNTIME = ROOT / "runtime"
DOC_PAGE = re.compile(r"\bdocs/[\w-]+\.md\b")


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string nodes that are docstrings: read by people with the source open, not printed."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_message_points_at_a_page_of_this_projects_docs() -> None:
    found = []
    for path in sorted(RUNTIME.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                found += [f"{path.relative_to(RUNTIME)}:{node.lineno}: {hit}" for hit in DOC_PAGE.findall(node.value)]
    assert found == []


def test_help_names_only_commands() -> None:
    result = subprocess.run([sys.executable, str(RUNTIME), "--help"], capture_output=True, text=True, check=True)
    assert "hook <platform> <event>" in result.stdout
    assert "docs/" not in result.stdout
