"""The kill-switches as functions: each fires on its own fact alone, and an unknown fact fires none.

The runs that exercise them end to end are in test_autopilot.py; here each switch is held to its
threshold and to its independence from every other fact, which a run cannot show exhaustively.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from runtime.unattended import killswitches as ks
from runtime.unattended.record import runs, summary_lines
from runtime.unattended.worklist import WorkFileError, priority, read_work_file

LIMITS = ks.Limits(max_sessions=5, max_hours=2, max_tokens=1000, max_cost=1.0, stall_minutes=10,
                   max_gate_failures=3, max_carryover_share=0.5)
QUIET = ks.Facts(sessions=1, elapsed_s=60, tokens=10, cost_usd=0.01, blocked_gates=1, items=4, carried=1)

# switch -> the one fact that trips it, and the same fact just short of the limit
TRIPS = {
    "stop-file": ({"stop_file": True, "stop_text": "lunch"}, {"stop_file": False, "stop_text": "lunch"}),
    "breaker": ({"breakers": [{"kind": "gate-failure", "reason": "3 in a row"}]}, {"breakers": []}),
    "stall": ({"stalled_s": 601.0}, {"stalled_s": None}),
    "gate-failures": ({"blocked_gates": 3}, {"blocked_gates": 2}),
    "hours": ({"elapsed_s": 7200.0}, {"elapsed_s": 7199.0}),
    "tokens": ({"tokens": 1000}, {"tokens": 999}),
    "cost": ({"cost_usd": 1.0}, {"cost_usd": 0.99}),
    "carryover-share": ({"items": 4, "carried": 3}, {"items": 4, "carried": 2}),
    "sessions": ({"sessions": 5}, {"sessions": 4}),
}


def test_every_switch_is_covered_here() -> None:
    assert set(TRIPS) == set(ks.SWITCHES)


def test_a_quiet_run_goes_on() -> None:
    assert ks.first_stop(LIMITS, QUIET) is None


@pytest.mark.parametrize("name", sorted(TRIPS))
def test_each_switch_fires_on_its_own_fact_and_only_that_switch(name: str) -> None:
    tripped, short = TRIPS[name]
    facts = replace(QUIET, **tripped)
    fired = [other for other, switch in ks.SWITCHES.items() if switch(LIMITS, facts)]
    assert fired == [name]
    assert ks.first_stop(LIMITS, facts)[0] == name  # type: ignore[index]
    assert ks.first_stop(LIMITS, replace(QUIET, **short)) is None


@pytest.mark.parametrize("name", sorted(set(TRIPS) - {"stop-file", "breaker", "stall"}))
def test_without_a_cap_the_switch_never_fires(name: str) -> None:
    field = {"gate-failures": "max_gate_failures", "hours": "max_hours", "tokens": "max_tokens", "cost": "max_cost",
             "carryover-share": "max_carryover_share", "sessions": "max_sessions"}[name]
    assert ks.SWITCHES[name](replace(LIMITS, **{field: None}), replace(QUIET, **TRIPS[name][0])) is None


def test_usage_the_cli_did_not_report_fires_nothing() -> None:
    assert ks.first_stop(LIMITS, replace(QUIET, tokens=None, cost_usd=None)) is None
    assert ks.unenforceable(LIMITS, ("tokens",)) == [
        "--max-cost cannot be enforced: this agent CLI does not report cost"]
    assert ks.unenforceable(LIMITS, ()) == [
        "--max-tokens cannot be enforced: this agent CLI does not report token usage",
        "--max-cost cannot be enforced: this agent CLI does not report cost"]


def test_the_reasons_name_the_fact_and_the_limit() -> None:
    assert ks.tokens(LIMITS, replace(QUIET, tokens=1500)) == "used 1500 tokens (limit 1000)"
    assert ks.stop_file(LIMITS, replace(QUIET, stop_file=True, stop_text="")) == ".orchestrator/STOP exists"
    assert ks.carryover_share(LIMITS, replace(QUIET, carried=3)) == "3 of 4 items carried over (75%; limit 50%)"


@pytest.mark.parametrize(("labels", "rank"), [
    (["priority: critical"], 0), (["P1"], 1), (["bug", "priority: high"], 1), (["p2"], 2), ([], 3),
    (["enhancement"], 3), (["low"], 4), (["P3", "P0"], 0),
])
def test_issue_priority_from_labels(labels: list[str], rank: int) -> None:
    assert priority(labels) == rank


def test_a_work_file_is_one_item_per_line(tmp_path: Path) -> None:
    path = tmp_path / "work.txt"
    path.write_text("# tonight\nAdd power\n\n  Fix the CLI help  \n")
    assert [(i["title"], i["source"]) for i in read_work_file(path)] == [
        ("Add power", "work.txt:2"), ("Fix the CLI help", "work.txt:4")]
    with pytest.raises(WorkFileError, match=r"missing\.txt: cannot be read"):
        read_work_file(tmp_path / "missing.txt")


def test_the_record_sums_each_run_and_says_when_usage_was_not_reported(tmp_path: Path) -> None:
    lines = [
        {"run": "r1", "kind": "start", "ts": "t0", "agent": "codex"},
        {"run": "r1", "kind": "iteration", "outcome": "verified", "seconds": 5,
         "usage": {"input_tokens": 100, "output_tokens": 20, "cost_usd": None}},
        {"run": "r1", "kind": "iteration", "outcome": "carried", "seconds": 7,
         "usage": {"input_tokens": 50, "output_tokens": 5, "cost_usd": None}},
        {"run": "r1", "kind": "stop", "switch": "tokens", "reason": "used 175 tokens (limit 100)"},
        {"run": "r2", "kind": "start", "ts": "t1", "agent": "cursor"},
        {"run": "r2", "kind": "iteration", "outcome": "verified", "usage": {}},
    ]
    first, second = runs(tmp_path, lines)
    assert (first["iterations"], first["verified"], first["carried"], first["tokens"], first["cost_usd"]) == (
        2, 1, 1, 175, None)
    assert second["usage_reported"] is False and second["stop"] is None
    text = summary_lines([first, second])
    assert text[0] == ("t0 codex: 2 sessions, 1 verified, 1 carried over; 175 tokens; stopped by tokens: "
                       "used 175 tokens (limit 100)")
    assert "tokens not reported" in text[1] and "no stop recorded" in text[1]
