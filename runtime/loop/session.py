# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`session start|status|pause|close`: the life cycle of STATE.md.

A session is a record, not a process: the agent calls the runtime many times
and may crash or be closed between calls. So `start` always looks for an
unfinished record first and makes the choice explicit (resume or archive), and
`close` refuses to call a session completed unless the full gate ran after the
last wave.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from .records import Gate, State

OUTCOMES = ("completed", "partial", "abandoned")
EXIT_UNFINISHED = 3


# --- helpers ---------------------------------------------------------------


def last_completed_wave(state: State) -> int:
    done = 0
    for wave in state.get("waves", []):
        if wave.get("status") != "done":
            break
        done = wave["wave"]
    return done


def resume_wave(state: State) -> int:
    """The first wave that is not done (the active one, if a wave was interrupted)."""
    for wave in state.get("waves", []):
        if wave.get("status") != "done":
            return int(wave["wave"])
    return int(state.get("total_waves", 0))


def describe(state: State) -> str:
    open_items = [i["id"] for i in state.get("items", []) if i.get("status") != "done"]
    active = [w["wave"] for w in state.get("waves", []) if w.get("status") == "active"]
    parts = [f"session {state['session_id']} ({state['type']}), {state['status']}, started {state['started']}",
             f"last completed wave: {last_completed_wave(state)} of {state['total_waves']}"
             + (f"; wave {active[0]} was in progress" if active else ""),
             "open items: " + (", ".join(open_items) if open_items else
                               "none" if state.get("plan_set") else "no plan yet")]
    return "; ".join(parts)


def _new_id(session_type: str) -> str:
    import secrets  # only here: it pulls in random and OpenSSL, which other commands need not pay for

    return f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{session_type}-{secrets.token_hex(2)}"


# --- the life cycle --------------------------------------------------------


def start(root: Path, session_type: str, resume: bool = False, fresh: bool = False, force: bool = False
          ) -> dict[str, Any]:
    """Start a session of `session_type`, or resume or archive the unfinished one; returns what happened.

    The result's `outcome` says which: `started` (with `state`, `ref`, `total`, `cleared` breakers),
    `resumed` (with `state`), or a refusal that records nothing: `unfinished` (an unfinished session
    exists and neither --resume nor --fresh was given; `live` says whether it changed recently) or
    `live` (--fresh without --force on a session another agent may be working in). Every result
    carries `backstop` (what re-placing the git backstop said, or "") and `notes` (warnings).
    Raises StateError: --resume with nothing to resume, a corrupt STATE.md without --fresh.
    """
    from ..core import telemetry
    from ..core.paths import orch_dir
    from ..core.proc import git
    from ..guards import breaker
    from .state import (
        StateCorruptError,
        StateError,
        is_live,
        load,
        locked,
        new_state,
        now_iso,
        render,
        render_record,
        save,
        session_config,
    )
    from .waves import wave_entries

    config = session_config(root)
    from ..guards.githooks import ensure

    backstop = ensure(root, config.get("git-backstop"))  # husky and lefthook rewrite the hook file they share
    notes: list[str] = []
    with locked(root):
        try:
            old = load(root)
        except StateCorruptError as exc:
            if not fresh:
                raise
            notes.append(str(exc))
            old = None
        if old is not None and old.get("status") in ("active", "paused"):
            if resume:
                old["status"] = "active"
                old["current_wave"] = resume_wave(old)
                old["history"].append({"ts": now_iso(), "event": "resumed"})
                save(root, old)
                telemetry.emit(root, "session.resumed", {"session_id": old["session_id"],
                                                         "wave": old["current_wave"]})
                return {"outcome": "resumed", "state": old, "backstop": backstop, "notes": notes}
            if not fresh:
                return {"outcome": "unfinished", "state": old, "live": is_live(old), "backstop": backstop,
                        "notes": notes}
            if is_live(old) and not force:
                return {"outcome": "live", "state": old, "backstop": backstop, "notes": notes}
        elif resume:
            raise StateError("there is no unfinished session to resume; start one without --resume")
        if old is not None and (fresh or old.get("status") == "completed"):
            archive = orch_dir(root) / "state" / "archive" / f"STATE-{old['session_id']}.md"
            archive.parent.mkdir(parents=True, exist_ok=True)
            archive.write_text(render(old), encoding="utf-8")
            archive.with_name(f"session-{old['session_id']}.json").write_text(render_record(old), encoding="utf-8")
            if old.get("status") != "completed":
                telemetry.emit(root, "session.archived", {"session_id": old["session_id"], "archive": str(archive)})
        ref = git(root, "rev-parse", "HEAD")
        branch = git(root, "rev-parse", "--abbrev-ref", "HEAD")
        total = int(config.get("waves", 5))
        state = new_state(_new_id(session_type), session_type, total, ref, branch)
        state["waves"] = wave_entries(total, session_type, config.agents_for(session_type))
        if old is not None:
            state["not_retry"] = list(old.get("not_retry") or [])[-10:]  # lessons outlive a session
        from ..guards.pinning import pinned_values, values_of

        fixed = pinned_values(root) or values_of(config)
        state["enforcement"] = {key.replace("-", "_"): value for key, value in fixed.items()}
        save(root, state)
    cleared = breaker.clear(root)
    from .waves import remove_scope

    remove_scope(root)
    telemetry.emit(root, "session.started", {"session_id": state["session_id"], "type": session_type,
                                             "waves": total})
    return {"outcome": "started", "state": state, "ref": ref, "total": total, "cleared": cleared,
            "backstop": backstop, "notes": notes}


def enforcement(root: Path) -> dict[str, Any]:
    """The values the latest agent session runs under, and per agent whether its hooks fire."""
    from ..guards.pinning import agents, pinned_values

    return {"pinned": pinned_values(root),
            "agents": [{"platform": name, "label": label, "status": level, "detail": why}
                       for name, label, level, why in agents(root)]}


def enforcement_lines(root: Path) -> list[str]:
    from ..guards.pinning import summary_lines

    pinned = enforcement(root)["pinned"]
    head = [f"enforcement fixed at the latest session start: {pinned.get('enforcement')}"
            + (", allow-destructive-ops: true" if pinned.get("allow-destructive-ops") else "")] if pinned else []
    return head + summary_lines(root)


def gate_brief(record: Gate | None) -> dict[str, Any] | None:
    if not record:
        return None
    return {k: record.get(k) for k in ("variant", "wave", "ts", "blocked", "regressions", "new_problems", "lost")}


def next_step(state: State) -> str:
    if not state.get("baseline"):
        return "'gate baseline'"
    if not state.get("plan_set"):
        return "record the plan: 'plan template', then 'plan set -'"
    for wave in state["waves"]:
        if wave["status"] == "active":
            return f"finish wave {wave['wave']}: 'wave done {wave['wave']} --task <ID>=<status> ...'"
        if wave["status"] == "pending":
            return f"'wave start {wave['wave']}'"
        if wave.get("gate") and wave.get("gate_status") != "passed":
            return f"'gate {wave['gate']}' (after wave {wave['wave']})"
    return "/close: 'gate full', then 'session close'"


def pause(root: Path) -> State:
    """Pause the active session (the scope file goes with it); raises StateError when none is active."""
    from ..core import telemetry
    from .state import StateError, now_iso, update
    from .waves import remove_scope

    def change(state: State) -> State:
        if state.get("status") != "active":
            raise StateError(f"session {state['session_id']} is {state['status']}, not active; nothing to pause")
        state["status"] = "paused"
        state["history"].append({"ts": now_iso(), "event": "paused"})
        return state

    state: State = update(root, change)
    remove_scope(root)
    telemetry.emit(root, "session.paused", {"session_id": state["session_id"], "wave": state["current_wave"]})
    return state


def close_refusal(state: State, outcome: str) -> str | None:
    """Why the waves and gates do not allow this outcome, or None. `partial` is allowed at any wave: the
    waves not run are recorded as skipped and the unfinished items carried over."""
    if outcome in ("abandoned", "partial"):
        return None
    total = len(state.get("waves", []))
    full = [g for g in state.get("gates") or [] if g["variant"] == "full" and g.get("wave") == total]
    if last_completed_wave(state) < total:
        return (f"only {last_completed_wave(state)} of {total} waves are done; finish them with /go, or close "
                "with --outcome partial (the waves not run are recorded as skipped and the unfinished items "
                "carried over)")
    if not full:
        return "the full gate has not run after the last wave; run 'python3 .orchestrator/runtime gate full' first"
    if full[-1].get("blocked"):
        named = ", ".join((full[-1].get("regressions") or []) + (full[-1].get("new_problems") or []))
        return (f"the last full gate is blocked ({named}); fix it and rerun 'gate full', or close with "
                "--outcome partial and carry the work over")
    return None


def evidence_refusal(ledger: dict[str, Any]) -> str | None:
    """Why `completed` is refused by the evidence ledger (`close verify`), naming each unproven item."""
    if ledger["passed"]:
        return None
    if not ledger["items"]:
        return "no plan items are recorded, so nothing is verified; close with --outcome partial or abandoned"
    named = "; ".join(f"{i['id']} ({i['missing'][0]})" for i in ledger["items"] if i["verdict"] != "done")
    return (f"'close verify' does not pass: {named}. See 'python3 .orchestrator/runtime close verify'; fix what "
            "is missing, or close with --outcome partial and carry the rest over")


def skip_waves(state: State, reason: str, when: str) -> list[int]:
    """Mark every wave not done as skipped, with why; returns their numbers."""
    skipped = []
    for wave in state.get("waves", []):
        if wave.get("status") != "done":
            wave["status"] = "skipped"
            wave["skip_reason"] = reason
            wave["ended"] = when
            skipped.append(int(wave["wave"]))
    return skipped


class CloseRefusedError(Exception):
    """The waves, the gates or the evidence do not allow this outcome; nothing was recorded."""


def close(root: Path, outcome: str, carryover: int | None, reason: str = "") -> dict[str, Any]:
    """Close the active (or paused) session with `outcome` and append its metrics record.

    Returns `state`, `record` (the sessions.jsonl line), `skipped` (the waves recorded as skipped),
    `kept` (whether STATE.md stays, per `persistence`) and `notes` (warnings). Raises
    CloseRefusedError saying why the outcome is not allowed, StateError for a bad --reason or no session.
    """
    from ..core import telemetry
    from ..core.paths import state_file
    from ..guards import breaker
    from .plan import placeholder
    from .sessionrecord import session_record
    from .state import StateError, load, locked, now_iso, record_file, require_active, save
    from .waves import remove_scope

    why_not = placeholder(reason) if reason.strip() else None
    if why_not:
        raise StateError(f"--reason: {why_not}; say in your own words why the session stops here")
    with locked(root):
        state = load(root)
        if state is None or state.get("status") != "paused":
            state = require_active(state)  # a paused session may be closed too
        refusal = close_refusal(state, outcome)
        ledger = None
        if refusal is None and outcome != "abandoned":
            from .ledger import build

            ledger = build(root, state)
            refusal = evidence_refusal(ledger) if outcome == "completed" else None
        if refusal:
            raise CloseRefusedError(refusal)
        ended = now_iso()
        skipped: list[int] = []
        if outcome != "completed":
            why = reason.strip() or f"the session was closed early ({outcome})"
            skipped = skip_waves(state, why, ended)
        if ledger is not None:
            state["verdicts"] = {str(i["id"]): i["verdict"] for i in ledger["items"]}
            if carryover is None:
                carryover = sum(1 for i in ledger["items"] if i["verdict"] != "done")
        record = session_record(root, state, outcome, carryover, ended)
        state["status"] = "completed"
        state["outcome"] = outcome
        state["ended"] = ended
        state["history"].append({"ts": ended, "event": f"closed ({outcome})"
                                 + (f"; waves {', '.join(map(str, skipped))} skipped" if skipped else "")})
        save(root, state)
        telemetry.record_session(root, record)
    remove_scope(root)
    breaker.clear(root)
    telemetry.emit(root, "session.closed", {"session_id": state["session_id"], "outcome": outcome})
    kept = _persistence(root)
    notes: list[str] = []
    if kept:  # evolve reads closed sessions' records; the next session overwrites session.json
        notes.extend(_archive(root, state))
    else:  # the record lives on in sessions.jsonl; nothing carries into the next session
        state_file(root).unlink(missing_ok=True)
        record_file(root).unlink(missing_ok=True)
    return {"state": state, "record": record, "skipped": skipped, "kept": kept, "notes": notes}


def _archive(root: Path, state: State) -> list[str]:
    """Keep a copy of the closed session's record; returns a note when it could not be written."""
    from ..core.fsutil import write_atomic
    from ..core.paths import state_dir
    from .state import render_record

    try:
        write_atomic(state_dir(root) / "archive" / f"{state['session_id']}.json", render_record(state))
    except OSError as exc:  # the session is closed and recorded in sessions.jsonl; the archive is a convenience
        return [f"could not archive the session record: {exc}"]
    return []


def _persistence(root: Path) -> bool:
    from ..core.config import load_or_defaults

    config, _ = load_or_defaults(root)
    return bool(config.get("persistence", True))
