# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Resolve 'auto' gate commands from what the repository contains.

Detection is deliberately conservative: it only picks a tool whose config file
is present, and otherwise answers 'skip', which `config` shows so nobody is
surprised by a silently disabled gate.
"""

from __future__ import annotations

import json
from pathlib import Path


def _package_scripts(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return scripts if isinstance(scripts, dict) else {}


def _pyproject(root: Path) -> str:
    try:
        return (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return ""


def detect(kind: str, root: Path) -> tuple[str, str]:
    """(command, why) for kind in test | typecheck | lint; command 'skip' when nothing fits."""
    scripts = _package_scripts(root)
    pyproject = _pyproject(root)
    if kind == "test":
        if pyproject or (root / "pytest.ini").exists() or (root / "setup.cfg").exists() or (root / "tests").is_dir():
            return "python3 -m pytest -q", "Python project (pyproject.toml / tests/)"
        if "test" in scripts:
            return "npm test", "package.json has a test script"
        if (root / "go.mod").exists():
            return "go test ./...", "go.mod"
        if (root / "Cargo.toml").exists():
            return "cargo test", "Cargo.toml"
    elif kind == "typecheck":
        if "[tool.mypy]" in pyproject or (root / "mypy.ini").exists():
            return "python3 -m mypy .", "mypy is configured"
        if "typecheck" in scripts:
            return "npm run typecheck", "package.json has a typecheck script"
        if (root / "tsconfig.json").exists():
            return "npx tsc --noEmit", "tsconfig.json"
    elif kind == "lint":
        if "[tool.ruff" in pyproject or (root / "ruff.toml").exists():
            return "ruff check .", "ruff is configured"
        if "lint" in scripts:
            return "npm run lint", "package.json has a lint script"
    return "skip", f"no {kind} tool detected"


def resolve(kind: str, configured: str, root: Path) -> tuple[str, str]:
    """The command a gate should run for `kind`, and where it came from."""
    if configured.strip().lower() == "auto":
        command, why = detect(kind, root)
        return command, f"auto: {why}"
    if configured.strip().lower() == "skip":
        return "skip", "disabled in Session Config"
    return configured, "Session Config"
