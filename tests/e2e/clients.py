"""The real agent CLIs the end-to-end tests drive, installed once into a cache.

The e2e suite only means something against the exact client version whose
behaviour we measured (how hook denials reach the model, how skills expand), so
the version is pinned here and nowhere else. The install goes through npm, the
client's ordinary distribution channel; a missing npm is a failure, not a skip,
because a silently skipped e2e suite proves nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

# The one place the pinned client version lives; the testing docs quote it, so update them together.
CLAUDE_CODE_PACKAGE = "@anthropic-ai/claude-code"
CLAUDE_CODE_VERSION = "2.1.197"


class ClientSetupError(RuntimeError):
    """The pinned client could not be made available; the message says how to fix it."""


def clients_dir() -> Path:
    """Where pinned clients live; shared across test runs so npm runs once per machine."""
    configured = os.environ.get("SO_CLIENTS_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "session-orchestrator" / "clients"


def installed_version(binary: Path) -> str | None:
    """The version `binary --version` reports, or None when it is absent or broken."""
    if not binary.exists():
        return None
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return out.stdout.split()[0]


def _npm_install(root: Path, spec: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ClientSetupError(
            f"npm is not on PATH, so {spec} cannot be installed for the end-to-end tests. "
            "Install Node.js (which ships npm) and run the tests again, or point SO_CLIENTS_DIR "
            f"at a directory where node_modules/.bin/claude is version {CLAUDE_CODE_VERSION}."
        )
    manifest = root / "package.json"
    if not manifest.exists():
        # Without a manifest npm walks up looking for one and may install somewhere else.
        manifest.write_text('{"name": "so-e2e-clients", "private": true}\n', encoding="utf-8")
    print(f"[e2e] installing {spec} into {root} (first run only; this can take a minute)...",
          file=sys.stderr, flush=True)
    # Optional dependencies must stay: the native binary ships in one of them.
    cmd = [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(root), spec]
    out = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-15:])
        raise ClientSetupError(f"'{' '.join(cmd)}' failed with exit code {out.returncode}:\n{tail}")
    print(f"[e2e] installed {spec}", file=sys.stderr, flush=True)


def ensure_claude() -> Path:
    """Path to the pinned `claude` binary, installing it first if needed.

    A file lock serialises parallel test processes (pytest-xdist workers or two
    checkouts sharing the cache) so the package is installed once.
    """
    root = clients_dir()
    binary = root / "node_modules" / ".bin" / "claude"
    if installed_version(binary) == CLAUDE_CODE_VERSION:
        return binary
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if installed_version(binary) != CLAUDE_CODE_VERSION:  # another process may have won
                _npm_install(root, f"{CLAUDE_CODE_PACKAGE}@{CLAUDE_CODE_VERSION}")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    found = installed_version(binary)
    if found != CLAUDE_CODE_VERSION:
        raise ClientSetupError(
            f"after installing, {binary} reports version {found or '(none: it does not run)'}, "
            f"expected {CLAUDE_CODE_VERSION}. If npm skipped the package's install script, run "
            f"'npm install-scripts approve {CLAUDE_CODE_PACKAGE}' in {root} and try again."
        )
    return binary
