"""Plan validation: every error names the wave, task and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from runtime import state as st
from runtime.plan import PlanError, template, validate
from runtime.waves import wave_entries
from tests.runtime.loop_support import calc_repo, plan_for, rt


def _state(total: int = 5, kind: str = "feature") -> dict:
    s = st.new_state("s", kind, total, "", "main")
    s["waves"] = wave_entries(total, kind, 6)
    return s


def _problems(plan: dict, tmp_path: Path, state: dict | None = None) -> str:
    with pytest.raises(PlanError) as info:
        validate(plan, state or _state(), tmp_path)
    return "\n".join(info.value.problems)


def test_a_good_plan_validates(tmp_path: Path) -> None:
    state = _state()
    result = validate(plan_for(state["waves"]), state, tmp_path)
    assert result["waves"][1][0]["files"] == ["src/calc/ops.py", "tests/test_ops.py"]
    assert result["items"][0]["status"] == "not-started"


def test_wrong_role_and_wave_count(tmp_path: Path) -> None:
    plan = plan_for(_state()["waves"])
    plan["waves"][1]["role"] = "Impl-Polish"
    assert "wave 2: role 'Impl-Polish' does not match" in _problems(plan, tmp_path)
    plan = plan_for(_state()["waves"])
    plan["waves"].pop()
    assert "the plan has 4 waves but this session has 5" in _problems(plan, tmp_path)


def test_folded_role_aliases(tmp_path: Path) -> None:
    state = _state(4)
    plan = plan_for(state["waves"])
    plan["waves"][1]["role"] = "impl"
    validate(plan, state, tmp_path)


def test_too_many_tasks_for_the_cap(tmp_path: Path) -> None:
    state = _state(kind="housekeeping")
    plan = plan_for(state["waves"])
    extra = copy.deepcopy(plan["waves"][4]["tasks"][0])
    extra["id"], extra["files"] = "T6", ["docs/x.md"]
    plan["waves"][4]["tasks"].append(extra)
    assert "wave 5 (Finalization): 2 tasks, but this housekeeping session allows at most 1" in _problems(
        plan, tmp_path, state)


def test_shared_file_in_one_wave(tmp_path: Path) -> None:
    plan = plan_for(_state()["waves"])
    plan["waves"][1]["tasks"].append({"id": "T2b", "agent": "implementer", "items": ["I1"], "task": "more",
                                      "files": ["./src/calc/ops.py"]})
    assert "file 'src/calc/ops.py' is also in task T2 of the same wave" in _problems(plan, tmp_path)


def test_discovery_task_with_files(tmp_path: Path) -> None:
    plan = plan_for(_state()["waves"])
    plan["waves"][0]["tasks"][0]["files"] = ["src/calc/ops.py"]
    assert "wave 1 task T1: has files" in _problems(plan, tmp_path)


def test_uncovered_item_unknown_agent_and_outside_path(tmp_path: Path) -> None:
    plan = plan_for(_state()["waves"])
    plan["items"].append({"id": "I2", "title": "t", "acceptance": "a"})
    plan["waves"][2]["tasks"][0]["agent"] = "wizard"
    plan["waves"][3]["tasks"][0]["files"] = ["../elsewhere.py"]
    problems = _problems(plan, tmp_path)
    assert "item 'I2' is not served by any task" in problems
    assert "wave 3 task T3: agent 'wizard' is unknown" in problems
    assert "wave 4 task T4: file '../elsewhere.py' is outside the repository" in problems


def test_template_matches_the_layout() -> None:
    skeleton = template(_state(3))
    assert [w["role"] for w in skeleton["waves"]] == ["Discovery+Impl-Core", "Impl-Polish+Quality", "Finalization"]
    assert all("max_agents" in w for w in skeleton["waves"])


def test_cli_set_show_and_item(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    rt(repo, "session", "start", "feature")
    skeleton = json.loads(rt(repo, "plan", "template").stdout)
    bad = rt(repo, "plan", "set", "-", stdin=json.dumps(skeleton))
    assert bad.returncode == 1 and "outside" not in bad.stderr and "not recorded" in bad.stderr
    assert rt(repo, "plan", "set", "-", stdin="{not json").stderr.startswith("error: the plan in standard input")
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_for(status["waves"])))
    assert rt(repo, "plan", "set", "--file", str(plan_file)).returncode == 0
    briefs = rt(repo, "plan", "show", "--wave", "2").stdout
    assert "FILE SCOPE" in briefs and "  - src/calc/ops.py" in briefs and "STATUS: done|partial|failed" in briefs
    assert "ACCEPTANCE: calc pow 2 3 prints 8" in briefs
    assert rt(repo, "plan", "item", "I1", "--status", "partial", "--note", "no CLI yet").returncode == 0
    assert st.load(repo)["items"][0]["status"] == "partial"
    missing = rt(repo, "plan", "item", "I7", "--status", "done")
    assert missing.returncode == 1 and "the items are I1" in missing.stderr
