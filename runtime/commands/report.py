# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`report`: what the sessions achieved, as a table, as JSON, and as an HTML page.

The numbers and what counts in them are `reportdata.py`'s; the page is
`reportpage.py`'s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core.words import count
from ..loop.reportdata import HEADERS, median_text, rows, session_row, summarise, weeks

JSON_SCHEMA = 1


def as_json(sessions: list[dict[str, Any]], recorded: list[dict[str, Any]], source: Path) -> dict[str, Any]:
    """The `--json` object (a documented, stable shape); keys are only ever added, never renamed."""
    return {"schema_version": JSON_SCHEMA, "source": str(source), "recorded": len(recorded),
            "shown": len(sessions), "totals": summarise(sessions), "weeks": weeks(recorded),
            "sessions": [session_row(s) for s in sessions]}


def table(sessions: list[dict[str, Any]]) -> str:
    if not sessions:
        return "no sessions recorded yet (.orchestrator/metrics/sessions.jsonl is empty or missing)"
    body = rows(sessions)
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(HEADERS)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*HEADERS), "  ".join("-" * w for w in widths)]
    lines.extend(fmt.format(*r) for r in body)
    totals = summarise(sessions)
    rate = totals["gate_pass_rate"]
    denials = totals["guard_denials"]
    lines.append("")
    lines.append(f"{count(totals['sessions'], 'session')}; {median_text(totals)}; "
                 f"gate pass rate {'-' if rate is None else f'{rate:.0%}'} ({totals['gates_passed']}/"
                 f"{totals['gates_run']}); regressions caught {totals['regressions_caught']}; "
                 f"carryover {totals['carryover']}; guard denials {'-' if denials is None else denials}")
    return "\n".join(lines)


def render_html(sessions: list[dict[str, Any]], recorded: list[dict[str, Any]] | None = None,
                autopilot: list[dict[str, Any]] | None = None) -> str:
    """The HTML page for `sessions` (the last N), with trends over `recorded` (all of them) and the
    unattended runs (`autopilot`, as `unattended.record.runs` sums them up)."""
    from ..loop.reportpage import render

    return render(sessions, sessions if recorded is None else recorded, autopilot or [])


def add_arguments(parser: Any) -> None:
    parser.add_argument("--last", type=int, default=10, metavar="N", help="how many recent sessions (default 10)")
    parser.add_argument("--html", default=None, metavar="PATH", help="also write a self-contained HTML page here")
    parser.add_argument("--json", action="store_true",
                        help="print the numbers as one JSON object instead of the table (a documented, stable shape)")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..core.telemetry import read_sessions, sessions_path

    root = project_root()
    if args.last < 1:
        print("error: --last must be 1 or more", file=sys.stderr)
        return 1
    from ..unattended.record import runs, summary_lines

    recorded = read_sessions(root)
    sessions = recorded[-args.last:]
    autopilot = runs(root)[-args.last:]
    as_data = bool(getattr(args, "json", False))
    if as_data:
        print(json.dumps({**as_json(sessions, recorded, sessions_path(root)), "autopilot": autopilot}, indent=2))
    else:
        print(table(sessions))
        if autopilot:
            print("\nunattended runs (.orchestrator/metrics/autopilot.jsonl):")
            print("\n".join(f"  {line}" for line in summary_lines(autopilot, args.last)))
    if args.html:
        target = Path(args.html)
        try:
            from ..core.fsutil import write_atomic

            write_atomic(target, render_html(sessions, recorded, autopilot))
        except OSError as exc:
            print(f"error: cannot write {target}: {exc}", file=sys.stderr)
            return 1
        print(f"HTML report: {target} (from {sessions_path(root)})", file=sys.stderr if as_data else sys.stdout)
    return 0
