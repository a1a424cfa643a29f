"""The report as a person and a script meet it: the HTML page in a real browser, and `report --json`.

Real: headless Chromium from the system's packages lays the page out and takes a
screenshot; the test reads the pixels back where the layout says each bar is. A
missing Chromium fails (tests/browser.py says how to install it). The sessions are
records in the shape `session close` writes, spread over five weeks.
"""

from __future__ import annotations

import datetime
import itertools
import json
from pathlib import Path
from typing import Any

from runtime.commands.report import render_html, summarise, table, weeks
from tests.browser import layout, read_png, screenshot
from tests.runtime.loop_support import rt


def _session(number: int, day: int, hour: int, kind: str, outcome: str, minutes: float, run: int, passed: int,
             regressions: int, carry: int, denials: int | None) -> dict[str, Any]:
    start = datetime.datetime(2026, 10, 19, hour) + datetime.timedelta(days=day)
    record = {"schema_version": 1, "id": f"{start:%Y%m%d-%H%M%S}-{kind}-{number:04x}", "type": kind,
              "started": f"{start:%Y-%m-%dT%H:%M:%SZ}",
              "ended": f"{start + datetime.timedelta(minutes=minutes):%Y-%m-%dT%H:%M:%SZ}",
              "outcome": outcome, "duration_s": int(minutes * 60), "total_waves": 5,
              "waves": [{"wave": n, "status": "pending" if outcome == "abandoned" else "done"} for n in range(1, 6)],
              "gates": {"run": run, "passed": passed, "blocked": run - passed}, "regressions_caught": regressions,
              "items_planned": 4, "items_done": 4 - carry, "carryover": carry}
    if denials is not None:
        record["guard_denials"] = denials
    return record


# Weeks of Oct 19, Oct 26, (none in Nov 2), Nov 9, Nov 16; a housekeeping session without gates, an abandoned
# 0.3-minute one, and the oldest two from before guard denials were counted.
RECORDED = [
    _session(1, 0, 9, "feature", "completed", 42, 4, 3, 1, 0, None),
    _session(2, 1, 14, "housekeeping", "completed", 18, 0, 0, 0, 0, None),
    _session(3, 3, 10, "feature", "partial", 65, 5, 3, 2, 2, 4),
    _session(4, 8, 9, "deep", "completed", 88, 6, 6, 0, 1, 1),
    _session(5, 9, 11, "feature", "abandoned", 0.3, 0, 0, 0, 4, 0),
    _session(6, 10, 16, "feature", "completed", 37, 4, 4, 0, 0, 0),
    _session(7, 22, 9, "housekeeping", "completed", 12, 0, 0, 0, 0, 1),
    _session(8, 29, 13, "feature", "completed", 51, 5, 4, 1, 1, 3),
    _session(9, 30, 15, "deep", "partial", 97, 7, 5, 3, 2, 5),
    _session(10, 31, 10, "feature", "completed", 44, 4, 4, 0, 0, 0),
]
SHOWN = RECORDED[-8:]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def _close(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 6 for x, y in zip(a, b, strict=True))


def _chart(probe: dict[str, Any], title: str, nth: int = 0) -> dict[str, Any]:
    found = [c for c in probe["charts"] if c["title"] == title]
    assert len(found) > nth, f"no chart {title!r} (nth {nth}); charts: {[c['title'] for c in probe['charts']]}"
    return found[nth]


def test_the_page_draws_its_bars_and_labels_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(SHOWN, RECORDED), encoding="utf-8")
    probe = layout(page, tmp_path)
    assert probe["width"] <= 1100, "nothing sticks out to the right at 1100 px"
    picture = read_png(screenshot(page, tmp_path / "report.png", probe["height"]))
    assert (picture.width, picture.height) == (1100, probe["height"])
    assert picture.share_not_background((246, 247, 249)) > 0.08, "the page is drawn, not blank"

    # Every bar is where the layout puts it, in its colour: the picture shows what the markup says.
    bars = [bar for chart in probe["charts"] for bar in chart["bars"]]
    assert len(bars) > 30
    for bar in bars:
        left, top, right, bottom = bar["box"]
        if right - left >= 3 and bottom - top >= 3:
            seen = picture.pixel((left + right) / 2, (top + bottom) / 2)
            assert _close(seen, _rgb(bar["fill"])), f"{bar} is drawn as {seen}"

    # Trends: one column per week from the first to the last, the empty week included.
    per_week = _chart(probe, "Sessions per week")
    assert sum(float(b["value"]) for b in per_week["bars"]) == len(RECORDED)
    assert [label["text"] for label in per_week["labels"]] == ["Oct 19", "Oct 26", "Nov 2", "Nov 9", "Nov 16"]
    rate = _chart(probe, "Gate pass rate")
    assert rate["empty"] == ["no gates", "no gates"], "weeks without gates draw no 0% bar"
    assert len(rate["bars"]) == 3
    denials = _chart(probe, "Guard denials")
    assert sum(float(b["value"]) for b in denials["bars"]) == 14

    # Session by session: every session's label whole and left of the bars, none cut from the left.
    duration = _chart(probe, "Duration")
    texts = [label["text"] for label in duration["labels"]]
    assert texts[4] == "2026-11-10 09:00 housekeeping" and all(t.startswith("2026-") for t in texts)
    for chart in (duration, _chart(probe, "Gate pass rate", 1)):
        start = min(bar["box"][0] for bar in chart["bars"])
        for label in chart["labels"]:
            assert chart["box"][0] <= label["box"][0] and label["box"][2] <= start - 2, (label, start)
    per_session_rate = _chart(probe, "Gate pass rate", 1)
    assert len(per_session_rate["bars"]) == 6 and per_session_rate["text"].count("no gates run") == 2
    for chart in probe["charts"]:  # column labels never run into each other
        boxes = sorted(label["box"] for label in chart["labels"])
        for earlier, later in itertools.pairwise(boxes):
            if abs(earlier[1] - later[1]) < 1:
                assert earlier[2] <= later[0], (chart["title"], earlier, later)


def test_one_session_is_called_one_session_and_draws_no_trend(tmp_path: Path) -> None:
    page = tmp_path / "one.html"
    page.write_text(render_html(RECORDED[:1], RECORDED[:1]), encoding="utf-8")
    probe = layout(page, tmp_path)
    assert probe["title"] == "Session report: 1 session, on 2026-10-19"
    assert [c["title"] for c in probe["charts"]] == ["Duration", "Gate pass rate"]
    assert "One week of sessions so far" in page.read_text()
    assert "the last 1" not in page.read_text()


def test_the_numbers_say_what_counts() -> None:
    totals = summarise(SHOWN)
    # the abandoned 0.3-minute session stays out of the median and is counted apart
    assert totals["median_of"] == 7 and totals["abandoned"] == 1 and totals["median_duration_s"] == 51 * 60
    assert summarise(RECORDED[:2])["guard_denials"] is None, "never recorded is not zero"
    assert summarise(RECORDED[1:2])["gate_pass_rate"] is None, "no gates is no rate, not 0%"
    rows = weeks(RECORDED)
    assert [w["sessions"] for w in rows] == [3, 3, 0, 1, 3]
    assert [w["gate_pass_rate"] for w in rows][2:4] == [None, None]
    assert rows[0]["guard_denials"] == 4 and rows[2]["guard_denials"] is None
    assert "(of 7 sessions; 1 abandoned left out)" in table(SHOWN)


def test_report_json_is_the_documented_shape(tmp_path: Path) -> None:
    metrics = tmp_path / ".orchestrator" / "metrics"
    metrics.mkdir(parents=True)
    (metrics / "sessions.jsonl").write_text("".join(json.dumps(s) + "\n" for s in RECORDED))
    done = rt(tmp_path, "report", "--json", "--last", "8", "--html", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # stdout is the object alone; the HTML note goes to stderr
    assert set(data) == {"schema_version", "source", "recorded", "shown", "totals", "weeks", "sessions", "autopilot"}
    assert data["schema_version"] == 1 and data["recorded"] == 10 and data["shown"] == 8
    assert data["totals"]["median_of"] == 7 and data["totals"]["gate_pass_rate"] == 26 / 31
    assert [w["week"] for w in data["weeks"]] == ["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert set(data["weeks"][0]) == {"week", "start", "sessions", "completed", "partial", "abandoned", "gates_run",
                                     "gates_passed", "gate_pass_rate", "regressions_caught", "carryover",
                                     "guard_denials"}
    first = data["sessions"][0]
    assert first["id"] == RECORDED[2]["id"] and first["gate_pass_rate"] == 0.6 and first["guard_denials"] == 4
    housekeeping = data["sessions"][-4]
    assert housekeeping["type"] == "housekeeping" and housekeeping["gate_pass_rate"] is None
    assert "HTML report" in done.stderr and (tmp_path / "r.html").is_file()


def test_report_json_without_sessions(tmp_path: Path) -> None:
    done = rt(tmp_path, "report", "--json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["recorded"] == 0 and data["sessions"] == [] and data["weeks"] == []
    assert data["totals"]["gate_pass_rate"] is None and data["totals"]["median_duration_s"] is None


def test_a_missing_browser_fails_and_says_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    import pytest

    from tests.browser import chromium

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        chromium()
