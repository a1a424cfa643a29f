# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Wave layouts, agent caps, and `wave start|done`.

The five roles are fixed; the Session Config's `waves` only decides how they are
spread over waves (docs/loop.md). Starting a wave writes the edit scope the
hooks enforce, so scope is always the plan's, never what the agent remembers.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from .records import Scope, State, Wave

# Most agents one role may use, by session type, before the agents-per-wave cap.
ROLE_CAPS: dict[str, dict[str, int]] = {
    "housekeeping": {"Discovery": 1, "Impl-Core": 2, "Impl-Polish": 1, "Quality": 1, "Finalization": 1},
    "feature": {"Discovery": 3, "Impl-Core": 4, "Impl-Polish": 3, "Quality": 2, "Finalization": 1},
    "deep": {"Discovery": 5, "Impl-Core": 8, "Impl-Polish": 6, "Quality": 4, "Finalization": 2},
}

TEST_PATTERNS = ("tests/", "test/", "**/test_*.py", "**/*_test.py", "**/*.test.*", "**/*.spec.*", "**/*_test.go")
DOC_PATTERNS = ("README*", "docs/", "CHANGELOG*")



def layout(total: int) -> list[list[str]]:
    """The roles each wave carries, for `waves: total` (3 or more)."""
    if total < 3:
        raise ValueError(f"waves must be 3 or more, got {total}")
    if total == 3:
        return [["Discovery", "Impl-Core"], ["Impl-Polish", "Quality"], ["Finalization"]]
    if total == 4:
        return [["Discovery"], ["Impl-Core", "Impl-Polish"], ["Quality"], ["Finalization"]]
    impl = total - 3  # 5 -> 2 implementation waves; more split Core and Polish work further
    core = math.ceil(impl / 2)
    return [["Discovery"], *([["Impl-Core"]] * core), *([["Impl-Polish"]] * (impl - core)), ["Quality"],
            ["Finalization"]]


def role_name(roles: list[str]) -> str:
    return "+".join(roles)


def gate_for(roles: list[str]) -> str | None:
    """Which gate must pass after a wave: full after Quality, incremental after implementation."""
    if "Quality" in roles:
        return "full"
    if "Impl-Core" in roles or "Impl-Polish" in roles:
        return "incremental"
    return None


def cap_for(roles: list[str], session_type: str, agents_per_wave: int) -> int:
    caps = ROLE_CAPS.get(session_type, ROLE_CAPS["feature"])
    return max(1, min(max(caps[r] for r in roles), agents_per_wave))


def wave_entries(total: int, session_type: str, agents_per_wave: int) -> list[Wave]:
    """The per-wave records a new session starts with."""
    entries: list[Wave] = []
    for number, roles in enumerate(layout(total), start=1):
        entries.append({
            "wave": number,
            "role": role_name(roles),
            "roles": roles,
            "max_agents": cap_for(roles, session_type, agents_per_wave),
            "read_only": roles == ["Discovery"],
            "gate": gate_for(roles),
            "gate_status": None,
            "status": "pending",
            "tasks": [],
            "results": {},
        })
    return entries


# --- scope -----------------------------------------------------------------


def scope_path(root: Path) -> Path:
    from ..core.paths import state_dir

    return state_dir(root) / "scope.json"


def build_scope(state: State, wave: Wave, enforcement: str, root: Path) -> Scope:
    """The scope contract the guard reads: which paths this wave's agents may write."""
    from .state import changed_files

    allowed: list[str] = []
    by_agent: dict[str, list[str]] = {}
    for task in wave.get("tasks", []):
        for path in task.get("files") or []:
            if path not in allowed:
                allowed.append(path)
            agent = str(task.get("agent") or "")  # plan set refuses a task without a known agent
            by_agent.setdefault(agent, [])
            if path not in by_agent[agent]:
                by_agent[agent].append(path)
    roles = wave.get("roles", [])
    extra: list[str] = []
    if "Quality" in roles:
        extra = [*changed_files(root, state.get("start_ref", "")), *TEST_PATTERNS]
    if "Finalization" in roles:
        extra += list(DOC_PATTERNS)
    for path in extra:
        if path not in allowed:
            allowed.append(path)
    scope: Scope = {
        "session_id": state.get("session_id"),
        "wave": wave.get("wave"),
        "role": wave.get("role"),
        "enforcement": enforcement,
        "allowed": [] if wave.get("read_only") else allowed,
        "read_only": bool(wave.get("read_only")),
    }
    if len(by_agent) > 1 and not wave.get("read_only"):
        scope["agents"] = {name: [*paths, *extra] for name, paths in by_agent.items()}
    return scope


def write_scope(root: Path, scope: Scope) -> None:
    import json

    from ..core.fsutil import write_atomic

    write_atomic(scope_path(root), json.dumps(scope, indent=2, ensure_ascii=False) + "\n")


def remove_scope(root: Path) -> None:
    scope_path(root).unlink(missing_ok=True)


# --- CLI -------------------------------------------------------------------


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="wave_command", metavar="<start|done>", required=True)
    start = sub.add_parser("start", help="Start wave N: check the previous gate, set the edit scope, print briefs.")
    start.add_argument("number", type=int, metavar="N")
    done = sub.add_parser("done", help="Finish wave N: record task results and deviations. On a wave that is "
                                       "already done, --task adds or corrects results without reopening it.")
    done.add_argument("number", type=int, metavar="N")
    done.add_argument("--task", action="append", default=[], metavar="ID=done|partial|failed[:note]")
    done.add_argument("--deviation", action="append", default=[], metavar="TEXT")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from .state import StateError

    root = project_root()
    try:
        if args.wave_command == "start":
            return start_wave(root, args.number)
        return finish_wave(root, args.number, args.task, args.deviation)
    except StateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _wave(state: State, number: int) -> Wave:
    from .state import StateError

    waves = state.get("waves") or []
    if not 1 <= number <= len(waves):
        raise StateError(f"wave {number} does not exist; this session has waves 1 to {len(waves)}")
    return waves[number - 1]


def start_refusal(state: State, number: int) -> str | None:
    """Why wave `number` may not start now, or None when it may."""
    wave = _wave(state, number)
    if not state.get("plan_set"):
        return "no plan is recorded; record one with 'python3 .orchestrator/runtime plan set -' first"
    baseline_refusal = baseline_refusal_for(state)
    if baseline_refusal:
        return baseline_refusal
    if wave.get("status") == "done":
        later = number + 1
        return (f"wave {number} is already done; the next wave to start is {later}"
                if later <= len(state["waves"]) else f"wave {number} is already done; all waves are done, run /close")
    if number > 1:
        previous = state["waves"][number - 2]
        if previous.get("status") != "done":
            return (f"wave {number - 1} is not done; finish it with "
                    f"'python3 .orchestrator/runtime wave done {number - 1} --task <ID>=<status> ...'")
        if previous.get("gate") and previous.get("gate_status") != "passed":
            kind = previous["gate"]
            if previous.get("gate_status") == "blocked":
                last = next((g for g in reversed(state.get("gates") or [])
                             if g.get("wave") == number - 1 and not g.get("during")), None)
                last = last or {}
                named = ", ".join(last.get("regressions") or last.get("new_problems")
                                  or [f"{b['kind']} cannot run ({b['cause']})" for b in last.get("broken") or []])
                return (f"the {kind} gate after wave {number - 1} is blocked"
                        + (f" by: {named}" if named else "")
                        + f". Fix it, then rerun 'python3 .orchestrator/runtime gate {kind}'.")
            return (f"the {kind} gate after wave {number - 1} has not passed yet; run "
                    f"'python3 .orchestrator/runtime gate {kind}'")
    for other in state["waves"]:
        if other.get("status") == "active" and other.get("wave") != number:
            return f"wave {other['wave']} is still active; finish it with 'wave done {other['wave']}' first"
    return None


def baseline_refusal_for(state: State) -> str | None:
    """Why no wave may start yet because of the baseline, or None.

    Without a baseline the first gate would call every old failure a regression; with a
    check that could not run at baseline, no later gate could tell a regression from an
    old failure. Either way, the loop must not begin until that is fixed or overridden.
    """
    baseline = state.get("baseline")
    if not baseline:
        return ("no baseline is recorded; run 'python3 .orchestrator/runtime gate baseline' first, so later gates "
                "can tell new failures from old ones")
    overrides = state.get("gate_overrides") or {}
    for entry in baseline.get("broken") or []:
        if not overrides.get(entry["kind"]):
            return (f"the {entry['kind']} check could not run at baseline: {entry['cause']}. Fix: {entry['fix']}; "
                    f"then rerun 'python3 .orchestrator/runtime gate baseline'. Or record why it may be left "
                    f"unchecked: 'python3 .orchestrator/runtime gate override {entry['kind']} --reason \"...\"'")
    return None


def start_wave(root: Path, number: int) -> int:
    from ..core import telemetry
    from .plan import briefs
    from .state import load, locked, require_active, save, session_config

    enforcement = str(session_config(root).get("enforcement", "warn"))
    with locked(root):
        state = require_active(load(root))
        from ..guards import breaker

        refusal = breaker.refusal(root, f"starting wave {number}") or start_refusal(state, number)
        if refusal:
            print(f"wave {number} cannot start: {refusal}", file=sys.stderr)
            return 2
        wave = _wave(state, number)
        restarted = wave.get("status") == "active"
        wave["status"] = "active"
        wave.setdefault("started", None)
        if not restarted:
            from .state import now_iso

            wave["started"] = now_iso()
        state["current_wave"] = number
        write_scope(root, build_scope(state, wave, enforcement, root))
        save(root, state)
    telemetry.emit(root, "wave.started", {"session_id": state["session_id"], "wave": number, "role": wave["role"],
                                          "tasks": len(wave.get("tasks", [])), "restarted": restarted})
    from ..guards.githooks import repair

    backstop = repair(root)
    if backstop:
        print(backstop)
    again = " (already active: scope rewritten, briefs repeated)" if restarted else ""
    print(f"wave {number} of {state['total_waves']} started: {wave['role']}{again}. "
          f"Edit scope: {'read-only' if wave.get('read_only') else 'the files listed in each brief'} "
          f"(enforcement: {enforcement}).")
    print()
    print(briefs(state, number))
    return 0


_TASK_STATUSES = ("done", "partial", "failed")


def parse_task_result(text: str) -> tuple[str, str, str]:
    """`T1=done:note` -> ('T1', 'done', 'note'); ValueError says what is wrong."""
    ident, sep, rest = text.partition("=")
    if not sep or not ident.strip():
        raise ValueError(f"--task {text!r} must look like ID=done|partial|failed[:note]")
    status, _, note = rest.partition(":")
    status = status.strip().lower()
    if status not in _TASK_STATUSES:
        raise ValueError(f"--task {text!r}: status must be one of {', '.join(_TASK_STATUSES)}, got {status!r}")
    return ident.strip(), status, note.strip()


def finish_wave(root: Path, number: int, task_args: list[str], deviations: list[str]) -> int:
    from ..core import telemetry
    from .state import load, locked, now_iso, require_active, save

    try:
        results = [parse_task_result(t) for t in task_args]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with locked(root):
        state = require_active(load(root))
        wave = _wave(state, number)
        amending = wave.get("status") == "done"
        if amending and not results and not deviations:
            print(f"error: wave {number} is already done; to add or correct results, name them: "
                  f"'python3 .orchestrator/runtime wave done {number} --task <ID>=done|partial|failed[:note]'",
                  file=sys.stderr)
            return 1
        if wave.get("status") != "active" and not amending:
            print(f"error: wave {number} is {wave.get('status')}, not active; "
                  f"start it with 'python3 .orchestrator/runtime wave start {number}'", file=sys.stderr)
            return 1
        known = {t["id"] for t in wave.get("tasks", [])}
        unknown = [ident for ident, _, _ in results if ident not in known]
        if unknown:
            print(f"error: wave {number} has no task {', '.join(unknown)}; its tasks are "
                  f"{', '.join(sorted(known)) or '(none)'}", file=sys.stderr)
            return 1
        stamp = now_iso()
        for ident, status, note in results:
            wave["results"][ident] = {"status": status, "note": note}
            if status == "failed" and note:
                state["not_retry"].append({"wave": number, "text": f"{ident}: {note}", "ts": stamp})
                state["not_retry"] = state["not_retry"][-10:]
        for text in deviations:
            state["deviations"].append({"ts": stamp, "wave": number, "text": text})
        if amending:  # a correction: the wave's status and its gate result stay as they are
            state["history"].append({"ts": stamp, "event": f"wave {number} results amended"})
        else:
            wave["status"] = "done"
            wave["ended"] = stamp
            wave["gate_status"] = "pending" if wave.get("gate") else None
        missing = sorted(known - set(wave["results"]))
        save(root, state)
    counts = {s: sum(1 for r in wave["results"].values() if r["status"] == s) for s in _TASK_STATUSES}
    later = (f"; no result for {', '.join(missing)} (add {'it' if len(missing) == 1 else 'them'} with "
             f"'wave done {number} --task <ID>=<status>')" if missing else "")
    if amending:
        print(f"wave {number} ({wave['role']}) results amended: {counts['done']} done, {counts['partial']} partial, "
              f"{counts['failed']} failed{later}")
        return 0
    telemetry.emit(root, "wave.completed", {"session_id": state["session_id"], "wave": number, "role": wave["role"],
                                            **counts})
    print(f"wave {number} ({wave['role']}) done: {counts['done']} done, {counts['partial']} partial, "
          f"{counts['failed']} failed{later}")
    if wave.get("gate"):
        print(f"next: run 'python3 .orchestrator/runtime gate {wave['gate']}'; wave {number + 1} "
              "cannot start until it passes." if number < len(state["waves"]) else
              f"next: run 'python3 .orchestrator/runtime gate {wave['gate']}'.")
    elif number < len(state["waves"]):
        print(f"next: 'python3 .orchestrator/runtime wave start {number + 1}'")
    else:
        print("all waves are done: run /close (it runs 'gate full', then 'session close').")
    return 0
