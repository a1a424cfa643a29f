# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What code a check judged: HEAD plus a hash of every change on top of it, read from git.

Two questions rest on this, and both must be answered from the file system, never
from what an agent says: "did this gate change any file?" (gates never write) and
"does the last full gate still describe the code about to be committed?" (close).
Both compare a snapshot taken now with one taken earlier.

A snapshot lists only what differs from HEAD: every path `git status` reports
(tracked changes, deletions, untracked files that are not ignored) with a hash of
its content. A write to a file that matched HEAD makes it appear; a write to a
file already changed alters its hash; ignored files (caches, build output) are
out of scope on purpose. This stays cheap on a large repository, because git's
index already knows which files are untouched.

The runtime's own records (STATE.md, the carryover list, metrics) change during a
close that the gate judged, so the fingerprint used for "same tree" leaves them out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

# The runtime writes these itself while a session runs; they are not the code a gate judges.
RUNTIME_RECORDS = (".orchestrator/STATE.md", ".orchestrator/carryover.md", ".orchestrator/metrics/",
                   ".orchestrator/state/", ".orchestrator/debug/")

DELETED = "deleted"


class TreeUnreadableError(Exception):
    """git could not list the working tree (not a repository, git missing, a timeout)."""


def _content_hash(path: Path) -> str:
    try:
        if path.is_symlink():
            import os

            return "link:" + os.readlink(path)
        if path.is_dir():  # a nested repository or submodule git lists as one entry
            return "dir"
        digest = hashlib.sha1()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except FileNotFoundError:
        return DELETED
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def porcelain_paths(out: str) -> list[str]:
    """The paths `git status --porcelain=v1 -z` names, a rename's or copy's source included, sorted and unique."""
    paths: list[str] = []
    entries = out.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if "R" in entry[:2] or "C" in entry[:2]:  # a rename or copy names its source in the next entry
            if index < len(entries) and entries[index]:
                paths.append(entries[index])
            index += 1
    return sorted(set(paths))


def _status_paths(root: Path) -> list[str]:
    from .proc import run

    code, out, err = run(["git", "-c", "core.quotepath=off", "status", "--porcelain=v1", "-z",
                          "--untracked-files=all", "--ignore-submodules=dirty"], root, timeout=60)
    if code != 0:
        raise TreeUnreadableError((err or out).strip().splitlines()[0] if (err or out).strip() else f"git exit {code}")
    return porcelain_paths(out)


def snapshot(root: Path) -> dict[str, str]:
    """{path: content hash or 'deleted'} for every path that differs from HEAD (ignored files excluded).

    Raises TreeUnreadableError when git cannot answer: a caller must then say the check
    could not be made, never treat the tree as unchanged."""
    return {path: _content_hash(root / path) for path in _status_paths(root)}


def changed_between(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths whose state differs between two snapshots: written, created, deleted or restored."""
    return sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))


def is_runtime_record(path: str) -> bool:
    """One of `RUNTIME_RECORDS`, or the vendored runtime's own bytecode (its `.pyc` files and the hook's code
    cache, which a hook call may rewrite where `.orchestrator/.gitignore` is missing)."""
    if path.startswith(".orchestrator/runtime/") and "/__pycache__/" in path:
        return True
    return any(path == rec or (rec.endswith("/") and path.startswith(rec)) for rec in RUNTIME_RECORDS)


def head(root: Path) -> str:
    from .proc import git

    return git(root, "rev-parse", "--verify", "-q", "HEAD")


def fingerprint(root: Path, snap: dict[str, str] | None = None) -> dict[str, str]:
    """{'head': commit or '', 'tree': hash of the changes on top of it, runtime records left out}.

    Equal fingerprints mean the same code: the same commit with the same uncommitted
    changes. A commit of exactly the gated changes moves HEAD, so compare with
    `same_code` rather than with ==."""
    snap = snapshot(root) if snap is None else snap
    digest = hashlib.sha1()
    for path in sorted(snap):
        if not is_runtime_record(path):
            digest.update(f"{path}\0{snap[path]}\n".encode("utf-8", "surrogateescape"))
    return {"head": head(root), "tree": digest.hexdigest()}


def tree_id(root: Path, snap: dict[str, str] | None = None) -> str:
    """The git tree id of HEAD plus the working-tree changes, runtime records left out.

    Unlike `fingerprint`, this survives a commit: committing exactly the judged
    changes gives a HEAD whose `tree_id` is this same id. Built in a throwaway index,
    so the user's staging area is never touched."""
    import os
    import tempfile

    from .proc import run

    def git_in(env: dict[str, str], *args: str, data: str | None = None) -> str:
        code, out, err = run(["git", *args], root, timeout=60, env=env, data=data)
        if code != 0:
            raise TreeUnreadableError(err.strip() or f"git {args[0]} exit {code}")
        return out

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": os.path.join(tmp, "index")}
        if head(root):
            git_in(env, "read-tree", "HEAD")
        paths = [p for p in (sorted(snap) if snap is not None else _status_paths(root)) if not is_runtime_record(p)]
        if paths:
            git_in(env, "update-index", "--add", "--remove", "-z", "--stdin", data="\0".join(paths) + "\0")
        records = [p for p in git_in(env, "ls-files", "-z").split("\0") if p and is_runtime_record(p)]
        if records:
            git_in(env, "update-index", "--force-remove", "-z", "--stdin", data="\0".join(records) + "\0")
        return git_in(env, "write-tree").strip()


def git_status(root: Path) -> tuple[str, list[str]]:
    """(branch, porcelain lines); ('', []) outside git or when git is missing."""
    from ..core.proc import run

    code, out, _ = run(["git", "status", "--porcelain=v1", "--branch"], root, 5)
    if code != 0:
        return "", []
    lines = out.splitlines()
    head = lines[0][3:] if lines and lines[0].startswith("## ") else ""
    branch = head.split("...")[0].replace("No commits yet on ", "")
    return branch, lines[1:]
