# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The circuit breaker: a record that an agent is spiralling, with the reason.

Tripped by the loop guard (the same file rewritten again and again) and by the
gates (the same gate failing again and again). A tripped breaker is shown in the
banner and by `session status` until the session ends or it is cleared.
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import jsonl
from ..paths import state_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any


def _path(root: Path) -> Path:
    return state_dir(root) / "breakers.jsonl"


def trip(root: Path, kind: str, reason: str, **details: Any) -> dict[str, Any]:
    """Record a tripped breaker. kind: e.g. 'file-rewrite', 'gate-failure', 'repeated-call'."""
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "kind": kind, "reason": reason, **details}
    jsonl.append(_path(root), record)
    try:
        from .. import telemetry

        telemetry.emit(root, "breaker.tripped", {"kind": kind, "reason": reason})
    except OSError:
        pass
    return record


def active(root: Path) -> list[dict[str, Any]]:
    """Tripped breakers not yet cleared."""
    return jsonl.read(_path(root))


def clear(root: Path) -> int:
    """Clear all breakers (at session start/close); returns how many there were."""
    count = len(active(root))
    _path(root).unlink(missing_ok=True)
    return count
