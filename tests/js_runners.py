"""JavaScript test runners at pinned versions, installed once from npm into a shared cache.

The parser tests read what the real runners print, and the end-to-end gate tests
run them in small projects, so each runner is installed with npm (its ordinary
distribution channel, the only network use) into `<cache>/<name>` and reused. A
file lock per runner lets parallel test processes share the cache. A missing npm
is a failure, not a skip: a parser test that silently did not run proves nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

# The one place these versions live.
PINNED = {"vitest": "3.2.4", "jest": "29.7.0", "mocha": "10.8.2", "tape": "5.9.0"}


def cache_dir() -> Path:
    configured = os.environ.get("SO_RUNNERS_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "session-orchestrator" / "runners"


def _installed(root: Path, name: str) -> bool:
    try:
        found = json.loads((root / "node_modules" / name / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return found.get("version") == PINNED[name]


def ensure(name: str) -> Path:
    """`node_modules` holding the pinned runner `name` (and its dependencies)."""
    root = cache_dir() / name
    if _installed(root, name):
        return root / "node_modules"
    root.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    assert npm, f"npm is not on PATH, so {name}@{PINNED[name]} cannot be installed for the runner tests"
    with (root / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(root, name):
            (root / "package.json").write_text(json.dumps({"name": f"so-runner-{name}", "private": True}) + "\n",
                                               encoding="utf-8")
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(root),
                                   f"{name}@{PINNED[name]}"], capture_output=True, text=True, timeout=600,
                                  stdin=subprocess.DEVNULL)
            assert done.returncode == 0, f"npm install {name}@{PINNED[name]} failed:\n{done.stderr[-2000:]}"
    assert _installed(root, name), f"{name}@{PINNED[name]} is not in {root} after installing"
    return root / "node_modules"


def link_into(project: Path, name: str) -> None:
    """Make `name` importable and runnable in `project`, the way `npm install` would, without copying it."""
    target = project / "node_modules"
    if target.is_symlink() or target.exists():
        target.unlink()
    target.symlink_to(ensure(name), target_is_directory=True)
