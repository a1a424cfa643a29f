"""The sessions.jsonl record written at close, and the report built from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runtime.commands.report import render_html, summarise, table
from runtime.core import telemetry
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def _session(ident: str, minutes: float, run: int, passed: int, regressions: int, carry: int) -> dict:
    return {"schema_version": 1, "id": ident, "type": "feature", "outcome": "completed",
            "duration_s": int(minutes * 60), "total_waves": 5,
            "waves": [{"wave": n, "status": "done"} for n in range(1, 6)],
            "gates": {"run": run, "passed": passed, "blocked": run - passed},
            "regressions_caught": regressions, "items_planned": 3, "items_done": 3 - carry, "carryover": carry}


SESSIONS = [_session("s-one", 12.5, 4, 3, 1, 0), _session("s-two", 47.0, 5, 5, 0, 2)]


def test_summary_numbers() -> None:
    totals = summarise(SESSIONS)
    assert totals["gates_run"] == 9 and totals["gates_passed"] == 8
    assert totals["regressions_caught"] == 1 and totals["carryover"] == 2


def test_terminal_table() -> None:
    text = table(SESSIONS)
    assert "s-one" in text and "47.0" in text and "3/4" in text
    assert "gate pass rate 89% (8/9)" in text


def test_html_is_self_contained_and_has_the_numbers() -> None:
    page = render_html(SESSIONS)
    # records without a start time: no trend by week, the two per-session charts
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    for number in ("12.5 min", "47 min", "75%", "100%", "89%"):
        assert number in page
    assert "s-two" in page


def test_close_writes_the_record_and_report_reads_it(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    for number in range(1, 6):
        assert begin(repo, number).returncode == 0
        if number == 2:
            (repo / "src" / "calc" / "ops.py").write_text((repo / "src" / "calc" / "ops.py").read_text() + "\n")
        finish(repo, number, f"T{number}=done")
        gate = {2: "incremental", 3: "incremental", 4: "full"}.get(number)
        if gate:
            assert rt(repo, "gate", gate).returncode == 0
    refused = rt(repo, "session", "close")
    assert refused.returncode == 2 and "gate full" in refused.stderr
    assert rt(repo, "gate", "full").returncode == 0
    assert rt(repo, "plan", "item", "I1", "--status", "done").returncode == 0
    closed = rt(repo, "session", "close", "--outcome", "completed")
    assert closed.returncode == 0, closed.stderr
    assert not (repo / ".orchestrator" / "state" / "scope.json").exists()
    records = telemetry.read_sessions(repo)
    assert len(records) == 1
    record = records[0]
    assert record["outcome"] == "completed" and record["type"] == "feature"
    assert record["gates"] == {"run": 4, "passed": 4, "blocked": 0, "baseline": True,
                               "last": {"variant": "full", "blocked": False}}
    assert record["files_changed"] == 1 and record["agents_dispatched"] == 5
    assert record["items_done"] == 1 and record["carryover"] == 0
    assert [w["done"] for w in record["waves"]] == [1, 1, 1, 1, 1]
    html_path = tmp_path / "report.html"
    report = rt(repo, "report", "--last", "5", "--html", str(html_path))
    assert report.returncode == 0 and record["id"] in report.stdout
    assert record["id"] in html_path.read_text()
    events = [json.loads(line)["event"] for line in telemetry.events_path(repo).read_text().splitlines()]
    assert events[0] == "session.started" and events[-1] == "session.closed" and "gate.passed" in events


def test_abandoned_close_needs_no_gate(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    rt(repo, "session", "start", "housekeeping")
    assert rt(repo, "session", "close").returncode == 2
    closed = rt(repo, "session", "close", "--outcome", "abandoned")
    assert closed.returncode == 0
    assert telemetry.read_sessions(repo)[0]["outcome"] == "abandoned"
    assert "completed" in rt(repo, "session", "status").stdout


def test_report_without_sessions(tmp_path: Path) -> None:
    result = rt(tmp_path, "report")
    assert result.returncode == 0 and "no sessions recorded yet" in result.stdout


@pytest.mark.parametrize(("durations", "expected"), [([], None), ([60], 60), ([60, 120], 90), ([300, 60, 120], 120),
                                                     ([10, 40, 20, 30], 25)])
def test_median_of_an_even_count_is_the_mean_of_the_middle_two(durations: list[int], expected: float | None) -> None:
    from runtime.commands.report import summarise

    assert summarise([{"duration_s": d} for d in durations])["median_duration_s"] == expected


def test_one_session_is_singular() -> None:
    from runtime.commands.report import table

    assert "\n1 session; median duration" in table([{"id": "a", "duration_s": 60}])
