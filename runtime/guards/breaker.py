# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The circuit breaker: a record that an agent is spiralling, with the reason, that stops the loop.

Tripped by the loop guard (the same file rewritten again and again) and by the
gates (the same gate blocked again and again). While a breaker is tripped,
`wave start` refuses to start a wave and the hooks refuse to start a subagent.
It clears itself when a gate passes (the work is sound again), when the user
acknowledges it with a reason (`breaker ack --reason "..."`, which the hooks
refuse to run for an agent), and at the start or close of a session. Every
clearing is kept in `breakers-cleared.jsonl` with its cause.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..core import jsonl
from ..core.paths import state_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

ACK = 'python3 .orchestrator/runtime breaker ack --reason "..."'


def _path(root: Path) -> Path:
    return state_dir(root) / "breakers.jsonl"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def trip(root: Path, kind: str, reason: str, **details: Any) -> dict[str, Any]:
    """Record a tripped breaker. kind: e.g. 'file-rewrite', 'gate-failure', 'repeated-call'."""
    record = {"ts": _now(), "kind": kind, "reason": reason, **details}
    jsonl.append(_path(root), record)
    try:
        from ..core import telemetry

        telemetry.emit(root, "breaker.tripped", {"kind": kind, "reason": reason})
    except OSError:
        pass
    return record


def active(root: Path) -> list[dict[str, Any]]:
    """Tripped breakers not yet cleared."""
    return jsonl.read(_path(root))


def clear(root: Path, cause: str = "session", reason: str = "") -> int:
    """Clear all breakers; returns how many there were. `cause`: session, gate-passed or acknowledged."""
    tripped = active(root)
    if tripped:
        jsonl.append(state_dir(root) / "breakers-cleared.jsonl",
                     {"ts": _now(), "cause": cause, "reason": reason, "breakers": tripped})
        try:
            from ..core import telemetry

            telemetry.emit(root, "breaker.cleared", {"cause": cause, "count": len(tripped), "reason": reason})
        except OSError:
            pass
    _path(root).unlink(missing_ok=True)
    return len(tripped)


def refusal(root: Path, what: str) -> str | None:
    """Why `what` may not happen while a breaker is tripped, or None."""
    tripped = active(root)
    if not tripped:
        return None
    last = tripped[-1]
    more = f" (and {len(tripped) - 1} more)" if len(tripped) > 1 else ""
    return (f"the circuit breaker is tripped ({last.get('kind', '?')}: {last.get('reason', '')}){more}, so {what} "
            "is refused. It clears itself when a gate passes; otherwise the user decides: they acknowledge it "
            f"with '{ACK}'. Stop here and tell the user what tripped it and what you tried.")


def check_dispatch(root: Path) -> Any:
    """The hook's decision for a subagent dispatch."""
    from ..core.decision import DENY, Decision

    why = refusal(root, "starting a subagent")
    return Decision(DENY, f"session-orchestrator: {why}", "circuit-breaker") if why else Decision()
