"""The pinned-client installer: reuse what is there, fail loudly when it cannot install.

Each case runs the installer in a child process whose PATH holds no npm, so a
wrong branch would either try to reach the registry or pass silently. The
stand-in binaries only print a version: they test the install bookkeeping, not
the clients (the other e2e modules drive the real ones).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.clients import PINNED, PinnedClient
from tests.helpers import ROOT


def _ensure(name: str, clients: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir(exist_ok=True)
    env = {"PATH": str(empty_bin), "HOME": str(tmp_path), "SO_CLIENTS_DIR": str(clients),
           "PYTHONPATH": str(ROOT), "SYSTEMROOT": os.environ.get("SYSTEMROOT", "")}
    probe = f"from tests.e2e.clients import ensure_{name}; print(ensure_{name}())"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)


def _fake_client(clients: Path, client: PinnedClient, report: str, *, stream: str = "1") -> Path:
    """A stand-in binary in the client's own install root that reports `report` like the real one."""
    binary = clients / f"{client.name}-{client.version}" / "node_modules" / ".bin" / client.binary
    binary.parent.mkdir(parents=True)
    binary.write_text(f"#!/bin/sh\necho '{report}' >&{stream}\n")
    binary.chmod(0o755)
    return binary


# How each pinned client really words `--version` (pi writes it to stderr).
_REPORTS = {"claude": ("{v} (Claude Code)", "1"), "codex": ("codex-cli {v}", "1"), "pi": ("{v}", "2"),
            "tsc": ("Version {v}", "1")}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_version_already_installed_is_reused(name: str, tmp_path: Path) -> None:
    client = PINNED[name]
    report, stream = _REPORTS[name]
    binary = _fake_client(tmp_path / "clients", client, report.format(v=client.version), stream=stream)
    out = _ensure(name, tmp_path / "clients", tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(binary)
    assert "installing" not in out.stderr


@pytest.mark.parametrize("name", sorted(PINNED))
def test_missing_npm_is_a_clear_failure(name: str, tmp_path: Path) -> None:
    client = PINNED[name]
    report, stream = _REPORTS[name]
    _fake_client(tmp_path / "clients", client, report.format(v="0.0.1"), stream=stream)  # wrong version
    out = _ensure(name, tmp_path / "clients", tmp_path)
    assert out.returncode != 0
    assert "ClientSetupError" in out.stderr
    assert "npm is not on PATH" in out.stderr
    assert client.spec in out.stderr


def test_each_client_is_installed_in_its_own_root(tmp_path: Path) -> None:
    """A Pi-only test must not need Codex: one client's install leaves the others' roots alone."""
    pi = PINNED["pi"]
    _fake_client(tmp_path / "clients", pi, pi.version, stream="2")
    out = _ensure("pi", tmp_path / "clients", tmp_path)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "clients").iterdir()) == [f"pi-{pi.version}"]
    # and a client whose root is empty is reported as needing an install, naming that client's package
    out = _ensure("codex", tmp_path / "clients", tmp_path)
    assert out.returncode != 0
    assert PINNED["codex"].spec in out.stderr


def test_a_clients_extra_packages_go_into_its_root_with_it(tmp_path: Path) -> None:
    """A client that needs more than its own package (Pi: a newer Node) gets it in the same root, by
    the same npm call. A stand-in npm records its arguments and installs a stand-in binary."""
    client = PINNED["pi"]
    bin_dir = tmp_path / "empty-bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text('#!/bin/sh\nPATH=/usr/bin:/bin\necho "$@" > "$(dirname "$0")/npm-args"\nprefix=""\n'
                   'while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done\n'
                   f'mkdir -p "$prefix/node_modules/.bin"\nprintf \'#!/bin/sh\\necho {client.version} >&2\\n\' '
                   f'> "$prefix/node_modules/.bin/{client.binary}"\n'
                   f'chmod +x "$prefix/node_modules/.bin/{client.binary}"\n')
    npm.chmod(0o755)
    out = _ensure("pi", tmp_path / "clients", tmp_path)
    assert out.returncode == 0, out.stderr
    args = (bin_dir / "npm-args").read_text().split()
    assert args[-len(client.specs):] == list(client.specs)
    assert f"--prefix {tmp_path / 'clients' / f'pi-{client.version}'}" in " ".join(args)
