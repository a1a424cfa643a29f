"""The real agent CLIs the end-to-end tests drive, installed once into a cache.

The e2e suite only means something against the exact client versions whose
behaviour we measured (how hook denials reach the model, how skills expand), so
the versions are pinned in `PINNED` and nowhere else. Installs go through npm,
the clients' ordinary distribution channel; a missing npm is a failure, not a
skip, because a silently skipped e2e suite proves nothing.

Each client version has its own install root (`<clients dir>/<name>-<version>`),
so a test that needs only Pi never pays for the 400 MB Codex binary, upgrading
one client cannot disturb another's dependency tree, and two checkouts pinning
different versions share one cache without reinstalling over each other.
"""

from __future__ import annotations

import fcntl
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PinnedClient:
    """One agent CLI at the version the e2e tests were written against."""

    name: str  # also the install root's directory name
    package: str  # npm package
    version: str
    binary: str  # name under node_modules/.bin
    version_field: int  # which whitespace-separated word of `--version` output is the version
    # Further npm packages installed into the same root, e.g. a newer Node than the machine's when the
    # client's `engines` asks for one: its `node` lands in the root's .bin, which runners put first on PATH.
    extras: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def specs(self) -> tuple[str, ...]:
        return (self.spec, *self.extras)


def node_runtime(version: str) -> str:
    """The npm package holding a prebuilt Node `version` for this machine (its `bin/node` becomes .bin/node)."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, "x64")
    return f"node-{sys.platform}-{arch}@{version}"


# The one place the pinned versions live; docs/testing.md quotes them, so update both together.
PINNED: dict[str, PinnedClient] = {
    # `claude --version` prints "2.1.332 (Claude Code)"
    "claude": PinnedClient("claude", "@anthropic-ai/claude-code", "2.1.332", "claude", 0),
    # `codex --version` prints "codex-cli 0.171.0"
    "codex": PinnedClient("codex", "@openai/codex", "0.171.0", "codex", 1),
    # `pi --version` prints "1.6.0" (on stderr). Pi moved from @mariozechner to @earendil-works at 0.74;
    # since 0.79 it needs Node >= 22.19, so its root also gets a Node 22 of its own.
    "pi": PinnedClient("pi", "@earendil-works/pi-coding-agent", "1.6.0", "pi", 0,
                       extras=(node_runtime("22.23.5"),)),
    # `tsc --version` prints "Version 5.9.3"; it type-checks the Pi extension against Pi's published types
    "tsc": PinnedClient("tsc", "typescript", "5.9.3", "tsc", 1),
}

CLAUDE_CODE_PACKAGE = PINNED["claude"].package
CLAUDE_CODE_VERSION = PINNED["claude"].version
CODEX_VERSION = PINNED["codex"].version
PI_VERSION = PINNED["pi"].version


class ClientSetupError(RuntimeError):
    """The pinned client could not be made available; the message says how to fix it."""


def clients_dir() -> Path:
    """Where pinned clients live; shared across test runs so npm runs once per machine."""
    configured = os.environ.get("SO_CLIENTS_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "session-orchestrator" / "clients"


def client_root(client: PinnedClient) -> Path:
    """Keyed by version: a bump installs beside the old version instead of replacing it."""
    return clients_dir() / f"{client.name}-{client.version}"


def client_binary(client: PinnedClient) -> Path:
    return client_root(client) / "node_modules" / ".bin" / client.binary


def installed_version(binary: Path, version_field: int = 0) -> str | None:
    """The version `binary --version` reports, or None when it is absent or broken."""
    if not binary.exists():
        return None
    # The root's own .bin first, as the runners have it: a client that needs a newer Node finds it there.
    env = {**os.environ, "PATH": os.pathsep.join([str(binary.parent), os.environ.get("PATH", "")])}
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = (out.stdout.strip() or out.stderr).split()  # pi 0.73.1 prints its version on stderr
    if out.returncode != 0 or len(words) <= version_field:
        return None
    return words[version_field]


def _npm_install(root: Path, client: PinnedClient) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ClientSetupError(
            f"npm is not on PATH, so {client.spec} cannot be installed for the end-to-end tests. "
            "Install Node.js (which ships npm) and run the tests again, or point SO_CLIENTS_DIR "
            f"at a directory where {client.name}/node_modules/.bin/{client.binary} is version {client.version}."
        )
    manifest = root / "package.json"
    if not manifest.exists():
        # Without a manifest npm walks up looking for one and may install somewhere else.
        manifest.write_text('{"name": "so-e2e-clients", "private": true}\n', encoding="utf-8")
    print(f"[e2e] installing {' '.join(client.specs)} into {root} (first run only; this can take a minute)...",
          file=sys.stderr, flush=True)
    # Optional dependencies must stay: Claude's and Codex's native binaries ship in one of them.
    cmd = [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(root), *client.specs]
    out = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-15:])
        raise ClientSetupError(f"'{' '.join(cmd)}' failed with exit code {out.returncode}:\n{tail}")
    print(f"[e2e] installed {client.spec}", file=sys.stderr, flush=True)


def ensure_client(name: str) -> Path:
    """Path to the pinned binary of client `name`, installing it first if needed.

    A file lock per client serialises parallel test processes (pytest-xdist
    workers or two checkouts sharing the cache) so each package is installed once.
    """
    client = PINNED[name]
    root = client_root(client)
    binary = client_binary(client)
    if installed_version(binary, client.version_field) == client.version:
        return binary
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if installed_version(binary, client.version_field) != client.version:  # another process may have won
                _npm_install(root, client)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    found = installed_version(binary, client.version_field)
    if found != client.version:
        raise ClientSetupError(
            f"after installing, {binary} reports version {found or '(none: it does not run)'}, "
            f"expected {client.version}. If npm skipped the package's install script, run "
            f"'npm install-scripts approve {client.package}' in {root} and try again."
        )
    return binary


def ensure_all() -> dict[str, Path]:
    """Install every pinned client (CI does this as its own step, so test time stays test time)."""
    return {name: ensure_client(name) for name in PINNED}


def ensure_claude() -> Path:
    return ensure_client("claude")


def ensure_codex() -> Path:
    return ensure_client("codex")


def ensure_pi() -> Path:
    return ensure_client("pi")


def ensure_tsc() -> Path:
    return ensure_client("tsc")


if __name__ == "__main__":  # python -m tests.e2e.clients: install all, print where
    try:
        for client_name, path in ensure_all().items():
            print(f"{client_name} {PINNED[client_name].version}: {path}")
    except ClientSetupError as exc:
        sys.exit(f"error: {exc}")
