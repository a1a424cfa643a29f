# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The `report --html` page: trends by week, the last sessions one by one, and the table.

One self-contained file (inline CSS and SVG, no scripts, no external assets) so
it opens offline, can be attached to an issue and archived next to the metrics it
was made from. Every number comes from reportdata.py; this module only draws.

Honest empty states: a week or session without gates draws no bar and says "no
gates" (never a 0% bar), a chart whose numbers were never recorded says so
instead of drawing zeros, and one week of data is called one week, not a trend.
Every bar carries `data-value` and every label `class="label"`, which the
browser test reads back after layout.
"""

from __future__ import annotations

import html
import math
from typing import Any

from ..core.words import count
from .reportdata import HEADERS, OUTCOMES, minutes_text, rows, session_row, summarise, weeks

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
COLORS = {"completed": "#2e7d4f", "partial": "#d49a2a", "abandoned": "#a3a8ae", "rate": "#3f8f5a",
          "regressions": "#c0504d", "carryover": "#d08a1e", "denials": "#7b5ea7", "duration": "#4878a8"}
MUTED = "#8a8f96"
LABEL_CHARS = 34  # longer session labels are cut from the right, keeping the date
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _short_day(iso: str) -> str:
    """"2026-11-30" -> "Nov 30": short enough for a column label."""
    return f"{MONTHS[int(iso[5:7]) - 1]} {int(iso[8:10])}"


def _svg_open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}" font-family="{_e(FONT)}">')


def columns(title: str, subtitle: str, labels: list[str], stacks: list[list[float] | None], colors: list[str],
            *, unit: str = "", maximum: float | None = None, empty: str = "none") -> str:
    """A column chart over time: one column per label, stacked segments, None for "nothing to show".

    A None column draws no bar, only a muted dash, so "no gates that week" can never be
    read as 0%.
    """
    width, left, right, top, plot = 460, 34, 10, 50, 120
    height = top + plot + 34
    count_ = max(1, len(labels))
    slot = (width - left - right) / count_
    bar = max(2.0, min(34.0, slot * 0.68))
    top_value = maximum if maximum is not None else max([sum(s) for s in stacks if s] + [0])
    top_value = top_value or 1
    base = top + plot
    parts = [_svg_open(width, height, title),
             f'<text x="0" y="16" font-size="14" font-weight="600" fill="#1f2328">{_e(title)}</text>',
             f'<text x="0" y="33" font-size="11" fill="{MUTED}">{_e(subtitle)}</text>',
             f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#c9ced4"/>',
             f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="#eef0f2"/>',
             f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end" fill="{MUTED}">'
             f'{_e(_num(top_value) + unit)}</text>',
             f'<text x="{left - 4}" y="{base + 4}" font-size="10" text-anchor="end" fill="{MUTED}">0</text>']
    every = max(1, math.ceil(44 / slot))  # a label needs about 44 px
    for index, (label, stack) in enumerate(zip(labels, stacks, strict=True)):
        center = left + slot * (index + 0.5)
        if stack is None:
            parts.append(f'<line x1="{center - bar / 2:.1f}" y1="{base - 1}" x2="{center + bar / 2:.1f}" '
                         f'y2="{base - 1}" stroke="{MUTED}" stroke-width="2" stroke-dasharray="3 2"/>')
            if slot >= 30:
                parts.append(f'<text x="{center:.1f}" y="{base - 6}" font-size="9" text-anchor="middle" '
                             f'fill="{MUTED}" class="empty">{_e(empty)}</text>')
        else:
            y = float(base)
            for value, color in zip(stack, colors, strict=False):
                if value <= 0:
                    continue
                h = plot * value / top_value
                y -= h
                parts.append(f'<rect x="{center - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{color}" data-value="{_num(value)}"><title>{_e(label)}: '
                             f'{_e(_num(value) + unit)}</title></rect>')
            total = sum(stack)
            if slot >= 18:
                parts.append(f'<text x="{center:.1f}" y="{y - 4:.1f}" font-size="10" text-anchor="middle" '
                             f'fill="#3b4046">{_e(_num(total) + unit)}</text>')
        if index % every == 0 or (index == len(labels) - 1 and (index % every) * slot >= 44):
            parts.append(f'<text x="{center:.1f}" y="{base + 16}" font-size="10" text-anchor="middle" '
                         f'fill="#3b4046" class="label">{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fit(text: str, limit: int) -> str:
    """Cut from the right, keeping the start (the date) that tells sessions apart."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def bars(title: str, subtitle: str, labels: list[tuple[str, str]], values: list[float | None],
         notes: list[str], colors: list[str], *, maximum: float | None = None) -> str:
    """Horizontal bars, one per session: (label, tooltip) on the left, the value or a note after the bar."""
    longest = max([len(label) for label, _ in labels] + [8])
    label_width, bar_width, row = int(min(LABEL_CHARS, longest) * 7.0 + 14), 420, 22
    height = 44 + row * max(1, len(values))
    top_value = maximum if maximum is not None else max([v for v in values if v] + [0]) or 1
    parts = [_svg_open(label_width + bar_width + 150, height, title),
             f'<text x="0" y="16" font-size="14" font-weight="600" fill="#1f2328">{_e(title)}</text>',
             f'<text x="0" y="33" font-size="11" fill="{MUTED}">{_e(subtitle)}</text>']
    for index, ((label, tip), value, note, color) in enumerate(zip(labels, values, notes, colors, strict=True)):
        y = 42 + row * index
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#3b4046" class="label">'
                     f'<title>{_e(tip)}</title>{_e(_fit(label, LABEL_CHARS))}</text>')
        width = 0.0 if not value else bar_width * value / top_value
        if value:
            parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{max(width, 1):.1f}" height="15" rx="2" '
                         f'fill="{color}" data-value="{_num(value)}"/>')
        fill = MUTED if value is None else "#3b4046"
        parts.append(f'<text x="{label_width + width + 6:.1f}" y="{y + 14}" font-size="11" fill="{fill}">'
                     f'{_e(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _label(session: dict[str, Any]) -> tuple[str, str]:
    """"2026-12-01 09:30 feature" with the full id as tooltip; the id alone when no start is recorded."""
    ident = str(session.get("id") or "?")
    started = str(session.get("started") or "")
    if len(started) >= 16 and started[4] == "-":
        return f"{started[:10]} {started[11:16]} {session.get('type') or ''}".strip(), ident
    return ident, ident


def _cards(totals: dict[str, Any]) -> str:
    rate = totals["gate_pass_rate"]
    denials = totals["guard_denials"]
    outcomes = " \u00b7 ".join(f"{totals['outcomes'][o]} {o}" for o in OUTCOMES if totals["outcomes"].get(o))
    if totals["median_of"]:
        median = (f"{minutes_text(totals['median_duration_s'])} min",
                  f"median of {count(totals['median_of'], 'session')}"
                  + (", abandoned left out" if totals["abandoned"] else ""))
    else:
        median = ("-", "no session ran to a close")
    cards = [
        ("sessions", str(totals["sessions"]), outcomes or "-"),
        ("duration", *median),
        ("gate pass rate", "-" if rate is None else f"{rate:.0%}",
         f"{totals['gates_passed']} of {count(totals['gates_run'], 'gate')} passed" if rate is not None
         else "no gates run"),
        ("regressions caught", str(totals["regressions_caught"]), "tests a gate saw break"),
        ("carryover", str(totals["carryover"]), "items left for a later session"),
        ("guard denials", "-" if denials is None else str(denials),
         "calls the guard refused" if denials is not None else "not recorded for these sessions"),
    ]
    return "".join(f'<div class="card"><div class="k">{_e(k)}</div><div class="n">{_e(v)}</div>'
                   f'<div class="s">{_e(s)}</div></div>' for k, v, s in cards)


def _trends(recorded: list[dict[str, Any]]) -> str:
    table = weeks(recorded)
    if not table:
        return '<p class="empty">No session record has a start date, so nothing can be placed on a time line.</p>'
    if len(table) == 1:
        return (f'<p class="empty">One week of sessions so far (the week of {_e(_short_day(table[0]["start"]))}): '
                'the weekly trends appear from the second week on.</p>')
    labels = [_short_day(w["start"]) for w in table]
    span = f"{len(table)} weeks, {count(sum(w['sessions'] for w in table), 'session')}"
    charts = [
        columns("Sessions per week", "completed, partial, abandoned", labels,
                [[w[o] for o in OUTCOMES] for w in table], [COLORS[o] for o in OUTCOMES]),
        columns("Gate pass rate", "passed gates of all gates run that week; a dash: no gates", labels,
                [None if w["gate_pass_rate"] is None else [round(100 * w["gate_pass_rate"])] for w in table],
                [COLORS["rate"]], unit="%", maximum=100, empty="no gates"),
        columns("Regressions caught", "tests that passed before and failed at a gate", labels,
                [[w["regressions_caught"]] for w in table], [COLORS["regressions"]]),
        columns("Carryover", "plan items left open at close", labels,
                [[w["carryover"]] for w in table], [COLORS["carryover"]]),
    ]
    if any(w["guard_denials"] is not None for w in table):
        charts.append(columns("Guard denials", "calls the guard refused; a dash: not recorded", labels,
                              [None if w["guard_denials"] is None else [w["guard_denials"]] for w in table],
                              [COLORS["denials"]], empty="n/a"))
    else:
        charts.append('<div class="note-card"><b>Guard denials</b><br>not recorded for these sessions: '
                      'sessions closed by this runtime count them.</div>')
    legend = "".join(f'<span class="key"><i style="background:{COLORS[o]}"></i>{o}</span>' for o in OUTCOMES)
    return (f'<p class="sub">{_e(span)}, by the week they started (Monday to Sunday). {legend}</p>'
            f'<div class="grid">{"".join(charts)}</div>')


def _per_session(sessions: list[dict[str, Any]]) -> str:
    labels = [_label(s) for s in sessions]
    data = [session_row(s) for s in sessions]
    minutes = [None if d["duration_s"] is None else round(d["duration_s"] / 60, 1) for d in data]
    duration_notes = []
    for d, value in zip(data, minutes, strict=True):
        text = "no duration recorded" if value is None else f"{_num(value)} min"
        duration_notes.append(text + (", abandoned" if d["outcome"] == "abandoned" else ""))
    duration_colors = [COLORS["abandoned"] if d["outcome"] == "abandoned" else COLORS["duration"] for d in data]
    rates = [None if d["gate_pass_rate"] is None else round(100 * d["gate_pass_rate"]) for d in data]
    rate_notes = ["no gates run" if r is None else f"{r}% ({d['gates_passed']}/{d['gates_run']})"
                  for d, r in zip(data, rates, strict=True)]
    return "".join([
        bars("Duration", "minutes from start to close; grey: abandoned", labels, minutes, duration_notes,
             duration_colors),
        bars("Gate pass rate", "gates passed of gates run; sessions without gates have no rate", labels,
             [None if r is None else float(r) for r in rates], rate_notes, [COLORS["rate"]] * len(data),
             maximum=100),
    ])


def _heading(sessions: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> str:
    totals = summarise(sessions)
    first, last = totals["first_day"], totals["last_day"]
    what = count(len(sessions), "session")
    if first and first == last:
        what += f", on {first}"
    elif first:
        what += f", {first} to {last}"
    if len(recorded) > len(sessions):
        what += f" (the last {len(sessions)} of {len(recorded)} recorded)"
    return what


CSS = """
body { font-family: FONT; margin: 0; color: #1f2328; background: #f6f7f9; }
main { max-width: 1000px; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2.2rem 0 .3rem; }
.sub { color: #5b6169; margin: 0 0 1rem; font-size: .92rem; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; margin-top: 1.2rem; }
.card { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: .7rem .9rem; flex: 1 1 0;
        min-width: 7.5rem; }
.card .k { color: #5b6169; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.card .n { font-size: 1.5rem; font-weight: 650; margin: .15rem 0; white-space: nowrap; }
.card .s { color: #5b6169; font-size: .8rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1rem; }
.grid > svg, .note-card, .panel { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: .8rem; }
.note-card { width: 436px; color: #5b6169; font-size: .9rem; box-sizing: content-box; }
.panel svg { display: block; margin: 0 0 1rem; }
.key { margin-left: .8rem; white-space: nowrap; }
.key i { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; }
table { border-collapse: collapse; background: #fff; font-size: 12px; width: 100%; }
th, td { border-bottom: 1px solid #e1e4e8; padding: 5px 6px; text-align: left; white-space: nowrap; }
th { background: #eef0f3; font-weight: 600; white-space: normal; vertical-align: bottom; }
.wide { overflow-x: auto; border: 1px solid #e1e4e8; border-radius: 8px; }
p.empty { background: #fff; border: 1px dashed #c9ced4; border-radius: 8px; padding: 1rem; color: #5b6169; }
""".replace("FONT", FONT)


AUTOPILOT_HEADERS = ("started", "agent", "sessions", "verified", "carried over", "tokens", "cost (USD)", "stopped by",
                     "reason")


def _autopilot(runs: list[dict[str, Any]]) -> str:
    """The unattended runs (autopilot.jsonl, summed per run by the caller), one row each; "" when none."""
    if not runs:
        return ""
    head = "".join(f"<th>{_e(h)}</th>" for h in AUTOPILOT_HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in (
            run.get("started"), run.get("agent"), run.get("iterations"), run.get("verified"), run.get("carried"),
            "not reported" if run.get("tokens") is None else run["tokens"],
            "not reported" if run.get("cost_usd") is None else f"{run['cost_usd']:.4f}",
            run.get("stop") or "still running?", run.get("reason") or "")) + "</tr>"
        for run in runs)
    return (f'<h2>Unattended runs</h2><p class="sub">{_e(count(len(runs), "autopilot run"))}, from '
            '<code>.orchestrator/metrics/autopilot.jsonl</code>; usage as each agent CLI reported it.</p>'
            f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def render(sessions: list[dict[str, Any]], recorded: list[dict[str, Any]], runs: list[dict[str, Any]] | None = None
           ) -> str:
    totals = summarise(sessions)
    if sessions:
        head = "".join(f"<th>{_e(h)}</th>" for h in HEADERS)
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows(sessions))
        content = (f'<div class="cards">{_cards(totals)}</div>'
                   f'<h2>Trends by week</h2>{_trends(recorded)}'
                   f'<h2>Session by session</h2><p class="sub">{_e(count(len(sessions), "session"))}'
                   f'{", oldest first" if len(sessions) > 1 else ""}; hover a label for the session id.</p>'
                   f'<div class="panel">{_per_session(sessions)}</div>'
                   f'<h2>Sessions</h2><div class="wide"><table><thead><tr>{head}</tr></thead>'
                   f'<tbody>{body}</tbody></table></div>')
        subtitle = _heading(sessions, recorded)
    else:
        content = ('<p class="empty">No sessions recorded yet. Each session adds a line to '
                   '<code>.orchestrator/metrics/sessions.jsonl</code> when it is closed.</p>')
        subtitle = "no sessions yet"
    content += _autopilot(runs or [])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Session report: {_e(subtitle)}</title>
<style>{CSS}</style></head><body><main>
<h1>Session report</h1>
<p class="sub">{_e(subtitle)}</p>
{content}
</main></body></html>
"""
