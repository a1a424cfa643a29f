# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Resolve 'auto' gate commands the way the project itself runs its checks.

A gate that runs the suite with the wrong interpreter does not test the project:
`python3 -m pytest` in a repository whose dependencies live in `.venv` fails with
"No module named pytest" before a single test runs. So detection first finds the
project's environment, then each tool from the project's own config files, and
every answer carries the file that decided it, which `config` prints.

Order for Python environments (first match wins; documented in docs/session-config.md):
  1. an existing `.venv/` or `venv/` (its own interpreter, no activation needed)
  2. `uv.lock` -> `uv run`
  3. `poetry.lock` -> `poetry run`
  4. `pdm.lock` -> `pdm run`
  5. hatch environments (`[tool.hatch.envs.*]` or `hatch.toml`) -> `hatch run`
  6. tox (`tox.ini`, `[tool.tox]`, `tox.toml`) -> `tox -e py` for tests only
  7. a nox session named `tests` or `test` -> `nox -s <name>` for tests only
  8. otherwise `python3` from PATH

Detection is deliberately conservative: it only picks a tool whose config file is
present, and otherwise answers 'skip', which `config` shows so nobody is
surprised by a silently disabled gate.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

PY_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _package_json(root: Path) -> dict[str, object]:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def package_scripts(root: Path) -> dict[str, str]:
    scripts = _package_json(root).get("scripts")
    return scripts if isinstance(scripts, dict) else {}


def _section(text: str, header: str) -> str | None:
    """The body of an INI or TOML section `[header]`, or None when it is absent."""
    match = re.search(rf"(?m)^\[{re.escape(header)}\]\s*$", text)
    if not match:
        return None
    rest = text[match.end():]
    end = re.search(r"(?m)^\[", rest)
    return rest[:end.start()] if end else rest


def _has_key(body: str | None, *keys: str) -> bool:
    return body is not None and any(re.search(rf"(?m)^{key}\s*=", body) for key in keys)


class Env:
    """How the project runs its Python tools: a prefix for `python -m`, and one for console scripts."""

    def __init__(self, python: str, runner: str, why: str, venv: str = "") -> None:
        self.python, self.runner, self.why, self.venv = python, runner, why, venv

    def tool(self, root: Path, binary: str, module: str = "") -> tuple[str, str]:
        """(command prefix, note) for a tool: from the environment when it is installed there.

        `module` names tools that also run as `python -m <module>`, which is how a plain
        interpreter without an environment reaches them.
        """
        if self.venv:
            if (root / self.venv / "bin" / binary).exists():
                return f"{self.venv}/bin/{binary}", f"installed in {self.venv}/"
            if shutil.which(binary):
                return binary, f"not installed in {self.venv}/, so the one on PATH"
            return f"{self.python} -m {module or binary}", f"expected in {self.venv}/ (not installed there yet)"
        if self.runner:
            return f"{self.runner} {binary}", self.why
        return (f"{self.python} -m {module}" if module else binary), self.why


def python_env(root: Path) -> Env:
    """The project's own Python environment (see the module docstring for the order)."""
    for venv in (".venv", "venv"):
        if (root / venv / "bin" / "python").exists():
            return Env(f"{venv}/bin/python", "", f"{venv}/ exists", venv)
    pyproject = _read(root / "pyproject.toml")
    for lock, tool in (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm")):
        if (root / lock).exists():
            return Env(f"{tool} run python", f"{tool} run", f"{lock} exists")
    if "[tool.hatch.envs" in pyproject or (root / "hatch.toml").exists():
        return Env("hatch run python", "hatch run", "hatch environments are configured")
    return Env("python3", "", "no project environment (.venv, uv, poetry, pdm, hatch) found")


def _is_python(root: Path) -> bool:
    return any((root / marker).exists() for marker in PY_MARKERS) or any(
        (root / folder).is_dir() and any((root / folder).glob("test*.py")) for folder in ("tests", "test", "testing"))


def _tox(root: Path) -> str:
    if _section(_read(root / "tox.ini"), "tox") is not None or (root / "tox.ini").exists():
        return "tox.ini"
    if "[tool.tox" in _read(root / "pyproject.toml"):
        return "pyproject.toml [tool.tox]"
    return "tox.toml" if (root / "tox.toml").exists() else ""


def _nox_session(root: Path) -> str:
    text = _read(root / "noxfile.py")
    match = re.search(r"(?m)^def (tests?)\(", text)
    return match.group(1) if match and "@nox.session" in text else ""


def _node_runner(root: Path) -> str:
    if (root / "pnpm-lock.yaml").exists():
        return "pnpm"
    if (root / "yarn.lock").exists():
        return "yarn"
    return "npm"


def _mypy_config(root: Path) -> tuple[str, bool] | None:
    """(file that configures mypy, whether it names what to check) or None."""
    for name, header in (("mypy.ini", "mypy"), (".mypy.ini", "mypy"), ("pyproject.toml", "tool.mypy"),
                         ("setup.cfg", "mypy")):
        body = _section(_read(root / name), header)
        if body is not None:
            return f"{name} [{header}]", _has_key(body, "files", "packages", "modules")
    return None


def _flake8_config(root: Path) -> str:
    if (root / ".flake8").exists():
        return ".flake8"
    for name in ("setup.cfg", "tox.ini"):
        if _section(_read(root / name), "flake8") is not None:
            return f"{name} [flake8]"
    return ""


def _ruff_config(root: Path) -> str:
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).exists():
            return name
    return "pyproject.toml [tool.ruff]" if "[tool.ruff" in _read(root / "pyproject.toml") else ""


ESLINT_CONFIGS = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ".eslintrc",
                  ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml")


def detect(kind: str, root: Path) -> tuple[str, str]:
    """(command, why) for kind in test | typecheck | lint; command 'skip' when nothing fits."""
    scripts = package_scripts(root)
    env = python_env(root)
    node = _node_runner(root)
    if kind == "test":
        if _is_python(root):
            if env.venv or env.runner:
                return f"{env.python} -m pytest -q", f"{env.why}; Python project"
            tox = _tox(root)
            if tox and shutil.which("tox"):
                return "tox -e py", f"{tox} configures tox (tox is on PATH)"
            session = _nox_session(root)
            if session and shutil.which("nox"):
                return f"nox -s {session}", f"noxfile.py has a '{session}' session (nox is on PATH)"
            return "python3 -m pytest -q", f"{env.why}; Python project"
        if "test" in scripts:
            return f"{node} test", f"package.json has a test script ({node}: lockfile)"
        if (root / "go.mod").exists():
            return "go test ./...", "go.mod"
        if (root / "Cargo.toml").exists():
            return "cargo test", "Cargo.toml"
    elif kind == "typecheck":
        mypy = _mypy_config(root)
        if mypy:
            where, targets = mypy
            prefix, note = env.tool(root, "mypy", "mypy")
            return prefix + ("" if targets else " ."), f"mypy is configured in {where}; {note}"
        pyproject = _read(root / "pyproject.toml")
        if ((root / "pyrightconfig.json").exists() or "[tool.pyright]" in pyproject):
            prefix, note = env.tool(root, "pyright")
            where = "pyrightconfig.json" if (root / "pyrightconfig.json").exists() else "pyproject.toml [tool.pyright]"
            return prefix, f"pyright is configured in {where}; {note}"
        if "typecheck" in scripts:
            return f"{node} run typecheck", "package.json has a typecheck script"
        if (root / "tsconfig.json").exists():
            return "npx tsc --noEmit", "tsconfig.json"
    elif kind == "lint":
        ruff = _ruff_config(root)
        if ruff:
            prefix, note = env.tool(root, "ruff")
            return f"{prefix} check --no-fix .", f"ruff is configured in {ruff}; {note}"
        flake8 = _flake8_config(root)
        if flake8:
            prefix, note = env.tool(root, "flake8", "flake8")
            return prefix, f"flake8 is configured in {flake8}; {note}"
        if "lint" in scripts:
            return f"{node} run lint", "package.json has a lint script"
        eslint = next((name for name in ESLINT_CONFIGS if (root / name).exists()), "")
        if eslint:
            return "npx eslint .", f"{eslint} configures eslint"
    return "skip", f"no {kind} tool detected"


def resolve(kind: str, configured: str, root: Path) -> tuple[str, str]:
    """The command a gate should run for `kind`, and where it came from."""
    from .readonly import check_mode

    if configured.strip().lower() == "auto":
        command, why = detect(kind, root)
        command, note = check_mode(kind, command)
        return command, f"auto: {why}" + (f"; {note}" if note else "")
    if configured.strip().lower() == "skip":
        return "skip", "disabled in Session Config"
    command, note = check_mode(kind, configured)
    return command, "Session Config" + (f"; {note}" if note else "")


# For the modules that detect other suites the same way (loop/e2edetect.py).
read_text, section, node_runner = _read, _section, _node_runner
