# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`session start|status|pause|close`: the command line of the session life cycle (`loop/session.py`).

Parsing and printing live here so the life cycle itself is functions that take plain values;
`status` is only a view, so all of it is here.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from ..core.config import SESSION_TYPES
from ..core.words import count
from ..loop.session import (
    EXIT_UNFINISHED,
    OUTCOMES,
    CloseRefusedError,
    close,
    describe,
    enforcement,
    enforcement_lines,
    gate_brief,
    last_completed_wave,
    next_step,
    pause,
    start,
)


def add_arguments(parser: ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="session_command", metavar="<start|status|pause|close>", required=True)
    start_p = sub.add_parser("start", help="Start a session, or resume or archive an unfinished one.")
    start_p.add_argument("type", choices=SESSION_TYPES)
    mode = start_p.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="continue the unfinished session")
    mode.add_argument("--fresh", action="store_true", help="archive the unfinished session and start anew")
    start_p.add_argument("--force", action="store_true",
                         help="with --fresh: take over even if the other session looks live")
    status_p = sub.add_parser("status", help="Show the current session, its waves, gates and breakers.")
    status_p.add_argument("--json", action="store_true")
    sub.add_parser("pause", help="Pause the session; /session resumes it later.")
    close_p = sub.add_parser("close", help="Close the session and append its metrics record.")
    close_p.add_argument("--outcome", choices=OUTCOMES, default="completed")
    close_p.add_argument("--carryover", type=int, default=None, metavar="N",
                         help="number of carryover entries (default: plan items the evidence does not show done)")
    close_p.add_argument("--reason", default="",
                         help="with --outcome partial: why the waves not run are skipped (recorded with each)")


def run(args: Namespace) -> int:
    from ..core.paths import project_root
    from ..loop.state import StateError

    root = project_root()
    try:
        if args.session_command == "start":
            return _start(root, args.type, resume=args.resume, fresh=args.fresh, force=args.force)
        if args.session_command == "status":
            return status(root, as_json=args.json)
        if args.session_command == "pause":
            state = pause(root)
            print(f"paused {describe(state)}. Resume with /session (runtime: 'session start {state['type']} "
                  "--resume').")
            return 0
        return _close(root, args.outcome, args.carryover, args.reason)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _start(root: Path, session_type: str, resume: bool, fresh: bool, force: bool) -> int:
    result = start(root, session_type, resume=resume, fresh=fresh, force=force)
    if result["backstop"]:
        print(result["backstop"])
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    state = result["state"]
    if result["outcome"] == "resumed":
        wave = state["waves"][state["current_wave"] - 1] if state.get("waves") else None
        print(f"resumed {describe(state)}")
        if not state.get("plan_set"):
            print("next: no plan is recorded yet; record one with 'plan set -', then /go starts wave 1.")
        elif wave is not None:
            print(f"next: /go continues at wave {wave['wave']} ({wave['role']}): "
                  f"'python3 .orchestrator/runtime wave start {wave['wave']}'")
        if state["type"] != session_type:
            print(f"note: the session keeps its type {state['type']!r}; {session_type!r} was ignored.")
        return 0
    if result["outcome"] == "unfinished":
        # The command offered is one that works: a live session is taken over only with --force.
        live = result["live"]
        note = " It changed recently, so another agent may be working in it right now." if live else ""
        anew = "--fresh --force" if live else "--fresh"
        caution = "only if no agent is working in it; " if live else ""
        print(f"an unfinished session exists: {describe(state)}.{note}\n"
              f"  resume it:   python3 .orchestrator/runtime session start {state['type']} --resume\n"
              f"  start anew:  python3 .orchestrator/runtime session start {session_type} {anew} "
              f"({caution}the old record is archived, not deleted)")
        return EXIT_UNFINISHED
    if result["outcome"] == "live":
        print(f"session {state['session_id']} is active and changed at {state['updated']} (pid "
              f"{state.get('pid')}); another agent may be working in it. Pause or close it there first "
              "('session pause'), or add --force to archive it anyway.", file=sys.stderr)
        return EXIT_UNFINISHED
    ref, total, cleared = result["ref"], result["total"], result["cleared"]
    print(f"session {state['session_id']} started ({session_type}, {total} waves, start ref "
          f"{ref[:12] or 'none (not a git repository)'}).")
    for wave in state["waves"]:
        gate = f", gate {wave['gate']} after" if wave["gate"] else ""
        print(f"  wave {wave['wave']}: {wave['role']} (up to {count(wave['max_agents'], 'agent')}{gate})")
    if cleared:
        print(f"cleared {count(cleared, 'circuit breaker')} from the previous session.")
    print("next: 'gate baseline', then agree the plan ('plan template', 'plan set -').")
    return 0


def _close(root: Path, outcome: str, carryover: int | None, reason: str) -> int:
    try:
        result = close(root, outcome, carryover, reason)
    except CloseRefusedError as exc:
        print(f"session not closed: {exc}", file=sys.stderr)
        return 2
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    state, record, skipped = result["state"], result["record"], result["skipped"]
    minutes = (record["duration_s"] or 0) / 60
    print(f"session {state['session_id']} closed: {outcome}, {minutes:.0f} min, waves "
          f"{last_completed_wave(state)}/{state['total_waves']}, items done {record['items_done']}/"
          f"{record['items_planned']}, carryover {record['carryover']}, gates {record['gates']['passed']}/"
          f"{record['gates']['run']} passed, regressions caught {record['regressions_caught']}, files changed "
          f"{record['files_changed']}.")
    if skipped:
        print(f"waves {', '.join(map(str, skipped))} were not run: recorded as skipped; the unfinished items go to "
              "carryover ('close carryover').")
    if result["kept"]:
        print("recorded in .orchestrator/metrics/sessions.jsonl; 'close commit' commits it with the session's files.")
    else:
        print("recorded in .orchestrator/metrics/sessions.jsonl; STATE.md removed (persistence: false).")
    return 0


def status(root: Path, as_json: bool = False) -> int:
    from ..guards import breaker
    from ..loop.state import StateCorruptError, load

    breakers = breaker.active(root)
    try:
        state = load(root)
    except StateCorruptError as exc:
        if as_json:
            print(json.dumps({"session": None, "error": str(exc), "breakers": breakers,
                              "enforcement": enforcement(root)}))
        else:
            print(f"STATE.md problem: {exc}")
        return 1
    if as_json:
        from ..unattended.policy import active

        out: dict[str, Any] = {"session": None, "breakers": breakers, "enforcement": enforcement(root),
                               "unattended": active()}
        if state is not None:
            out["session"] = {k: state.get(k) for k in ("session_id", "type", "status", "current_wave",
                                                        "total_waves", "started", "updated", "start_ref", "branch")}
            out["session"]["last_completed_wave"] = last_completed_wave(state)
            out["session"]["plan_set"] = bool(state.get("plan_set"))
            out["waves"] = [{k: w.get(k) for k in ("wave", "role", "status", "gate", "gate_status", "max_agents")}
                            for w in state["waves"]]
            out["items"] = state.get("items", [])
            gates = state.get("gates") or []
            out["last_gate"] = gate_brief(gates[-1] if gates else None)
            out["baseline"] = gate_brief(state.get("baseline"))
            out["gate_overrides"] = state.get("gate_overrides") or {}
            out["accepted_lost"] = state.get("accepted_lost") or []
        print(json.dumps(out, indent=2))
        return 0
    if state is None:
        print("no session; start one with /session (runtime: 'session start <housekeeping|feature|deep>').")
    else:
        print(describe(state))
        for wave in state["waves"]:
            gate = f"; gate {wave['gate']}: {wave.get('gate_status') or 'not run'}" if wave.get("gate") else ""
            print(f"  wave {wave['wave']} {wave['role']}: {wave['status']}{gate}")
        baseline = state.get("baseline")
        print(f"  baseline: {'recorded ' + baseline['ts'] if baseline else 'not recorded'}; "
              f"plan: {'recorded' if state.get('plan_set') else 'not recorded'}")
        for kind, entry in (state.get("gate_overrides") or {}).items():
            print(f"  OVERRIDE: the {kind} check may be left unchecked when it cannot run ({entry.get('reason')})")
        for entry in state.get("accepted_lost") or []:
            print(f"  ACCEPTED LOST: {entry.get('test')} removed on purpose ({entry.get('reason')})")
        if state["status"] == "active":
            print(f"  next: {next_step(state)}")
    if breakers:
        print(f"circuit breaker tripped ({len(breakers)}):")
        for entry in breakers[-3:]:
            print(f"  - {entry.get('kind')}: {entry.get('reason')} ({entry.get('ts')})")
        print(f"  no wave or subagent starts until a gate passes or the user runs: {breaker.ACK}")
    for line in enforcement_lines(root):
        print(line)
    from ..unattended.policy import notice_lines

    for line in notice_lines():
        print(line)
    return 0
