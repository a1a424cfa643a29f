"""Recorded telemetry of synthetic sessions, written in the runtime's own formats.

Session records go through `telemetry.record_session`, guard events carry the
payload `telemetry.guard_payload` builds from a real `HookContext` and
`Decision` (the same function the hook calls), and timestamps are fixed so the
history is the same on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runtime.core import jsonl, telemetry
from runtime.core.decision import DENY, WARN, Decision
from runtime.core.toolcall import SHELL, WRITE, ToolCall
from runtime.guards.context import HookContext


def day(index: int) -> str:
    return f"2026-03-{index + 1:02d}"


def session(index: int, *, gate_failures: list[str] | None = None, carryover: int = 0) -> dict[str, Any]:
    return {
        "schema_version": 1, "id": f"S{index + 1:02d}", "type": "feature", "branch": "main",
        "started": f"{day(index)}T10:00:00Z", "ended": f"{day(index)}T11:00:00Z", "duration_s": 3600,
        "total_waves": 5, "waves": [], "gates": {"run": 2, "passed": 1 if gate_failures else 2,
                                                  "blocked": 1 if gate_failures else 0, "baseline": True,
                                                  "last": None},
        "regressions_caught": len(gate_failures or []), "regressions": list(gate_failures or []),
        "gate_failures": list(gate_failures or []), "files_changed": 2, "agents_dispatched": 2,
        "items_planned": 2, "items_done": 2 - carryover, "carryover": carryover, "deviations": 0,
        "outcome": "completed",
    }


def guard_event(root: Path, index: int, minute: int, *, command: str | None = None, write: str | None = None,
                rule: str = "", denied: bool = True) -> None:
    """One guard decision inside session `index`, recorded as the hook records it."""
    if command is not None:
        call = ToolCall(SHELL, "Bash", {"command": command}, command=command)
    else:
        call = ToolCall(WRITE, "Write", {"file_path": str(root / str(write))}, paths=[str(root / str(write))])
    ctx = HookContext(root, "claude", "pre-tool-use", {"session_id": "cc-1", "cwd": str(root)}, call)
    decision = Decision(DENY if denied else WARN, "reason", rule or ("scope" if write else "rm-recursive"))
    record = {"ts": f"{day(index)}T10:{minute:02d}:00Z", "event": "guard.denied" if denied else "guard.warned"}
    record.update(telemetry.guard_payload(ctx, decision))
    jsonl.append(telemetry.events_path(root), record)


def history(root: Path, sessions: int = 6, *, gate_in: tuple[int, ...] = (), denied_in: tuple[int, ...] = (),
            scope_in: tuple[int, ...] = (), failing: str = "tests/test_ops.py::test_add",
            command: str = "rm -rf build/cache", scope_file: str = "src/calc/cli.py") -> None:
    """`sessions` closed sessions; the gate fails on `failing` in `gate_in`, `command` is denied
    twice in each session of `denied_in`, and `scope_file` is written out of scope once in each
    session of `scope_in` (a session index may repeat to record it more than once)."""
    for index in range(sessions):
        telemetry.record_session(root, session(index, gate_failures=[failing] if index in gate_in else None))
    minute = 0
    for index in denied_in:
        for _ in range(2):
            minute += 1
            guard_event(root, index, minute, command=command)
    for index in scope_in:
        minute += 1
        guard_event(root, index, minute, write=scope_file, denied=False)
