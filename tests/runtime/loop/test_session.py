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
    session_id = json.loads(records[-1])["id"]
    archived = repo / ".orchestrator" / "state" / "archive" / f"{session_id}.json"
    assert archived.exists() == (persistence == "true")  # what evolve reads once the next session starts
    if archived.exists():
        assert json.loads(archived.read_text())["status"] == "completed"


def test_counts_of_one_are_singular_in_command_output(tmp_path: Path) -> None:
    """'1 agents', '1 items' and 'agent(s)' read as bugs; every count in the loop's output agrees with its noun."""
    import json
    import re

    from runtime.core.words import count
    from tests.runtime.loop_support import calc_repo, plan_for, rt

    assert (count(1, "agent"), count(2, "agent"), count(0, "entry", "entries")) == ("1 agent", "2 agents", "0 entries")
    repo = calc_repo(tmp_path)
    outputs = [rt(repo, "session", "start", "housekeeping")]
    outputs.append(rt(repo, "gate", "baseline"))
    plan = plan_for(json.loads(rt(repo, "session", "status", "--json").stdout)["waves"])
    outputs.append(rt(repo, "plan", "set", "-", stdin=json.dumps(plan)))
    outputs.append(rt(repo, "plan", "show"))
    outputs.append(rt(repo, "report"))
    text = "\n".join(o.stdout + o.stderr for o in outputs)
    assert all(o.returncode == 0 for o in outputs), text
    assert "up to 1 agent" in text and "1 item," in text, text
    bad = re.findall(r"\b1 (?:agents|items|tasks|waves|sessions|findings|problems|breakers)\b|\w\(s\)", text)
    assert not bad, bad
