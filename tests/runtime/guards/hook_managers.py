"""The real git hook managers the backstop must sit beside, installed once into a cache.

The backstop's promise is about other tools' files (the pre-commit framework's
generated script and its `.legacy` file, husky's `.husky/_` stubs and
`core.hooksPath`, lefthook's runner and its `.old` file), so the tests run the
tools themselves at pinned versions rather than imitations of their output. They
come from their ordinary registries: the pre-commit framework from PyPI into its
own virtualenv, husky and lefthook from npm. A file lock per tool serialises
parallel test processes, as `tests/e2e/clients.py` does for the agent CLIs.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

PRE_COMMIT = "4.7.0"
HUSKY = "9.1.7"
LEFTHOOK = "2.2.4"


class ManagerSetupError(RuntimeError):
    """A pinned hook manager could not be installed; the message says what failed."""


def cache_dir() -> Path:
    configured = os.environ.get("SO_HOOK_MANAGERS_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "session-orchestrator" / "hook-managers"


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (out.stdout or out.stderr).strip() if out.returncode == 0 else ""


def _locked_install(root: Path, ready: object, install: object) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not ready():  # type: ignore[operator]
                install()  # type: ignore[operator]
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(cmd: list[str], cwd: Path | None = None) -> None:
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-15:])
        raise ManagerSetupError(f"'{' '.join(cmd)}' failed with exit code {out.returncode}:\n{tail}")


def pre_commit() -> Path:
    """The `pre-commit` executable, version PRE_COMMIT, in its own virtualenv."""
    root = cache_dir() / f"pre-commit-{PRE_COMMIT}"
    exe = root / "venv" / "bin" / "pre-commit"

    def ready() -> bool:
        return _version([str(exe), "--version"]) == f"pre-commit {PRE_COMMIT}"

    def install() -> None:
        print(f"[hooks] installing pre-commit {PRE_COMMIT} into {root}...", file=sys.stderr, flush=True)
        shutil.rmtree(root / "venv", ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(root / "venv")])
        _run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", f"pre-commit=={PRE_COMMIT}"])

    if not ready():
        _locked_install(root, ready, install)
    if not ready():
        raise ManagerSetupError(f"{exe} does not report version {PRE_COMMIT} after installing it")
    return exe


def _npm_bin(name: str, version: str) -> Path:
    root = cache_dir() / f"{name}-{version}"
    exe = root / "node_modules" / ".bin" / name

    def ready() -> bool:
        return exe.exists() and (root / "node_modules" / name / "package.json").exists() and \
            f'"version": "{version}"' in (root / "node_modules" / name / "package.json").read_text(encoding="utf-8")

    def install() -> None:
        npm = shutil.which("npm")
        if npm is None:
            raise ManagerSetupError(f"npm is not on PATH, so {name}@{version} cannot be installed; install Node.js")
        (root / "package.json").write_text('{"name": "so-hook-managers", "private": true}\n', encoding="utf-8")
        print(f"[hooks] installing {name}@{version} into {root}...", file=sys.stderr, flush=True)
        # No install scripts, run from the cache: lefthook's postinstall would otherwise install hooks into
        # whatever repository npm was started in (INIT_CWD), i.e. the checkout running the tests.
        _run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", "--prefix", str(root),
              f"{name}@{version}"], cwd=root)

    if not ready():
        _locked_install(root, ready, install)
    if not ready():
        raise ManagerSetupError(f"{exe} is missing after 'npm install {name}@{version}'")
    return exe


def husky() -> Path:
    """husky's CLI (`husky` sets core.hooksPath to .husky/_ and writes its stubs there), version HUSKY."""
    return _npm_bin("husky", HUSKY)


def lefthook() -> Path:
    """lefthook's CLI, version LEFTHOOK (its npm package carries the native binary)."""
    exe = _npm_bin("lefthook", LEFTHOOK)
    if _version([str(exe), "version"]) != LEFTHOOK:
        raise ManagerSetupError(f"{exe} does not report version {LEFTHOOK}; its native package may be missing")
    return exe
