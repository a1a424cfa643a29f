# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What the main checkout remembers about each lane, and the errors lanes raise.

A lane's facts (its base commit, branch, port offset) must outlive the agent that works
in it and must not be the agent's to edit, so they are kept in the main checkout's
machine-local state (`.orchestrator/state/lanes/<name>.json`, git-ignored), never inside
the lane. Every later step (merge, clean, list) reads them from there and checks them
against git.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PORT_STEP = 100  # each lane's ports sit this far above the previous lane's
BRANCH_PREFIX = "lane/"
ENV_FILE = ".orchestrator/lane.env"


class LaneError(Exception):
    """A lane cannot be started, read or removed as asked; nothing was changed."""


class LaneRefusedError(LaneError):
    """A merge or clean was refused to keep work safe (files named); nothing was changed."""


@dataclass
class Lane:
    name: str
    path: Path
    branch: str
    base: str  # the commit the lane started from, verified when it was recorded
    port_offset: int
    suffix: str
    target: str = ""  # the branch the lane merges back into
    created: str = ""
    inherited_session: str = ""  # the session record the base commit already carried (not the lane's own)
    merged: str = ""  # the commit the target branch moved to when the lane merged, or ""
    notes: list[str] = field(default_factory=list)  # what the lane starts without that the main checkout has

    def env(self) -> dict[str, str]:
        """The overlay a process in this lane runs with (also written to the lane's `.orchestrator/lane.env`)."""
        return {"SO_LANE": self.name, "SO_PORT_OFFSET": str(self.port_offset), "SO_NAME_SUFFIX": self.suffix}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        return data


@dataclass
class MergeResult:
    name: str
    merged: str  # the commit the target branch now points at
    target: str
    previous: str  # where the target branch pointed before
    stale: bool  # the target had moved since the lane's base
    behind: int  # commits the target had gained since the base
    brought_in: str = ""  # the merge commit made in the lane to bring the target's new commits in, or ""
    resolved: list[str] = field(default_factory=list)  # runtime records whose both-sides changes were combined
    gate: dict[str, Any] = field(default_factory=dict)  # the full gate on the merged result
    session: str = ""  # the lane's verified session
    archived: list[str] = field(default_factory=list)  # the lane's session records copied into the main archive

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise LaneError(f"lane name {name!r}: use 1 to 40 lower-case letters, digits and '-', starting with a "
                        "letter or digit (it becomes a branch name, a directory and the name suffix)")
    return name


def suffix_for(name: str) -> str:
    """A suffix safe in database, container and host names alike (no '-' for SQL identifiers)."""
    return "_" + name.replace("-", "_")


def registry_dir(root: Path) -> Path:
    from ..core.paths import state_dir

    return state_dir(root) / "lanes"


def record_path(root: Path, name: str) -> Path:
    return registry_dir(root) / f"{name}.json"


def lanes_home(root: Path) -> Path:
    """Where lane worktrees live: `$SO_LANES_DIR`, else `<repo>.lanes/` beside the repository.

    Outside the checkout on purpose: a worktree inside it would be one more copy of the code
    for every tool that walks the tree (test discovery, linters, bundlers, search), which
    ignore rules tame only for the tools that read them."""
    explicit = os.environ.get("SO_LANES_DIR")
    if explicit:
        return Path(explicit).resolve()
    root = root.resolve()
    return root.parent / f"{root.name}.lanes"


def read(root: Path, name: str) -> Lane:
    path = record_path(root, check_name(name))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LaneError(f"there is no lane {name!r} ({path} does not exist); 'lane list' shows the lanes") from None
    except (OSError, ValueError) as exc:
        raise LaneError(f"{path}: unreadable lane record ({exc}); remove the file and the worktree by hand "
                        "('git worktree list' shows it)") from None
    try:
        data["path"] = Path(data["path"])
        return Lane(**data)
    except (KeyError, TypeError) as exc:
        raise LaneError(f"{path}: the lane record lacks or has unknown fields ({exc})") from None


def write(root: Path, lane: Lane) -> None:
    from ..core.fsutil import write_atomic

    write_atomic(record_path(root, lane.name), json.dumps(lane.to_json(), indent=2) + "\n")


def all_lanes(root: Path) -> list[Lane]:
    folder = registry_dir(root)
    if not folder.is_dir():
        return []
    return [read(root, path.stem) for path in sorted(folder.glob("*.json"))]


@contextmanager
def registry_lock(root: Path) -> Iterator[None]:
    """One lane operation at a time per repository: two starts must not take one port offset or name."""
    import fcntl

    folder = registry_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def git_run(cwd: Path, *args: str, timeout: float = 120) -> tuple[int, str, str]:
    from ..core.proc import run

    return run(["git", "-c", "core.quotepath=off", *args], cwd, timeout)


def git_out(cwd: Path, *args: str, timeout: float = 120) -> str:
    """stdout of a git command that must work; LaneError with git's own words otherwise."""
    code, out, err = git_run(cwd, *args, timeout=timeout)
    if code != 0:
        raise LaneError(f"git {' '.join(args[:3])} in {cwd}: {(err or out).strip() or f'exit {code}'}")
    return out


def is_ancestor(cwd: Path, older: str, newer: str) -> bool:
    return git_run(cwd, "merge-base", "--is-ancestor", older, newer)[0] == 0
