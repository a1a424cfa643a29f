# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Which command runs the project's end-to-end or integration suite, if it has one.

The unit tests run in every gate; the slower suite that drives the whole program
(a browser, a server, a database) usually sits apart, under a name of its own. It
is looked for in a fixed order, the first hit wins, and every place looked at is
kept so "there is none" can say where it looked:

1. `e2e-command` in the Session Config (`skip` means the project has none);
2. a Playwright or Cypress config file (run through npx with a JUnit report, so
   each failure comes back with its message and location);
3. a `package.json` script named for such a suite (`test:e2e`, `e2e`, ...);
4. a pytest folder (`tests/e2e`, `tests/integration`, ...) holding test files;
5. a pytest marker named `e2e` or `integration` declared in the pytest config.

A scope (a spec file, a folder, a test id) is passed to the runner as one more
argument, quoted for the shell.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

PLAYWRIGHT = tuple(f"playwright.config.{ext}" for ext in ("ts", "js", "mjs", "cjs", "mts", "cts"))
CYPRESS = (*(f"cypress.config.{ext}" for ext in ("ts", "js", "mjs", "cjs", "mts", "cts")), "cypress.json")
SCRIPTS = ("test:e2e", "e2e", "test:integration", "integration", "test-e2e", "e2e:test", "test:int")
FOLDERS = ("tests/e2e", "tests/integration", "test/e2e", "test/integration", "e2e", "integration",
           "integration_tests", "tests/functional")
MARKERS = ("e2e", "integration")
PYTEST_CONFIGS = (("pytest.ini", "pytest"), ("pyproject.toml", "tool.pytest.ini_options"), ("tox.ini", "pytest"),
                  ("setup.cfg", "tool:pytest"))
# Where a runner that writes its own JUnit files (Playwright, Cypress) is told to put them.
REPORT_DIR = Path(".orchestrator") / "state" / "e2e"


def report_dir(root: Path) -> Path:
    return root / REPORT_DIR


def _pytest_markers(root: Path) -> list[tuple[str, str]]:
    """(marker, where) for each suite marker declared in a pytest config."""
    from .detect import read_text, section

    found = []
    for name, header in PYTEST_CONFIGS:
        body = section(read_text(root / name), header)
        if body is None:
            continue
        for marker in MARKERS:
            if re.search(rf"(?m)^\s*[\"']?{marker}\b\s*(?::|[\"',]|$)", body):
                found.append((marker, f"{name} [{header}] declares the '{marker}' marker"))
    return found


def _python(root: Path) -> str:
    from .detect import python_env

    env = python_env(root)
    return f"{env.python} -m pytest -q" if env.venv or env.runner else "python3 -m pytest -q"


def detect(root: Path, configured: str = "auto") -> dict[str, Any]:
    """{'command', 'runner', 'why', 'looked'}; command is '' when the project has no such suite."""
    from .detect import node_runner, package_scripts

    looked: list[str] = []
    value = configured.strip()
    if value.lower() == "skip":
        return {"command": "", "runner": "", "why": "e2e-command is 'skip' in the Session Config", "looked": looked}
    if value and value.lower() != "auto":
        return {"command": value, "runner": "", "why": "e2e-command in the Session Config", "looked": looked}
    looked.append("e2e-command in the Session Config (auto)")
    out = report_dir(root)
    for name in PLAYWRIGHT:
        if (root / name).is_file():
            return {"command": "npx playwright test --reporter=line,junit", "runner": "playwright",
                    "why": f"{name} configures Playwright", "looked": looked,
                    "env": {"PLAYWRIGHT_JUNIT_OUTPUT_NAME": str((out / "playwright.xml").resolve())}}
    looked.append("a Playwright config (" + ", ".join(PLAYWRIGHT[:2]) + ", ...)")
    for name in CYPRESS:
        if (root / name).is_file():
            target = shlex.quote(f"mochaFile={(out / 'cypress-[hash].xml').resolve()}")
            return {"command": f"npx cypress run --reporter junit --reporter-options {target}", "runner": "cypress",
                    "why": f"{name} configures Cypress", "looked": looked}
    looked.append("a Cypress config (" + ", ".join(CYPRESS[:2]) + ", ...)")
    scripts = package_scripts(root)
    for name in SCRIPTS:
        if name in scripts:
            node = node_runner(root)
            return {"command": f"{node} run {name}", "runner": node, "why": f"package.json has a '{name}' script",
                    "looked": looked, "pass_args": "--"}
    looked.append("a package.json script (" + ", ".join(SCRIPTS[:4]) + ", ...)")
    for folder in FOLDERS:
        path = root / folder
        if path.is_dir() and any(p.is_file() for p in (*path.rglob("test_*.py"), *path.rglob("*_test.py"))):
            return {"command": f"{_python(root)} {folder}", "runner": "pytest",
                    "why": f"{folder}/ holds pytest files", "looked": looked, "folder": folder}
    looked.append("a pytest folder (" + ", ".join(FOLDERS[:4]) + ", ...)")
    markers = _pytest_markers(root)
    if markers:
        marker, why = markers[0]
        return {"command": f"{_python(root)} -m {marker}", "runner": "pytest", "why": why, "looked": looked}
    looked.append("a pytest marker named " + " or ".join(MARKERS))
    return {"command": "", "runner": "", "why": "no end-to-end or integration suite found", "looked": looked}


def with_scope(found: dict[str, Any], scope: str) -> str:
    """The suite's command narrowed to `scope` (a spec, a folder, a test id), or the whole suite."""
    command = str(found["command"])
    if not scope:
        return command
    if found.get("folder"):  # the scope replaces the folder: a path inside it, or a test id
        command = command[: -len(found["folder"])].rstrip()
    joiner = f" {found['pass_args']} " if found.get("pass_args") else " "
    return f"{command}{joiner}{shlex.quote(scope)}"
