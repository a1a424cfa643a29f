# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`gate ... --json`: one JSON document a script can rely on.

The shape is documented in docs/loop.md ("gate --json") and versioned by
`schema`: keys listed there are always present (empty when they do not apply),
are never renamed or removed within a schema version, and new keys may be added.
It is built from the record the gate stored, so a script reads the same verdict
the next wave's check reads, never a second opinion.
"""

from __future__ import annotations

from typing import Any

from .records import Check, Gate

SCHEMA = 1
CHECK_KEYS = ("kind", "status", "command", "source", "exit", "duration", "timed_out", "counts", "failed_tests",
              "problems", "findings", "first_failure", "tail", "log", "cause", "fix")


def _check(kind: str, check: Check) -> dict[str, Any]:
    out: dict[str, Any] = {key: check.get(key) for key in CHECK_KEYS}
    out["kind"] = kind
    out["status"] = check.get("status") or ("skipped" if check.get("skipped") else "passed" if check.get("ok")
                                            else "failed")
    for key in ("failed_tests", "tail", "first_failure"):
        out[key] = list(out[key] or [])
    out.update({key: value for key, value in check.items() if key not in out and key not in ("ok", "skipped")})
    return out


def shape(record: Gate, code: int, summary: str) -> dict[str, Any]:
    """The `--json` document for one gate record, its exit code and its summary text."""
    blocked = bool(record.get("blocked"))
    verdict = "blocked" if blocked else ("recorded" if record.get("variant") == "baseline" else "passed")
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "variant": record.get("variant"),
        "verdict": verdict,
        "blocked": blocked,
        "exit_code": code,
        "wave": record.get("wave", 0),
        "during": record.get("during"),
        "ts": record.get("ts"),
        "duration": record.get("duration"),
        "checks": {kind: _check(kind, check) for kind, check in (record.get("checks") or {}).items()},
        "regressions": list(record.get("regressions") or []),
        "new_problems": list(record.get("new_problems") or []),
        "new_findings": dict(record.get("new_findings") or {}),
        "preexisting": list(record.get("preexisting") or []),
        "broken": list(record.get("broken") or []),
        "overridden": list(record.get("overridden") or []),
        "wrote": record.get("wrote") or {"checked": False, "files": [], "by": []},
        "judged": record.get("judged") or {},
        "no_baseline": bool(record.get("no_baseline")),
        "summary": summary,
    }
    doc.update({key: value for key, value in record.items() if key not in doc})  # later additions, by their names
    return doc


def error(message: str, code: int = 1) -> dict[str, Any]:
    """The document for a gate that could not run at all (no session, an invalid Session Config)."""
    return {"schema": SCHEMA, "verdict": "error", "blocked": True, "exit_code": code, "error": message}
