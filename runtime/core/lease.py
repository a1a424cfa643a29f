# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""A lease on a repository that exactly one holder has at a time, with no lock server and no lock file.

The lease is a directory of generations: `<n>.json`, each a complete record linked into
place with `os.link`, which fails when the name exists. The newest generation is the
lease. Every change (claim, take-over of an expired lease, renew, release) writes
generation n+1 after reading generation n, so it is a compare-and-swap: of two
processes that read the same n, exactly one creates n+1. The winner then checks that
n+1 is still the newest file, which catches the one way an old name could come back:
a process that read long ago recreating a generation already pruned. Pruning deletes
only generations below one the pruner created, so the newest always exists.

A plain lock file would need a way to break a dead holder's lock, and breaking it is
exactly the race two takers run; expiry decides here instead of whether a pid lives
(the pid and host are recorded for people to read). Expiry compares wall clocks, so
holders on several hosts need their clocks in step.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

TTL = 30 * 60  # seconds a claim or renewal lasts
_READ_TRIES = 50


class LeaseError(Exception):
    """A renew or release refused: not the holder, the lease lost, or a damaged lease file."""


def _gens(directory: Path) -> list[int]:
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    out = []
    for name in names:
        stem, dot, ext = name.partition(".")
        if dot and ext == "json" and stem.isdigit():
            out.append(int(stem))
    return sorted(out)


def _name(directory: Path, gen: int) -> Path:
    return directory / f"{gen:012d}.json"


def read(directory: Path) -> dict[str, Any] | None:
    """The newest generation's record with its `generation`; None when no lease was ever taken."""
    for _ in range(_READ_TRIES):
        gens = _gens(directory)
        if not gens:
            return None
        path = _name(directory, gens[-1])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue  # pruned between the listing and the read: list again
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LeaseError(f"{path}: not a lease record (line {exc.lineno}: {exc.msg}); "
                             "delete the lease directory to free the repository") from None
        if not isinstance(record, dict):
            raise LeaseError(f"{path}: not a lease record (a JSON object was expected)")
        record["generation"] = gens[-1]
        return record
    raise LeaseError(f"{directory}: the lease kept changing while it was read")


def status(record: dict[str, Any] | None, now: float | None = None) -> str:
    """free (never taken), released, expired or held."""
    if record is None:
        return "free"
    if record.get("released"):
        return "released"
    now = time.time() if now is None else now
    return "held" if float(record.get("expires") or 0) > now else "expired"


def new_holder() -> str:
    """A holder id unique on this machine and readable: host, pid and a clock."""
    return f"{socket.gethostname()}-{os.getpid()}-{time.time_ns() % 10**9:09d}"


def _record(holder: str, ttl: float, now: float, **extra: Any) -> dict[str, Any]:
    return {"holder": holder, "pid": os.getppid(), "host": socket.gethostname(), "since": now,
            "expires": now + ttl, "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + ttl)),
            "released": False, **extra}


def _swap(directory: Path, seen: int, record: dict[str, Any]) -> bool:
    """Write generation seen+1; True only for the one writer whose generation is the newest."""
    directory.mkdir(parents=True, exist_ok=True)
    gen = seen + 1
    target = _name(directory, gen)
    tmp = directory / f".tmp-{socket.gethostname()}-{os.getpid()}-{time.monotonic_ns()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(record, indent=2, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
    finally:
        tmp.unlink(missing_ok=True)
    if _gens(directory)[-1] != gen:  # an old name recreated by a writer that read long ago
        target.unlink(missing_ok=True)
        return False
    for old in _gens(directory):
        if old < gen:
            _name(directory, old).unlink(missing_ok=True)
    return True


def claim(directory: Path, holder: str, ttl: float = TTL,
          now: float | None = None) -> tuple[bool, dict[str, Any] | None]:
    """Take the lease when it is free, released or expired (or already ours): (won, the lease as it now is)."""
    now = time.time() if now is None else now
    current = read(directory)
    state = status(current, now)
    owner = current.get("holder") if current else None
    if state == "held" and owner != holder:
        return False, current
    seen = current["generation"] if current else 0
    extra = {"took_over": owner} if state == "expired" and owner != holder else {}
    record = _record(holder, ttl, now, **extra)
    if _swap(directory, seen, record):
        return True, {**record, "generation": seen + 1}
    return False, read(directory)


def _own(directory: Path, holder: str, now: float) -> dict[str, Any]:
    current = read(directory)
    state = status(current, now)
    if current is None or state == "released" or current.get("holder") != holder:
        who = "nobody" if current is None or state == "released" else f"{current.get('holder')}"
        raise LeaseError(f"{directory}: the lease is held by {who}, not by {holder}")
    return current


def renew(directory: Path, holder: str, ttl: float = TTL, now: float | None = None) -> dict[str, Any]:
    """Extend the holder's lease (an expired one too, if nobody took it over meanwhile)."""
    now = time.time() if now is None else now
    current = _own(directory, holder, now)
    record = _record(holder, ttl, now, since=current.get("since", now))
    if not _swap(directory, current["generation"], record):
        raise LeaseError(f"{directory}: the lease was taken over while {holder} renewed it")
    return {**record, "generation": current["generation"] + 1}


def release(directory: Path, holder: str, now: float | None = None) -> dict[str, Any]:
    """Give the lease up; only its holder may."""
    now = time.time() if now is None else now
    current = _own(directory, holder, now)
    record = {**_record(holder, 0, now), "released": True}
    if not _swap(directory, current["generation"], record):
        raise LeaseError(f"{directory}: the lease was taken over while {holder} released it")
    return {**record, "generation": current["generation"] + 1}
