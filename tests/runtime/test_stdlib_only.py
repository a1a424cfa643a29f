"""The vendored runtime runs on a bare `python3`: standard library only, small hook path."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, init_repo

RUNTIME = ROOT / "runtime"
# `_sha2` is CPython 3.12's name for the built-in hash module that 3.10/3.11 call `_sha256`;
# sys.stdlib_module_names only lists the running version's names.
ALLOWED_TOP = set(sys.stdlib_module_names) | {"runtime", "__future__", "_sha2", "_sha256"}


def runtime_modules() -> list[Path]:
    return sorted(p for p in RUNTIME.rglob("*.py") if "__pycache__" not in p.parts)


def foreign_imports(path: Path) -> list[str]:
    """Every import in `path` that is neither relative, nor `runtime.*`, nor standard library."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        found.extend(f"{path.name}:{node.lineno}: {name}" for name in names
                     if name.partition(".")[0] not in ALLOWED_TOP)
    return found


def test_runtime_has_modules_to_check() -> None:
    names = {p.name for p in runtime_modules()}
    assert {"__main__.py", "config.py", "hooks.py", "install.py"} <= names


def test_runtime_imports_only_the_standard_library() -> None:
    offenders = [line for path in runtime_modules() for line in foreign_imports(path)]
    assert offenders == [], "the vendored runtime must stay standard library only:\n" + "\n".join(offenders)


def test_the_checker_catches_a_third_party_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom . import config\nimport yaml\n\n"
                      "def f():\n    from requests import get\n")
    assert foreign_imports(sample) == ["sample.py:3: yaml", "sample.py:6: requests"]


def imported_modules(
    repo: Path, event: str, payload: dict, platform: str = "claude"
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    result = subprocess.run(
        # as the agents' hook commands run it
        [sys.executable, "-S", "-X", "importtime", str(RUNTIME / "__main__.py"), "hook", platform, event],
        input=json.dumps(payload), capture_output=True, text=True, env=env, cwd=repo,
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names, result


@pytest.mark.parametrize(
    "payload",
    [
        {"tool_name": "Read", "tool_input": {"file_path": "README.md"}, "session_id": "s1"},
        {"tool_name": "Bash", "tool_input": {"command": "git status"}, "session_id": "s1"},
        {"tool_name": "Edit", "tool_input": {"file_path": "src/app.py", "old_string": "a", "new_string": "b"},
         "session_id": "s1"},
    ],
    ids=["read", "bash", "edit"],
)
def test_hook_path_skips_argparse(tmp_path: Path, payload: dict) -> None:
    repo = init_repo(tmp_path / "repo")
    names, result = imported_modules(repo, "pre-tool-use", payload)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "runtime.hookpath.hooks" in names  # the measurement really saw the hook path
    assert "argparse" not in names
    assert "runtime.cli" not in names
    assert "dataclasses" not in names
    # typing costs a hook call about a millisecond: hook-path modules import it under TYPE_CHECKING only
    assert "typing" not in names
    assert "runtime.loop.records" not in names


@pytest.mark.parametrize("platform", sorted(p.stem for p in (RUNTIME.parent / "platforms").glob("*.yml")))
def test_every_platform_s_hook_path_skips_typing_and_argparse(tmp_path: Path, platform: str) -> None:
    """Each agent's module is on its own hook path: the same import budget holds for all of them."""
    from runtime import platforms

    repo = init_repo(tmp_path / "repo")
    names, result = imported_modules(repo, "pre-tool-use", platforms.get(platform).probe("git status"), platform)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "runtime.hookpath.hooks" in names and "runtime.guards.guard" in names  # the whole judging path ran
    assert not {"typing", "argparse", "dataclasses", "runtime.cli", "runtime.loop.records"} & names
