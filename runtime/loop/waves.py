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
from pathlib import Path

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
    from .roles import read_only_agents
    from .state import changed_files

    allowed: list[str] = []
    by_agent: dict[str, list[str]] = {}
    readers: set[str] = set()  # read-only agents dispatched in a writing wave: their scope is empty
    for task in wave.get("tasks", []):
        if str(task.get("agent") or "") in read_only_agents() and not task.get("files"):
            readers.add(str(task["agent"]))
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
    readers -= set(by_agent)
    if len(by_agent) + len(readers) > 1 and not wave.get("read_only"):
        scope["agents"] = {name: [*paths, *extra] for name, paths in by_agent.items()}
        scope["agents"].update({name: [] for name in sorted(readers)})
    return scope


def write_scope(root: Path, scope: Scope) -> None:
    import json

    from ..core.fsutil import write_atomic

    write_atomic(scope_path(root), json.dumps(scope, indent=2, ensure_ascii=False) + "\n")


def remove_scope(root: Path) -> None:
    scope_path(root).unlink(missing_ok=True)


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


def _start_tree(root: Path) -> str | None:
    """The git tree of the code as the wave starts: the review step diffs against it (reviewers.py).
    None when git cannot answer; the review then falls back to the session's start commit."""
    from ..core.treestate import TreeUnreadableError, tree_id

    try:
        return tree_id(root)
    except (TreeUnreadableError, OSError):
        return None


class WaveRefusedError(Exception):
    """Why a wave may not start now (the loop's order, a gate, a breaker); the command exits 2 on it."""


def start_wave(root: Path, number: int) -> tuple[State, Wave, bool, str, str | None]:
    """Start (or restart) wave `number` and write its edit scope.

    Returns the state, the wave, whether it was already active, the enforcement level, and what the
    git backstop repair says (or None). Raises WaveRefusedError when the wave may not start, StateError
    when there is no active session or no such wave.
    """
    from ..core import telemetry
    from .state import load, locked, require_active, save, session_config

    enforcement = str(session_config(root).get("enforcement", "warn"))
    with locked(root):
        state = require_active(load(root))
        from ..guards import breaker

        refusal = breaker.refusal(root, f"starting wave {number}") or start_refusal(state, number)
        if refusal:
            raise WaveRefusedError(refusal)
        wave = _wave(state, number)
        restarted = wave.get("status") == "active"
        wave["status"] = "active"
        wave.setdefault("started", None)
        if not restarted:
            from .state import now_iso

            wave["started"] = now_iso()
            wave["start_tree"] = _start_tree(root)
        state["current_wave"] = number
        write_scope(root, build_scope(state, wave, enforcement, root))
        save(root, state)
    telemetry.emit(root, "wave.started", {"session_id": state["session_id"], "wave": number, "role": wave["role"],
                                          "tasks": len(wave.get("tasks", [])), "restarted": restarted})
    from ..guards.githooks import repair

    return state, wave, restarted, enforcement, repair(root)


TASK_STATUSES = ("done", "partial", "failed")


def parse_task_result(text: str) -> tuple[str, str, str]:
    """`T1=done:note` -> ('T1', 'done', 'note'); ValueError says what is wrong."""
    ident, sep, rest = text.partition("=")
    if not sep or not ident.strip():
        raise ValueError(f"--task {text!r} must look like ID=done|partial|failed[:note]")
    status, _, note = rest.partition(":")
    status = status.strip().lower()
    if status not in TASK_STATUSES:
        raise ValueError(f"--task {text!r}: status must be one of {', '.join(TASK_STATUSES)}, got {status!r}")
    return ident.strip(), status, note.strip()


def finish_wave(root: Path, number: int, results: list[tuple[str, str, str]], deviations: list[str]
                ) -> tuple[State, Wave, bool, dict[str, int], list[str]]:
    """Record wave `number`'s task results (from `parse_task_result`) and deviations, and finish it
    unless it is already done (then the results amend it).

    Returns the state, the wave, whether this amended a done wave, the count of each task status, and
    the tasks still without a result. Raises StateError saying what is wrong; nothing is recorded then.
    """
    from ..core import telemetry
    from .state import StateError, load, locked, now_iso, require_active, save

    with locked(root):
        state = require_active(load(root))
        wave = _wave(state, number)
        amending = wave.get("status") == "done"
        if amending and not results and not deviations:
            raise StateError(f"wave {number} is already done; to add or correct results, name them: "
                             f"'python3 .orchestrator/runtime wave done {number} --task <ID>=done|partial|failed"
                             "[:note]'")
        if wave.get("status") != "active" and not amending:
            raise StateError(f"wave {number} is {wave.get('status')}, not active; "
                             f"start it with 'python3 .orchestrator/runtime wave start {number}'")
        known = {t["id"] for t in wave.get("tasks", [])}
        unknown = [ident for ident, _, _ in results if ident not in known]
        if unknown:
            raise StateError(f"wave {number} has no task {', '.join(unknown)}; its tasks are "
                             f"{', '.join(sorted(known)) or '(none)'}")
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
    counts = {s: sum(1 for r in wave["results"].values() if r["status"] == s) for s in TASK_STATUSES}
    if not amending:
        telemetry.emit(root, "wave.completed", {"session_id": state["session_id"], "wave": number,
                                                "role": wave["role"], **counts})
    return state, wave, amending, counts, missing
