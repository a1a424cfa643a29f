# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a merge or a clean would destroy, named file by file, before either touches anything.

git protects untracked files when it moves a branch but treats ignored ones as expendable
(a fast-forward overwrites an ignored file the incoming commit tracks), and `git worktree
remove --force` takes everything with it. So the checks here look at the file system
themselves: every untracked or ignored file, every uncommitted change and every directory
the move or the removal would replace, overwrite or delete.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.treestate import porcelain_paths
from .lanerecord import ENV_FILE, git_out

# Caches the tools rebuild on their next run; everything else untracked or ignored counts as someone's scratch.
CACHES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".tox", ".nox",
                    "node_modules", ".cache"})


def _own(path: str) -> bool:
    if path == ENV_FILE or path.startswith(".orchestrator/state/"):
        return True
    name = path.rpartition("/")[2]
    return path.startswith(".orchestrator/metrics/") and (name.startswith("events") or name.endswith(".lock"))


def _cache(path: str) -> bool:
    parts = path.split("/")
    return any(part in CACHES for part in parts[:-1]) or path.endswith((".pyc", ".pyo"))


def _z(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


def untracked(root: Path, ignored: bool) -> list[str]:
    """Untracked files (not ignored), or the ignored ones, each file listed (directories expanded)."""
    args = ["ls-files", "-z", "--others", "--exclude-standard"] + (["--ignored"] if ignored else [])
    return sorted(_z(git_out(root, *args)))


def uncommitted(root: Path) -> list[str]:
    """Tracked files with staged or unstaged changes (deletions included)."""
    out = git_out(root, "status", "--porcelain=v1", "-z", "--untracked-files=no", "--ignore-submodules=dirty")
    return porcelain_paths(out)


def scratch(lane_path: Path) -> dict[str, list[str]]:
    """What removing a lane's worktree would destroy: {'uncommitted', 'untracked', 'ignored'}, runtime files
    and tool caches left out."""
    return {"uncommitted": uncommitted(lane_path),
            "untracked": [p for p in untracked(lane_path, False) if not _own(p)],
            "ignored": [p for p in untracked(lane_path, True) if not _own(p) and not _cache(p)]}


def leftovers(lane_path: Path) -> dict[str, list[str]]:
    """What a merge would leave behind in the lane: uncommitted changes to tracked files and untracked
    files (a new directory never committed), runtime records included for tracked files only."""
    return {"uncommitted": uncommitted(lane_path),
            "untracked": [p for p in untracked(lane_path, False) if not _own(p)]}


def _tracked(root: Path, commit: str) -> set[str]:
    return set(_z(git_out(root, "ls-tree", "-r", "-z", "--name-only", commit)))


def _files_under(folder: Path, root: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            found.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(found)


def main_losses(root: Path, old: str, new: str) -> list[tuple[str, str]]:
    """[(path, what would happen to it)] when the checkout at `root` (on `old`) moves to `new`.

    Named: an untracked or ignored file the move would overwrite, a directory (and each file in it)
    a tracked file would replace, a file that would have to give way to a new directory, and an
    uncommitted change to a file the move changes or deletes."""
    changes: list[tuple[str, str]] = []
    entries = _z(git_out(root, "diff", "--name-status", "--no-renames", "-z", old, new))
    for status, path in zip(entries[0::2], entries[1::2], strict=False):
        changes.append((status[:1], path))
    if not changes:
        return []
    tracked = _tracked(root, old)
    dirty = set(uncommitted(root))
    losses: list[tuple[str, str]] = []
    seen: set[str] = set()

    def lose(path: str, why: str) -> None:
        if path not in seen:
            seen.add(path)
            losses.append((path, why))

    for status, path in changes:
        if path in dirty:
            lose(path, "has uncommitted changes the merge would overwrite")
            continue
        if status == "D":
            continue
        disk = root / path
        if path not in tracked and (disk.is_symlink() or disk.exists()):
            if disk.is_dir() and not disk.is_symlink():
                for inner in _files_under(disk, root):
                    if inner not in tracked:
                        lose(inner, f"is in the directory {path}/, which a tracked file of the merge would replace")
            else:
                lose(path, "is untracked or ignored here; the merge brings a tracked file of that name and would "
                           "overwrite it")
        parts = path.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            spot = root / parent
            if parent not in tracked and (spot.is_symlink() or spot.is_file()):
                lose(parent, f"is an untracked or ignored file; the merge needs a directory there for {path}")
    return sorted(losses)
