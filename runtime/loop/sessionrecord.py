# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The sessions.jsonl line for a finished session: what `report` and `evolve` read across sessions.

Built from STATE.md, git and the events log when a session closes; the logs themselves
(writing and reading them) live in core/telemetry.py, below every package that emits.
"""

from __future__ import annotations

from pathlib import Path

from ..core.telemetry import SESSION_SCHEMA, count_events

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from typing import Any

    from .records import State


def session_record(root: Path, state: State, outcome: str, carryover: int | None,
                   ended: str) -> dict[str, Any]:
    """The sessions.jsonl line for a finished session (schema in docs/loop.md)."""
    from .state import changed_files, parse_iso

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
