# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The report's numbers: per session, per week and in total, from the session records.

`report.py` prints them (table, `--json`) and `reportpage.py` draws them, so the
views can never disagree.

What counts, decided once here:
- The median duration leaves out abandoned sessions: a session given up after a
  minute says nothing about how long work takes, and a few of them would pull the
  median towards zero. They are counted apart ("abandoned").
- A session that ran no gate has no pass rate (None, shown as "-" or "no gates"),
  never 0%: nothing failed.
- Guard denials are counted at close from the events log; records written before
  that count existed have none (None, "not recorded"), not zero.
"""

from __future__ import annotations

import datetime
from typing import Any

from ..core.words import count

OUTCOMES = ("completed", "partial", "abandoned")
MAX_WEEKS = 26  # the trend covers at most the last half year of weeks


def median(values: list[int]) -> float | None:
    """The middle value; for an even count, the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _denials(session: dict[str, Any]) -> int | None:
    value = session.get("guard_denials")
    return None if value is None else _int(value)


def _timed(sessions: list[dict[str, Any]]) -> list[int]:
    """Durations that count towards the median (see the module docstring)."""
    return [int(s["duration_s"]) for s in sessions
            if isinstance(s.get("duration_s"), (int, float)) and s.get("outcome") != "abandoned"]


def summarise(sessions: list[dict[str, Any]]) -> dict[str, Any]:
    gates_run = sum(_int((s.get("gates") or {}).get("run")) for s in sessions)
    gates_passed = sum(_int((s.get("gates") or {}).get("passed")) for s in sessions)
    durations = _timed(sessions)
    denials = [d for d in (_denials(s) for s in sessions) if d is not None]
    started = sorted(d for d in (_date(s) for s in sessions) if d)
    return {
        "sessions": len(sessions),
        "gates_run": gates_run,
        "gates_passed": gates_passed,
        "gate_pass_rate": (gates_passed / gates_run) if gates_run else None,
        "regressions_caught": sum(_int(s.get("regressions_caught")) for s in sessions),
        "carryover": sum(_int(s.get("carryover")) for s in sessions),
        "median_duration_s": median(durations),
        "median_of": len(durations),
        "abandoned": sum(1 for s in sessions if s.get("outcome") == "abandoned"),
        "guard_denials": sum(denials) if denials else None,
        "first_day": started[0].isoformat() if started else None,
        "last_day": started[-1].isoformat() if started else None,
        "outcomes": {o: sum(1 for s in sessions if s.get("outcome") == o)
                     for o in sorted({str(s.get("outcome")) for s in sessions})},
    }


def _date(session: dict[str, Any]) -> datetime.date | None:
    """The day a session started, or None when its record has no readable time."""
    for key in ("started", "ended"):
        try:
            return datetime.date.fromisoformat(str(session.get(key) or "")[:10])
        except ValueError:
            continue
    return None


def weeks(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per ISO week from the first session's week to the last's (at most MAX_WEEKS).

    A week without sessions is a real 0 sessions; its rates stay None. Sessions whose
    record holds no date cannot be placed on the time line and are left out here.
    """
    by_week: dict[datetime.date, list[dict[str, Any]]] = {}
    for session in sessions:
        day = _date(session)
        if day:
            by_week.setdefault(day - datetime.timedelta(days=day.weekday()), []).append(session)
    if not by_week:
        return []
    last = max(by_week)
    monday = max(min(by_week), last - datetime.timedelta(weeks=MAX_WEEKS - 1))
    out = []
    while monday <= last:
        group = by_week.get(monday, [])
        totals = summarise(group)
        year, number, _ = monday.isocalendar()
        out.append({
            "week": f"{year}-W{number:02d}",
            "start": monday.isoformat(),
            "sessions": len(group),
            **{o: sum(1 for s in group if s.get("outcome") == o) for o in OUTCOMES},
            "gates_run": totals["gates_run"],
            "gates_passed": totals["gates_passed"],
            "gate_pass_rate": totals["gate_pass_rate"],
            "regressions_caught": totals["regressions_caught"],
            "carryover": totals["carryover"],
            "guard_denials": totals["guard_denials"],
        })
        monday += datetime.timedelta(weeks=1)
    return out


def session_row(session: dict[str, Any]) -> dict[str, Any]:
    """One session in the `--json` shape: the record's numbers under fixed names, None when unknown."""
    gates = session.get("gates") or {}
    run, passed = _int(gates.get("run")), _int(gates.get("passed"))
    duration = session.get("duration_s")
    return {
        "id": session.get("id"),
        "type": session.get("type"),
        "outcome": session.get("outcome"),
        "started": session.get("started"),
        "ended": session.get("ended"),
        "duration_s": duration if isinstance(duration, (int, float)) else None,
        "waves_done": sum(1 for w in session.get("waves") or [] if w.get("status") == "done"),
        "waves_total": session.get("total_waves"),
        "gates_run": run,
        "gates_passed": passed,
        "gate_pass_rate": passed / run if run else None,
        "regressions_caught": _int(session.get("regressions_caught")),
        "items_planned": _int(session.get("items_planned")),
        "items_done": _int(session.get("items_done")),
        "carryover": _int(session.get("carryover")),
        "guard_denials": _denials(session),
    }


def minutes_text(seconds: Any) -> str:
    return f"{seconds / 60:.1f}" if isinstance(seconds, (int, float)) else "-"


def rate_text(passed: int, run: int) -> str:
    return f"{passed}/{run}" if run else "-"


def rows(sessions: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for s in sessions:
        row = session_row(s)
        denials = row["guard_denials"]
        out.append([
            str(s.get("id") or "?"), str(s.get("type") or "?"), str(s.get("outcome") or "?"),
            minutes_text(s.get("duration_s")),
            f"{row['waves_done']}/{s.get('total_waves') or '?'}",
            rate_text(row["gates_passed"], row["gates_run"]),
            str(row["regressions_caught"]),
            f"{s.get('items_done', 0)}/{s.get('items_planned', 0)}",
            str(row["carryover"]),
            "-" if denials is None else str(denials),
        ])
    return out


HEADERS = ["session", "type", "outcome", "minutes", "waves", "gates passed", "regressions", "items done",
           "carryover", "guard denials"]


def median_text(totals: dict[str, Any]) -> str:
    """The median with what it was taken over, so a reader knows abandoned sessions are not in it."""
    if totals["median_of"] == 0:
        return "no finished session to take a median of"
    shown = f"median duration {minutes_text(totals['median_duration_s'])} min"
    if totals["abandoned"]:
        shown += f" (of {count(totals['median_of'], 'session')}; {totals['abandoned']} abandoned left out)"
    return shown
