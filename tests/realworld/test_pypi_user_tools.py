"""Rendering into a real project leaves that project's own tools' findings unchanged.

The same pinned PyPI projects as test_pypi_projects.py (see projects.py for the
sdist cache and the network use). Each tool runs from this suite's environment the
way a contributor runs it from the repository root: once as the project configures
it, and once with the tool's defaults (its config ignored). The runtime keeps itself
out of these tools with per-directory configuration and file-top pragmas; this test
holds that to real code bases, not only to a synthetic one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.loop.detect import _mypy_config
from tests.helpers import git, render
from tests.realworld.projects import PROJECTS, Project, unpack

BIN = Path(sys.executable).parent
PY_PATH = re.compile(r"[\w./-]*\.pyi?\b")


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a test dependency: pip install -e '.[test]'"
    return found


def runs(repo: Path, project: Project) -> dict[str, list[str]]:
    configured = _mypy_config(repo)
    mypy_targets = [] if configured and configured[1] else list(project.mypy_targets)
    return {
        "ruff check (project config)": [tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."],
        "ruff check (defaults)": [tool("ruff"), "check", "--isolated", "--no-cache", "--output-format", "concise",
                                  "."],
        "ruff format (project config)": [tool("ruff"), "format", "--no-cache", "--check", "."],
        "ruff format (defaults)": [tool("ruff"), "format", "--isolated", "--no-cache", "--check", "."],
        "mypy (project config)": [tool("mypy"), "--cache-dir", "/dev/null", *mypy_targets],
        "mypy (defaults)": [tool("mypy"), "--config-file", "", "--cache-dir", "/dev/null", *project.mypy_targets],
        "flake8 (project config)": [tool("flake8"), "."],
        "flake8 (defaults)": [tool("flake8"), "--isolated", "."],
    }


def findings(repo: Path, project: Project) -> dict[str, tuple[int, list[str]]]:
    """Exit code and every output line that names a Python file, per tool run."""
    out = {}
    for name, argv in runs(repo, project).items():
        proc = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=600)
        text = proc.stdout + proc.stderr
        # a tool that could not check the code (exit 2: usage, config, duplicate modules) proves nothing
        assert proc.returncode in (0, 1), f"{name} could not run ({proc.returncode}):\n{text[-2000:]}"
        out[name] = (proc.returncode, sorted(line.strip() for line in text.splitlines() if PY_PATH.search(line)))
    return out


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_render_adds_no_findings_to_a_real_projects_tools(tmp_path: Path, project: Project) -> None:
    repo = unpack(project, tmp_path / project.name)
    before = findings(repo, project)
    assert any(lines for _, lines in before.values()), "the tools found nothing at all: are they really running?"
    render(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "session-orchestrator")
    assert (repo / ".orchestrator" / "runtime" / "loop" / "gates.py").is_file()
    after = findings(repo, project)
    for name in before:
        assert after[name] == before[name], f"{name} changed after rendering"
