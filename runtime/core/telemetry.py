# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Session telemetry: an events log and one record per finished session.

- `.orchestrator/metrics/events.jsonl`: everything the runtime notices. Rotated
  by size (events.jsonl.1 ... .N) so it never grows without bound; git-ignored.
- `.orchestrator/metrics/sessions.jsonl`: one line per closed session, kept and
  committed, read by `report`.

Both are appended under concurrent writers without tearing (see jsonl.py).
Rotation takes a separate lock file so that checking the size, renaming and
appending are one step for every writer: no append can land in a file that is
being renamed away, and no two writers rotate twice.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import jsonl
from .paths import metrics_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

EVENTS = "events.jsonl"
SESSIONS = "sessions.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 3
SESSION_SCHEMA = 1


def events_path(root: Path) -> Path:
    return metrics_dir(root) / EVENTS


def sessions_path(root: Path) -> Path:
    return metrics_dir(root) / SESSIONS


def emit(root: Path, event: str, payload: dict[str, Any] | None = None, *, max_bytes: int | None = None,
         backups: int | None = None) -> None:
    """Append one event; rotate first if the log has reached `max_bytes`."""
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event}
    record.update(payload or {})
    path = events_path(root)
    limit = max_bytes if max_bytes is not None else int(os.environ.get("SO_EVENTS_MAX_BYTES", MAX_BYTES))
    keep = backups if backups is not None else BACKUPS
    try:
        import fcntl
    except ImportError:  # no flock: append only, rotation is skipped rather than made racy
        jsonl.append(path, record)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(EVENTS + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size >= limit:
            _rotate(path, keep)
        jsonl.append(path, record)
    finally:
        os.close(fd)


def _rotate(path: Path, keep: int) -> None:
    """events.jsonl -> .1 -> .2 ... ; the oldest beyond `keep` is dropped."""
    oldest = path.with_name(f"{path.name}.{keep}")
    oldest.unlink(missing_ok=True)
    for number in range(keep - 1, 0, -1):
        source = path.with_name(f"{path.name}.{number}")
        if source.exists():
            os.replace(source, path.with_name(f"{path.name}.{number + 1}"))
    if keep > 0:
        os.replace(path, path.with_name(f"{path.name}.1"))
    else:
        path.unlink(missing_ok=True)


def count_events(root: Path, event: str, start: str, end: str) -> int:
    """How many `event` lines the events log (rotated copies included) holds from `start` to `end`.

    Timestamps are all written by `emit` in one fixed ISO form, so comparing them as
    strings is comparing them as times.
    """
    base = events_path(root)
    paths = [base, *(base.with_name(f"{EVENTS}.{n}") for n in range(1, BACKUPS + 1))]
    return sum(1 for path in paths if path.exists() for line in jsonl.read(path)
               if line.get("event") == event and start <= str(line.get("ts") or "") <= end)


def guard_payload(ctx: Any, decision: Any) -> dict[str, Any]:
    """The event recorded for a denied or warned tool call.

    Besides the rule, it keeps what `evolve analyze` needs to see a pattern: the
    repository-relative paths of a write, and for a shell command a short digest
    (the same command retried gives the same digest). The command text itself
    never reaches the log: the rule names what was refused.
    """
    call = ctx.call
    payload: dict[str, Any] = {"rule": decision.rule, "tool": call.name if call else "",
                               "session_id": ctx.session_id}
    if call is None:
        return payload
    if call.paths:
        base = str(ctx.root).rstrip("/") + "/"
        cwd = str(ctx.cwd)
        paths = []
        for given in call.paths[:10]:
            full = os.path.normpath(os.path.join(cwd, given))
            paths.append(full[len(base):] if full.startswith(base) else full)
        payload["paths"] = paths
    if call.command:
        from .digest import short  # the loop guard's digest, already loaded: zlib would cost a denial ~0.2 ms

        payload["command_key"] = short(" ".join(call.command.split()), 8)
    return payload


def record_session(root: Path, record: dict[str, Any]) -> None:
    jsonl.append(sessions_path(root), record)


def read_sessions(root: Path) -> list[dict[str, Any]]:
    return jsonl.read(sessions_path(root))
