"""Reviewer findings: all stored, only confident ones shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.loop import state as st
from runtime.loop.review import ReviewError, split, validate
from tests.runtime.loop_support import calc_repo, rt

FINDINGS = {"verdict": "fix-required", "findings": [
    {"confidence": 95, "severity": "high", "file": "src/calc/ops.py", "line": 4, "summary": "off by one",
     "fix": "return a + b"},
    {"confidence": 80, "severity": "medium", "file": "tests/test_ops.py", "summary": "no edge case"},
    {"confidence": 79, "severity": "low", "summary": "naming nit"},
    {"confidence": 30, "severity": "low", "summary": "maybe slow"},
]}


def test_floor_splits_findings() -> None:
    review = validate(FINDINGS)
    shown, hidden = split(review["findings"], 80)
    assert [f["confidence"] for f in shown] == [95, 80]
    assert [f["confidence"] for f in hidden] == [79, 30]


@pytest.mark.parametrize(("change", "message"), [
    ({"verdict": "maybe"}, "'verdict' must be one of"),
    ({"findings": [{"confidence": 140, "severity": "high", "summary": "x"}]}, "findings[1]: 'confidence'"),
    ({"findings": [{"confidence": 90, "severity": "urgent", "summary": "x"}]}, "findings[1]: 'severity'"),
    ({"findings": [{"confidence": 90, "severity": "low"}]}, "findings[1]: 'summary' is missing"),
])
def test_bad_findings_are_named(change: dict, message: str) -> None:
    with pytest.raises(ReviewError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate({**FINDINGS, **change})


def test_cli_records_all_and_prints_above_floor(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path, extra="- review-confidence-floor: 90\n")
    rt(repo, "session", "start", "feature")
    result = rt(repo, "review", "record", "--wave", "2", "-", stdin=json.dumps(FINDINGS))
    assert result.returncode == 0, result.stderr
    assert "off by one" in result.stdout and "no edge case" not in result.stdout
    assert "3 findings below the floor are kept in the session record" in result.stdout
    stored = st.load(repo)["reviews"][0]
    assert len(stored["findings"]) == 4 and stored["floor"] == 90
    text = (repo / ".orchestrator" / "STATE.md").read_text()
    assert "off by one" in text and "naming nit" not in text.split("## Data")[0]


def test_cli_rejects_unknown_wave(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    rt(repo, "session", "start", "feature")
    result = rt(repo, "review", "record", "--wave", "9", "-", stdin=json.dumps(FINDINGS))
    assert result.returncode == 1 and "wave 9 does not exist" in result.stderr
