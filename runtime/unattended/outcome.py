# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""How an unattended session really ended, read from the runtime's records and git.

The agent's last message may say "all done"; nobody checks it. Before the next session may start,
the loop reads instead what the runtime wrote: a new line in `sessions.jsonl` (written only by
`session close`, which refuses `completed` unless the evidence ledger passes), the closed state,
the ledger rebuilt now on the tree as it is, and a commit that holds the session's record. Only
all of that together is `verified`; a partial or abandoned close is `carried` (the runtime filed
what is left); a session still open is `unclosed`; no session at all is `no-session`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def head(root: Path) -> str | None:
    from ..core.proc import run

    code, out, _ = run(["git", "rev-parse", "-q", "--verify", "HEAD"], root, 10)
    return out.strip() if code == 0 else None


def before(root: Path) -> dict[str, Any]:
    """What to compare with once the session has ended."""
    from ..core.telemetry import read_sessions

    return {"sessions": len(read_sessions(root)), "head": head(root)}


def _committed_record(root: Path, session_id: str) -> bool:
    """Whether HEAD's sessions.jsonl holds this session's line: `close commit` committed the close."""
    from ..core.proc import run

    code, out, _ = run(["git", "show", "HEAD:.orchestrator/metrics/sessions.jsonl"], root, 20)
    if code != 0:
        return False
    for line in out.splitlines():
        try:
            if json.loads(line).get("id") == session_id:
                return True
        except (ValueError, AttributeError):
            continue
    return False


def gate_sequence(state: Any, record: dict[str, Any] | None) -> list[bool]:
    """The session's gates in order, True where blocked (baselines left out): from the state when it
    is this session's, else approximated from the sessions.jsonl counts (the blocked ones last)."""
    if state is not None and (record is None or state.get("session_id") == record.get("id")):
        return [bool(g.get("blocked")) for g in state.get("gates") or [] if g.get("variant") != "baseline"]
    if record is None:
        return []
    gates = record.get("gates") or {}
    passed, blocked = int(gates.get("passed") or 0), int(gates.get("blocked") or 0)
    last_blocked = bool((gates.get("last") or {}).get("blocked"))
    return [False] * passed + [True] * blocked if last_blocked else [True] * blocked + [False] * passed


def read(root: Path, was: dict[str, Any]) -> dict[str, Any]:
    """{'outcome', 'why', 'session_id', 'record', 'gates', 'committed', 'items_planned', 'items_done'}."""
    from ..core.telemetry import read_sessions
    from ..loop.state import StateError, load

    records = read_sessions(root)[int(was.get("sessions") or 0):]
    record = records[-1] if records else None
    try:
        state = load(root)
    except StateError as exc:
        return {"outcome": "unclosed", "why": f"STATE.md cannot be read: {exc}", "session_id": None,
                "record": record, "gates": [], "committed": False}
    out: dict[str, Any] = {"session_id": (record or {}).get("id") or (state or {}).get("session_id"),
                           "record": record, "gates": gate_sequence(state, record), "committed": False,
                           "items_planned": (record or {}).get("items_planned"),
                           "items_done": (record or {}).get("items_done")}
    if state is not None and state.get("status") in ("active", "paused"):
        out.update(outcome="unclosed", session_id=state["session_id"],
                   why=f"session {state['session_id']} is still {state['status']}: the agent ended without a close")
        return out
    if record is None:
        out.update(outcome="no-session", why="no session was closed in this run (sessions.jsonl has no new line)")
        return out
    out["committed"] = head(root) != was.get("head") and _committed_record(root, str(record.get("id")))
    if record.get("outcome") != "completed":
        closed = f"closed as {record.get('outcome')}: {record.get('carryover') or 0} item(s) carried over"
        if out["committed"]:
            out.update(outcome="carried", why=closed)
        else:
            out.update(outcome="unverified", why=closed + ", but the close is not committed")
        return out
    problems = []
    if state is not None and state.get("session_id") == record.get("id"):
        from ..loop.ledger import build

        ledger = build(root, state)
        if not ledger["passed"]:
            unproven = [f"{i['id']} ({i['missing'][0]})" for i in ledger["items"] if i["verdict"] != "done"]
            problems.append("the evidence ledger no longer passes: " + ("; ".join(unproven) or "no items"))
    if not out["committed"]:
        problems.append("the close was not committed (HEAD does not hold the session's sessions.jsonl line)")
    if problems:
        out.update(outcome="unverified", why="; ".join(problems))
    else:
        out.update(outcome="verified", why="closed completed; the ledger passes and the close is committed")
    return out
