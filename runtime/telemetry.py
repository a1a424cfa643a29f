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

    from .loop.records import State

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


def session_record(root: Path, state: State, outcome: str, carryover: int | None,
                   ended: str) -> dict[str, Any]:
    """The sessions.jsonl line for a finished session (schema in docs/loop.md)."""
    from .loop.state import changed_files, parse_iso

    waves = []
    dispatched = 0
    for wave in state.get("waves", []):
        results = wave.get("results") or {}
        if wave.get("status") != "pending":
            dispatched += len(wave.get("tasks") or [])
        waves.append({
            "wave": wave["wave"], "role": wave["role"], "status": wave.get("status"),
            "tasks": len(wave.get("tasks") or []),
            "done": sum(1 for r in results.values() if r["status"] == "done"),
            "partial": sum(1 for r in results.values() if r["status"] == "partial"),
            "failed": sum(1 for r in results.values() if r["status"] == "failed"),
            "gate": wave.get("gate"), "gate_status": wave.get("gate_status"),
        })
    gates = [g for g in (state.get("baseline"), *(state.get("gates") or [])) if g]
    non_baseline = [g for g in gates if g["variant"] != "baseline"]
    regressions = sorted({name for g in non_baseline for name in g.get("regressions") or []})
    # What each blocked gate failed on, by name: a regressed test, or the check kind ("lint") when
    # the check has no per-test names. `evolve analyze` looks for the same entry across sessions.
    failing = sorted({str(name) for g in non_baseline if g.get("blocked") for name in g.get("regressions") or []}
                     | {str(problem).split(":", 1)[0] for g in non_baseline if g.get("blocked")
                        for problem in g.get("new_problems") or []})
    # Kept here, not only in STATE.md (which the next session replaces): what `evolve analyze`
    # reads across sessions. Files the reviewer flagged at or above the floor; approaches this
    # session wrote down as not to retry (entries carried over from earlier sessions excluded).
    flagged = sorted({str(f.get("file")) for r in state.get("reviews") or [] for f in r.get("findings") or []
                      if f.get("file") and float(f.get("confidence") or 0) >= float(r.get("floor") or 0)})
    started = str(state.get("started") or "")
    avoid = [str(n.get("text")) for n in state.get("not_retry") or [] if str(n.get("ts") or "") >= started]
    items = state.get("items") or []
    done_items = sum(1 for i in items if i.get("status") == "done")
    if carryover is None:
        carryover = sum(1 for i in items if i.get("status") != "done")
    start = parse_iso(str(state.get("started")))
    end = parse_iso(ended)
    return {
        "schema_version": SESSION_SCHEMA,
        "id": state.get("session_id"),
        "type": state.get("type"),
        "branch": state.get("branch"),
        "started": state.get("started"),
        "ended": ended,
        "duration_s": max(0, int(end - start)) if start and end else None,
        "total_waves": state.get("total_waves"),
        "waves": waves,
        "gates": {
            "run": len(non_baseline),
            "passed": sum(1 for g in non_baseline if not g.get("blocked")),
            "blocked": sum(1 for g in non_baseline if g.get("blocked")),
            "baseline": bool(state.get("baseline")),
            "last": ({"variant": non_baseline[-1]["variant"], "blocked": non_baseline[-1]["blocked"]}
                     if non_baseline else None),
        },
        "regressions_caught": len(regressions),
        "regressions": regressions[:20],
        "gate_failures": failing[:20],
        "review_files": flagged[:20],
        "not_retry": avoid[-10:],
        "files_changed": len(changed_files(root, str(state.get("start_ref") or ""))),
        "agents_dispatched": dispatched,
        "items_planned": len(items),
        "items_done": done_items,
        "carryover": carryover,
        "deviations": len(state.get("deviations") or []),
        # Counted now, from the events log: the log is rotated and git-ignored, the record is kept.
        "guard_denials": count_events(root, "guard.denied", started, ended) if started else None,
        "outcome": outcome,
    }


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
        from zlib import crc32

        words = call.command.split()
        payload["command_key"] = f"{crc32(' '.join(words).encode('utf-8', 'replace')):08x}"
    return payload


def record_session(root: Path, record: dict[str, Any]) -> None:
    jsonl.append(sessions_path(root), record)


def read_sessions(root: Path) -> list[dict[str, Any]]:
    return jsonl.read(sessions_path(root))
