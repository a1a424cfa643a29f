"""The plan knows each agent's tier: read-only agents get no files, writing agents must get some; and the
plan skeleton's Quality wave offers the test planner and the test writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.loop import roles
from runtime.loop import state as st
from runtime.loop.plan import EXAMPLE_TASK, PlanError, template, validate
from runtime.loop.waves import wave_entries
from tests.runtime.loop_support import plan_for


def _state(total: int = 5, kind: str = "feature") -> dict:
    state = st.new_state("s", kind, total, "", "main")
    state["waves"] = wave_entries(total, kind, 6)
    return state


def _problems(plan: dict, state: dict, root: Path) -> str:
    with pytest.raises(PlanError) as info:
        validate(plan, state, root)
    return "\n".join(info.value.problems)


@pytest.mark.parametrize("agent", ["qa-strategist", "security-reviewer", "architect-reviewer", "analyst"])
def test_a_read_only_agent_given_files_is_refused_by_name(agent: str, tmp_path: Path) -> None:
    state = _state()
    plan = plan_for(state["waves"])
    plan["waves"][3]["tasks"][0]["agent"] = agent  # the Quality wave: writing is allowed there
    assert f"wave 4 task T4: has files ['tests/test_ops.py'] but {agent} is read-only" in _problems(
        plan, state, tmp_path)


@pytest.mark.parametrize("agent", ["test-writer", "docs-writer", "db-specialist", "ui-developer", "implementer"])
def test_a_writing_agent_without_files_is_refused_by_name(agent: str, tmp_path: Path) -> None:
    state = _state()
    plan = plan_for(state["waves"])
    plan["waves"][3]["tasks"][0].update(agent=agent, files=[])
    problems = _problems(plan, state, tmp_path)
    assert f"wave 4 task T4: agent {agent} writes files but the task lists none" in problems
    assert "qa-strategist" in problems  # it names the read-only agents to use instead


def test_each_tier_with_the_right_files_validates(tmp_path: Path) -> None:
    state = _state()
    plan = plan_for(state["waves"])
    plan["waves"][3]["tasks"] = [
        {"id": "T4a", "agent": "test-writer", "items": ["I1"], "task": "test power's edge cases",
         "files": ["tests/test_ops.py"]},
        {"id": "T4b", "agent": "qa-strategist", "items": ["I1"], "task": "map power's untested paths", "files": []}]
    waves = validate(plan, state, tmp_path)["waves"]
    assert [(t["agent"], t["files"]) for t in waves[3]] == [("test-writer", ["tests/test_ops.py"]),
                                                            ("qa-strategist", [])]


def test_the_quality_wave_skeleton_offers_the_test_writer_and_the_qa_strategist() -> None:
    feature = template(_state(5, "feature"))["waves"]
    quality = next(w for w in feature if w["role"] == "Quality")
    assert [(t["id"], t["agent"], bool(t["files"])) for t in quality["tasks"]] == [
        ("T4a", "test-writer", True), ("T4b", "qa-strategist", False)]
    assert [t["agent"] for w in feature if w["role"] != "Quality" for t in w["tasks"]] == [
        "explorer", "implementer", "implementer", "implementer"]
    folded = template(_state(3, "feature"))["waves"][1]
    assert folded["role"] == "Impl-Polish+Quality" and [t["agent"] for t in folded["tasks"]] == [
        "test-writer", "qa-strategist"]
    # a housekeeping session allows one agent in its Quality wave: the skeleton offers one
    housekeeping = next(w for w in template(_state(5, "housekeeping"))["waves"] if w["role"] == "Quality")
    assert [t["agent"] for t in housekeeping["tasks"]] == ["test-writer"]


def test_a_skeleton_filled_in_validates_with_its_agents(tmp_path: Path) -> None:
    state = _state()
    skeleton = template(state)
    for wave in skeleton["waves"]:
        for task in wave["tasks"]:
            task["task"] = f"work of {task['id']}"
            task["files"] = [f"src/{task['id']}.py"] if task["files"] else []
    skeleton["items"] = [{"id": "I1", "title": "power", "acceptance": "2**3 == 8"}]
    waves = validate(skeleton, state, tmp_path)["waves"]
    assert {t["agent"] for t in waves[3]} == {"test-writer", "qa-strategist"}
    assert set(roles.ROLE_AGENTS["Quality"]) <= set(roles.known_agents())
    assert EXAMPLE_TASK not in str(waves)


def test_a_read_only_agent_in_a_writing_wave_gets_an_empty_scope(tmp_path: Path) -> None:
    from runtime.loop.waves import build_scope
    from tests.runtime.loop_support import calc_repo

    repo = calc_repo(tmp_path)
    state = _state()
    quality = state["waves"][3]
    quality["tasks"] = [
        {"id": "T4a", "agent": "test-writer", "items": ["I1"], "task": "t", "files": ["tests/test_power.py"]},
        {"id": "T4b", "agent": "qa-strategist", "items": ["I1"], "task": "q", "files": []}]
    scope = build_scope(state, quality, "strict", repo)
    assert scope["agents"]["qa-strategist"] == []
    assert scope["agents"]["test-writer"][0] == "tests/test_power.py" and "tests/" in scope["agents"]["test-writer"]
    quality["tasks"].pop()  # one writing agent alone: the wave's list is its list, as before
    assert "agents" not in build_scope(state, quality, "strict", repo)
