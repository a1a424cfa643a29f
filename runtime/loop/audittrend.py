# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The audit scores over time: `.orchestrator/metrics/audit.jsonl`, one line per `audit` run.

`audit` (learning/audit.py) appends; `report` reads it here to show the trend beside the
sessions, so a harness that decays (a hook unwired, CI deleted, carryover piling up) shows
as a falling line instead of a surprise. A torn or hand-edited line is skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FILE = "audit.jsonl"
SHOWN = 10  # audits the terminal line names


def path(root: Path) -> Path:
    from ..core.paths import metrics_dir

    return metrics_dir(root) / FILE


def append(root: Path, record: dict[str, Any]) -> None:
    from ..core import jsonl

    jsonl.append(path(root), record)


def read(root: Path) -> list[dict[str, Any]]:
    """Every well-formed record, oldest first: {'ts', 'score', 'max', 'failed'}."""
    from ..core import jsonl

    return [r for r in jsonl.read(path(root)) if isinstance(r.get("score"), int) and isinstance(r.get("ts"), str)]


def points(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trend as data (the report's JSON): {'ts', 'score', 'failed'} per audit."""
    return [{"ts": r["ts"], "score": r["score"], "failed": list(r.get("failed") or [])} for r in records]


def line(records: list[dict[str, Any]]) -> str:
    """One terminal line: the latest score, what it failed, and the scores before it."""
    if not records:
        return "harness audit: none recorded yet (run 'python3 .orchestrator/runtime audit')"
    last = records[-1]
    recent = " -> ".join(str(r["score"]) for r in records[-SHOWN:])
    failed = ", ".join(last.get("failed") or []) or "nothing"
    return (f"harness audit: {last['score']}/{last.get('max', 100)} on {last['ts'][:10]} (failed: {failed}); "
            f"last {min(len(records), SHOWN)}: {recent}")
