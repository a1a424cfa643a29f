"""`session close` and the `persistence` key: what survives a closed session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runtime.loop_support import calc_repo, rt


@pytest.mark.parametrize("persistence", ["true", "false"])
def test_persistence_decides_whether_state_outlives_the_session(tmp_path: Path, persistence: str) -> None:
    repo = calc_repo(tmp_path, extra=f"- persistence: {persistence}\n")
    assert rt(repo, "session", "start", "housekeeping").returncode == 0
    state = repo / ".orchestrator" / "STATE.md"
    assert state.is_file()  # during the session the record always exists: a crash must be resumable
    closed = rt(repo, "session", "close", "--outcome", "abandoned")
    assert closed.returncode == 0, closed.stderr
    assert state.exists() == (persistence == "true")
    records = (repo / ".orchestrator" / "metrics" / "sessions.jsonl").read_text().splitlines()
    assert json.loads(records[-1])["outcome"] == "abandoned"  # telemetry of every session either way
    assert ("STATE.md removed (persistence: false)" in closed.stdout) == (persistence == "false")
