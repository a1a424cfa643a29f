"""Pinned npm packages for tests that run real JavaScript tools (vitest, eslint), installed once.

Network use: the npm registry only, through `npm install` with exact versions, into a cache
directory (`SO_NODE_TOOLS_CACHE`, default `~/.cache/session-orchestrator/node-tools`). A test
project links its `node_modules` to the cached one, so nothing is downloaded per test.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

PINNED = {"vitest": "3.2.4", "eslint": "9.39.1"}


def cache_dir() -> Path:
    return Path(os.environ.get("SO_NODE_TOOLS_CACHE") or Path.home() / ".cache" / "session-orchestrator" / "node-tools")


def node_modules() -> Path:
    """The cached node_modules holding every package in PINNED (installed on first use)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed for this test (install Node.js 20 or later)")
    where = cache_dir() / "gates"
    where.mkdir(parents=True, exist_ok=True)
    wanted = {"name": "so-gate-node-tools", "private": True, "dependencies": PINNED}
    with (where / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = where / "package.json"
        ready = all((where / "node_modules" / name / "package.json").exists() for name in PINNED)
        if not ready or json.loads(manifest.read_text()) != wanted:
            manifest.write_text(json.dumps(wanted))
            subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=where, check=True,
                           capture_output=True, timeout=600)
    return where / "node_modules"


def link_node_modules(project: Path) -> None:
    """Give `project` the cached packages, as `npm install` would (ignored by git, as usual)."""
    (project / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    with (project / ".gitignore").open("a", encoding="utf-8") as handle:
        handle.write("node_modules\n")
