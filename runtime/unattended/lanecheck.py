# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The two facts a lane must prove before it merges: its session closed verified, and the merged code passes.

Both are read from the file system and git, never from what the lane's agent reports: the
session record the loop wrote in the lane (closed `completed`, every item `done`), its line
in the lane's `sessions.jsonl`, and the evidence ledger rebuilt now (the last full gate ran
on exactly the code the lane holds). The gate on the merged result is the loop's own gate
runner and comparison, judged against the lane session's baseline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .lanerecord import Lane, LaneRefusedError, is_ancestor


def _session(lane_path: Path) -> Any:
    """The lane's session record: the live one, else the newest archived close (a newer session may have
    replaced the live record's view)."""
    from ..core.paths import state_dir
    from ..loop.state import StateError, load, parse_record

    try:
        state = load(lane_path)
    except StateError as exc:
        raise LaneRefusedError(f"the lane's session record cannot be read: {exc}") from None
    if state is not None:
        return state
    archives = sorted((state_dir(lane_path) / "archive").glob("*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(archives):
        if not path.name.startswith("session-"):
            try:
                return parse_record(path.read_text(encoding="utf-8"), str(path))
            except (OSError, StateError):
                continue
    return None


def _recorded_outcome(lane_path: Path, session_id: str) -> str | None:
    from ..core.paths import metrics_dir

    path = metrics_dir(lane_path) / "sessions.jsonl"
    outcome = None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("id") == session_id:
            outcome = str(row.get("outcome"))
    return outcome


def verified_close(lane: Lane) -> dict[str, Any]:
    """{'session', 'items'} of the lane's verified close; LaneRefusedError saying what is missing otherwise."""
    from ..loop.ledger import build

    where = lane.path / ".orchestrator" / "state" / "session.json"
    state = _session(lane.path)
    if state is None:
        raise LaneRefusedError(f"lane {lane.name} has no session record ({where}): run a session in the lane and "
                               "close it before merging")
    sid = str(state.get("session_id") or "")
    if sid == lane.inherited_session or not is_ancestor(lane.path, lane.base, str(state.get("start_ref") or "")):
        raise LaneRefusedError(f"lane {lane.name} has not run a session of its own (the record {where} is session "
                               f"{sid or '?'}, which did not start from the lane's base {lane.base[:12]})")
    if state.get("status") != "completed":
        raise LaneRefusedError(f"lane {lane.name}: session {sid} is {state.get('status')}, not closed ({where}); "
                               "finish it with /close")
    if state.get("outcome") != "completed":
        raise LaneRefusedError(f"lane {lane.name}: session {sid} closed {state.get('outcome')}, not completed "
                               f"({where}); only a verified, completed close merges")
    verdicts = state.get("verdicts") or {}
    open_items = [item for item, verdict in verdicts.items() if verdict != "done"]
    if not verdicts or open_items:
        raise LaneRefusedError(f"lane {lane.name}: session {sid} has no verified items"
                               + (f" (unproven: {', '.join(open_items)})" if open_items else "") + f" ({where})")
    recorded = _recorded_outcome(lane.path, sid)
    if recorded != "completed":
        raise LaneRefusedError(f"lane {lane.name}: .orchestrator/metrics/sessions.jsonl in the lane has "
                               + ("no line for" if recorded is None else f"outcome {recorded} for")
                               + f" session {sid}")
    ledger = build(lane.path, state)
    if not ledger["passed"]:
        why = "; ".join(f"{i['id']}: {i['missing'][0]}" for i in ledger["items"] if i["verdict"] != "done")
        raise LaneRefusedError(f"lane {lane.name}: the evidence ledger no longer passes "
                               f"({why or ledger['gate']['why']}); the lane changed after its close. "
                               "Run 'close verify' in the lane")
    return {"session": sid, "items": sorted(verdicts)}


def merged_gate(lane: Lane, timeout: float | None = None) -> dict[str, Any]:
    """The full gate on the lane's checkout as it is now (the merged result), compared with the lane session's
    baseline. Runs with the lane's environment overlay, as the lane's own gates would. Records nothing in
    the session (it is closed); returns {'blocked', 'summary', 'regressions', 'new_problems', 'broken', ...}."""
    from ..loop.checkrun import OneGate
    from ..loop.detect import resolve
    from ..loop.gates import KINDS, compare, run_watched
    from ..loop.losttests import accepted
    from ..loop.losttests import load as with_test_names
    from ..loop.state import session_config

    state = _session(lane.path)
    if state is None:
        raise LaneRefusedError(f"lane {lane.name} has no session record to take the gate's baseline from")
    config = session_config(lane.path)
    limit = float(timeout if timeout is not None else config.get("gate-timeout", 1800))
    commands = {kind: resolve(kind, str(config.get(f"{kind}-command", "auto")), lane.path) for kind in KINDS}
    from ..core.proc import EnvOverlay

    with EnvOverlay(lane.env()), OneGate(lane.path):
        checks, wrote = run_watched(commands, lane.path, limit, label="gate full (merged lane)")
    wrote.pop("_after", None)
    judged = compare(with_test_names(lane.path, state.get("baseline")), checks,
                     state.get("gate_overrides") or {}, accepted(state))
    if wrote.get("files"):
        judged["blocked"] = True
        judged["new_problems"] = [*judged["new_problems"], "the gate wrote files: " + ", ".join(wrote["files"][:5])]
    failing = judged["regressions"] + judged["new_problems"] + [f"{b['kind']}: cannot run" for b in judged["broken"]]
    return {"blocked": judged["blocked"], "regressions": judged["regressions"],
            "new_problems": judged["new_problems"], "broken": [b["kind"] for b in judged["broken"]],
            "checks": {kind: {"ok": bool(c.get("ok")), "skipped": bool(c.get("skipped")), "exit": c.get("exit"),
                              "log": c.get("log")} for kind, c in checks.items()},
            "summary": "; ".join(failing) if failing else "passed"}
