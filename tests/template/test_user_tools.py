"""Rendering adds nothing to the host repository's own formatters, linters and type checkers.

The runtime is committed into the user's repository, so every tool the user runs on
`.` sees it. These tests run the real tools (ruff, black, flake8, mypy, pyright, all
from the test extra) in a real git repository, once with every tool's defaults and
once with a deliberately strict project configuration, before and after a real
`copier copy`, and require the findings to be identical. The user's own badly styled
module must still be reported: exempting the runtime must not blind the tools.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, init_repo, render

BIN = Path(sys.executable).parent

# One module with formatting, lint and type errors that every tool reports, with its
# defaults and under the strict configuration.
BAD_MODULE = """import os,sys
def f(x):
    return x+1 # comment
y = {'a':1, "b" : 2}
z: int = "not an int"
"""

STRICT_PYPROJECT = """[project]
name = "userpkg"
version = "0"
requires-python = ">=3.10"

[tool.ruff]
line-length = 79

[tool.ruff.lint]
select = ["ALL"]

[tool.black]
line-length = 79

[tool.mypy]
strict = true

[tool.pyright]
typeCheckingMode = "strict"
"""

STRICT_SETUP_CFG = "[flake8]\nmax-line-length = 79\n"

# A path to a Python file as the tools print it (relative, ./-prefixed or absolute).
PY_PATH = re.compile(r"[\w./-]*\.py\b")


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a test dependency: pip install -e '.[test]'"
    return found


def tool_runs(targets: tuple[str, ...] = (".",)) -> dict[str, list[str]]:
    """Each tool as a user runs it from the repository root (caches off so runs are independent)."""
    return {
        "ruff check": [tool("ruff"), "check", "--no-cache", "--output-format", "concise", *targets],
        "ruff format": [tool("ruff"), "format", "--no-cache", "--check", *targets],
        "black": [tool("black"), "--check", *targets],
        "flake8": [tool("flake8"), *targets],
        "mypy": [tool("mypy"), "--cache-dir", "/dev/null", *targets],
        "pyright": [tool("pyright"), *targets],
    }


def findings(repo: Path, targets: tuple[str, ...] = (".",)) -> dict[str, tuple[int, list[str]]]:
    """Exit code and the lines that name a Python file, per tool.

    Summary lines ("35 files would be left unchanged") count every file a tool saw,
    including exempt ones, so they are not findings; every finding names its file.
    """
    result: dict[str, tuple[int, list[str]]] = {}
    for name, argv in tool_runs(targets).items():
        proc = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=300)
        output = proc.stdout + proc.stderr
        # A tool that could not run must fail the test, never pass it as "no findings".
        assert proc.returncode in (0, 1), f"{name} could not run ({proc.returncode}):\n{output}"
        lines = sorted(line.strip() for line in output.splitlines() if PY_PATH.search(line))
        result[name] = (proc.returncode, lines)
    return result


def user_repo(path: Path, *, strict: bool) -> Path:
    (path / "src" / "userpkg").mkdir(parents=True)
    (path / "src" / "userpkg" / "__init__.py").write_text("", encoding="utf-8")
    (path / "src" / "userpkg" / "bad.py").write_text(BAD_MODULE, encoding="utf-8")
    if strict:
        (path / "pyproject.toml").write_text(STRICT_PYPROJECT, encoding="utf-8")
        (path / "setup.cfg").write_text(STRICT_SETUP_CFG, encoding="utf-8")
    return init_repo(path)


def config_bytes(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in ("pyproject.toml", "setup.cfg") if (repo / name).exists()}


@pytest.mark.parametrize("strict", [False, True], ids=["tool-defaults", "strict-project-config"])
def test_render_adds_no_findings_to_the_users_tools(tmp_path: Path, strict: bool) -> None:
    repo = user_repo(tmp_path / "user", strict=strict)
    configs = config_bytes(repo)
    before = findings(repo)
    for name, (code, lines) in before.items():
        assert code == 1 and any("bad.py" in line for line in lines), f"{name} missed the user's module: {lines}"

    render(repo)
    assert (repo / ".orchestrator" / "runtime" / "loop" / "state.py").is_file()
    after = findings(repo)

    assert after == before
    assert config_bytes(repo) == configs, "rendering must not edit the user's tool configuration"


def test_runtime_named_explicitly_is_still_exempt(tmp_path: Path) -> None:
    """Pre-commit and editors pass files explicitly, bypassing directory excludes.

    pyright never enters a dot-directory, even when told to, so it is pointed at a
    copy of the runtime outside one: that is where the file-top `# type: ignore` matters.
    """
    repo = render(user_repo(tmp_path / "user", strict=True))
    shutil.copytree(repo / ".orchestrator" / "runtime", repo / "vendored_copy")
    files = tuple(sorted(str(p.relative_to(repo)) for p in (repo / ".orchestrator" / "runtime").rglob("*.py")
                         if "__pycache__" not in p.parts))
    assert len(files) > 20
    for targets in ((".orchestrator/runtime",), files):
        for name, (code, lines) in findings(repo, targets).items():
            assert (code, lines) == (0, []), f"{name} reported the vendored runtime: {lines}"
    pyright = subprocess.run([tool("pyright"), "--outputjson", "vendored_copy"], cwd=repo, capture_output=True,
                             text=True, timeout=300)
    report = json.loads(pyright.stdout)
    assert report["summary"]["filesAnalyzed"] >= len(files), report["summary"]
    assert (pyright.returncode, report["generalDiagnostics"]) == (0, []), report["generalDiagnostics"][:5]


RUNTIME_PRAGMAS = ("# fmt: off", "# flake8: noqa", "# mypy: ignore-errors", "# type: ignore")


@pytest.mark.parametrize("module", sorted(p.relative_to(ROOT / "runtime").as_posix()
                                          for p in (ROOT / "runtime").rglob("*.py") if "__pycache__" not in p.parts))
def test_every_runtime_module_opens_with_the_exemption_pragmas(module: str) -> None:
    """black has no nested config, flake8 no per-directory one: only file-top pragmas reach them.

    A new runtime module without them would put its findings back into every user's tools.
    """
    head: list[str] = []
    for line in (ROOT / "runtime" / module).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        head.append(line)
    missing = [pragma for pragma in RUNTIME_PRAGMAS if pragma not in head]
    assert not missing, f"runtime/{module} must open with {missing} (before any statement)"
