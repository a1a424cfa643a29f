# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`review record`: keep every reviewer finding, show only the confident ones.

Reviewers over-report. Storing everything keeps the evidence; showing only
findings at or above `review-confidence-floor` keeps the user's attention for
the ones likely to be real. The count of hidden findings is always printed, so
nothing disappears silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.words import count
from .records import State

VERDICTS = ("proceed", "fix-required", "blocked")
SEVERITIES = ("high", "medium", "low")


class ReviewError(Exception):
    pass


def validate(data: Any) -> dict[str, Any]:
    """Normalised findings, or ReviewError naming the finding and field."""
    if not isinstance(data, dict):
        raise ReviewError("the review must be a JSON object with 'verdict' and 'findings'")
    verdict = str(data.get("verdict") or "").strip().lower().replace("_", "-")
    if verdict not in VERDICTS:
        raise ReviewError(f"'verdict' must be one of {', '.join(VERDICTS)}, got {data.get('verdict')!r}")
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise ReviewError("'findings' must be a list")
    clean: list[dict[str, Any]] = []
    for index, finding in enumerate(findings, start=1):
        where = f"findings[{index}]"
        if not isinstance(finding, dict):
            raise ReviewError(f"{where} must be an object")
        confidence = finding.get("confidence")
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 100:
            raise ReviewError(f"{where}: 'confidence' must be a number from 0 to 100, got {confidence!r}")
        severity = str(finding.get("severity") or "").strip().lower()
        if severity not in SEVERITIES:
            raise ReviewError(f"{where}: 'severity' must be one of {', '.join(SEVERITIES)}, got "
                              f"{finding.get('severity')!r}")
        if not str(finding.get("summary") or "").strip():
            raise ReviewError(f"{where}: 'summary' is missing")
        line = finding.get("line")
        clean.append({
            "confidence": confidence, "severity": severity, "file": str(finding.get("file") or ""),
            "line": line if isinstance(line, int) else None, "summary": str(finding["summary"]),
            "fix": str(finding.get("fix") or ""),
        })
    clean.sort(key=lambda f: (-f["confidence"], SEVERITIES.index(f["severity"])))
    return {"verdict": verdict, "findings": clean}


def split(findings: list[dict[str, Any]], floor: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(shown, hidden) by the confidence floor."""
    return [f for f in findings if f["confidence"] >= floor], [f for f in findings if f["confidence"] < floor]


def format_review(review: dict[str, Any]) -> str:
    shown, hidden = split(review["findings"], review["floor"])
    lines = [f"review of wave {review['wave']}: verdict {review['verdict']}; "
             f"{count(len(shown), 'finding')} at or above confidence {review['floor']}"]
    for finding in shown:
        where = finding["file"] + (f":{finding['line']}" if finding["line"] else "")
        lines.append(f"  [{finding['confidence']:g}] {finding['severity']:<6} {where or '-'}: {finding['summary']}")
        if finding["fix"]:
            lines.append(f"      fix: {finding['fix']}")
    if hidden:
        lines.append(f"  {count(len(hidden), 'finding')} below the floor {'is' if len(hidden) == 1 else 'are'} kept "
                     "in the session record (.orchestrator/state/session.json), not shown")
    if review["verdict"] != "proceed":
        lines.append("next: turn the findings above into fix tasks for the next wave, or record why not with "
                     "'wave done --deviation'.")
    return "\n".join(lines)


def record(root: Path, wave: int, review: dict[str, Any]) -> dict[str, Any]:
    """Keep a validated review (see `validate`) with wave `wave` of the active session, stamped with the
    confidence floor in force; returns it as kept. Raises StateError when there is no such wave."""
    from ..core import telemetry
    from .state import StateError, now_iso, session_config, update

    floor = int(session_config(root).get("review-confidence-floor", 80))
    review.update({"wave": wave, "floor": floor, "ts": now_iso()})

    def change(state: State) -> str:
        if not 1 <= wave <= len(state.get("waves", [])):
            raise StateError(f"wave {wave} does not exist; this session has waves 1 to {len(state['waves'])}")
        state["reviews"].append(review)
        return str(state["session_id"])

    session_id = update(root, change)
    shown, hidden = split(review["findings"], floor)
    telemetry.emit(root, "review.recorded", {"session_id": session_id, "wave": wave, "verdict": review["verdict"],
                                             "shown": len(shown), "hidden": len(hidden)})
    return review
