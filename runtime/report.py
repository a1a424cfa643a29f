# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`report`: what the last sessions achieved, as a table and as an HTML page.

The page is one self-contained file (inline CSS and SVG, no scripts, no
external assets) so it can be opened offline, attached to an issue or archived
next to the metrics it was made from.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any


def summarise(sessions: list[dict[str, Any]]) -> dict[str, Any]:
    gates_run = sum(int((s.get("gates") or {}).get("run") or 0) for s in sessions)
    gates_passed = sum(int((s.get("gates") or {}).get("passed") or 0) for s in sessions)
    durations = [int(s["duration_s"]) for s in sessions if isinstance(s.get("duration_s"), (int, float))]
    return {
        "sessions": len(sessions),
        "gates_run": gates_run,
        "gates_passed": gates_passed,
        "gate_pass_rate": (gates_passed / gates_run) if gates_run else None,
        "regressions_caught": sum(int(s.get("regressions_caught") or 0) for s in sessions),
        "carryover": sum(int(s.get("carryover") or 0) for s in sessions),
        "median_duration_s": sorted(durations)[len(durations) // 2] if durations else None,
        "outcomes": {o: sum(1 for s in sessions if s.get("outcome") == o)
                     for o in sorted({str(s.get("outcome")) for s in sessions})},
    }


def _minutes(seconds: Any) -> str:
    return f"{seconds / 60:.1f}" if isinstance(seconds, (int, float)) else "-"


def _rate(passed: int, run: int) -> str:
    return f"{passed}/{run}" if run else "-"


def rows(sessions: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for s in sessions:
        gates = s.get("gates") or {}
        out.append([
            str(s.get("id") or "?"), str(s.get("type") or "?"), str(s.get("outcome") or "?"),
            _minutes(s.get("duration_s")),
            f"{sum(1 for w in s.get('waves') or [] if w.get('status') == 'done')}/{s.get('total_waves') or '?'}",
            _rate(int(gates.get("passed") or 0), int(gates.get("run") or 0)),
            str(s.get("regressions_caught") or 0),
            f"{s.get('items_done', 0)}/{s.get('items_planned', 0)}",
            str(s.get("carryover") or 0),
        ])
    return out


HEADERS = ["session", "type", "outcome", "minutes", "waves", "gates passed", "regressions", "items done",
           "carryover"]


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
    lines.append("")
    lines.append(f"{totals['sessions']} sessions; median duration {_minutes(totals['median_duration_s'])} min; "
                 f"gate pass rate {'-' if rate is None else f'{rate:.0%}'} ({totals['gates_passed']}/"
                 f"{totals['gates_run']}); regressions caught {totals['regressions_caught']}; "
                 f"carryover {totals['carryover']}")
    return "\n".join(lines)


def _bar_chart(title: str, labels: list[str], values: list[float], unit: str, color: str,
               maximum: float | None = None) -> str:
    """A horizontal SVG bar chart; values are printed next to the bars so the numbers are in the text."""
    height = 28 + 22 * max(1, len(values))
    top = maximum if maximum is not None else max([*values, 1e-9])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}" role="img" '
             f'aria-label="{html.escape(title)}">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 28 + 22 * index
        width = 0 if top <= 0 else 360 * value / top
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="0" y="{y + 14}" font-size="11">{html.escape(label[-26:])}</text>')
        parts.append(f'<rect x="190" y="{y + 2}" width="{width:.1f}" height="16" fill="{color}"/>')
        parts.append(f'<text x="{196 + width:.1f}" y="{y + 14}" font-size="11">{html.escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(sessions: list[dict[str, Any]]) -> str:
    totals = summarise(sessions)
    labels = [str(s.get("id") or "?") for s in sessions]
    durations = [round((s.get("duration_s") or 0) / 60, 1) for s in sessions]
    rates = []
    for s in sessions:
        gates = s.get("gates") or {}
        run = int(gates.get("run") or 0)
        rates.append(round(100 * int(gates.get("passed") or 0) / run) if run else 0)
    regressions = [int(s.get("regressions_caught") or 0) for s in sessions]
    carry = [int(s.get("carryover") or 0) for s in sessions]
    rate = totals["gate_pass_rate"]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows(sessions))
    cards = [
        ("sessions", str(totals["sessions"])),
        ("median duration", f"{_minutes(totals['median_duration_s'])} min"),
        ("gate pass rate", "-" if rate is None else f"{rate:.0%}"),
        ("regressions caught", str(totals["regressions_caught"])),
        ("carryover", str(totals["carryover"])),
    ]
    card_html = "".join(f'<div class="card"><div class="n">{html.escape(v)}</div><div>{html.escape(k)}</div></div>'
                        for k, v in cards)
    charts = "" if not sessions else "".join([
        _bar_chart("Duration per session (minutes)", labels, durations, " min", "#4878a8"),
        _bar_chart("Gate pass rate per session", labels, rates, "%", "#4a9a5b", maximum=100),
        _bar_chart("Regressions caught", labels, regressions, "", "#c0504d"),
        _bar_chart("Carryover items", labels, carry, "", "#d49a2a"),
    ])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>session-orchestrator report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; font-size: 13px; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }}
.card .n {{ font-size: 1.6rem; font-weight: bold; }}
svg {{ display: block; margin: 1.2rem 0; }}
</style></head><body>
<h1>Sessions: the last {totals['sessions']}</h1>
<div class="cards">{card_html}</div>
{charts}
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
</body></html>
"""


def add_arguments(parser: Any) -> None:
    parser.add_argument("--last", type=int, default=10, metavar="N", help="how many recent sessions (default 10)")
    parser.add_argument("--html", default=None, metavar="PATH", help="also write a self-contained HTML page here")


def run(args: Any) -> int:
    from .paths import project_root
    from .telemetry import read_sessions, sessions_path

    root = project_root()
    if args.last < 1:
        print("error: --last must be 1 or more", file=sys.stderr)
        return 1
    sessions = read_sessions(root)[-args.last:]
    print(table(sessions))
    if args.html:
        target = Path(args.html)
        try:
            from .fsutil import write_atomic

            write_atomic(target, render_html(sessions))
        except OSError as exc:
            print(f"error: cannot write {target}: {exc}", file=sys.stderr)
            return 1
        print(f"HTML report: {target} (from {sessions_path(root)})")
    return 0
