"""The pinned-client installer: reuse what is there, fail loudly when it cannot install.

Each case runs the installer in a child process whose PATH holds no npm, so a
wrong branch would either try to reach the registry or pass silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.clients import CLAUDE_CODE_VERSION
from tests.helpers import ROOT

_PROBE = "from tests.e2e.clients import ensure_claude; print(ensure_claude())"


def _ensure(clients: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir(exist_ok=True)
    env = {"PATH": str(empty_bin), "HOME": str(tmp_path), "SO_CLIENTS_DIR": str(clients),
           "PYTHONPATH": str(ROOT), "SYSTEMROOT": os.environ.get("SYSTEMROOT", "")}
    return subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


def _fake_claude(clients: Path, version: str) -> Path:
    binary = clients / "node_modules" / ".bin" / "claude"
    binary.parent.mkdir(parents=True)
    binary.write_text(f"#!/bin/sh\necho '{version} (Claude Code)'\n")
    binary.chmod(0o755)
    return binary


def test_pinned_version_already_installed_is_reused(tmp_path: Path) -> None:
    binary = _fake_claude(tmp_path / "clients", CLAUDE_CODE_VERSION)
    out = _ensure(tmp_path / "clients", tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(binary)
    assert "installing" not in out.stderr


def test_missing_npm_is_a_clear_failure(tmp_path: Path) -> None:
    _fake_claude(tmp_path / "clients", "0.0.1")  # wrong version: an install is needed
    out = _ensure(tmp_path / "clients", tmp_path)
    assert out.returncode != 0
    assert "ClientSetupError" in out.stderr
    assert "npm is not on PATH" in out.stderr
    assert CLAUDE_CODE_VERSION in out.stderr
