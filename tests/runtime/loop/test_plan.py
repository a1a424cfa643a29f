"""Plan validation: every error names the wave, task and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from runtime.loop import state as st
from runtime.loop.plan import PlanError, template, validate
from runtime.loop.waves import wave_entries
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


def _command_placeholders() -> list[str]:
    """Every `<...>` placeholder the command texts show the agent, e.g. '<evidence or what is missing>'."""
    import re

    from tests.helpers import ROOT

    found: set[str] = set()
    for path in (ROOT / "template" / "_canonical" / "commands").glob("*.md"):
        found.update(re.findall(r"<[a-z][^<>{}`]*>", path.read_text(encoding="utf-8"), re.IGNORECASE))
    return sorted(found)


def test_command_texts_have_placeholders_to_check() -> None:
    assert {"<ID>", "<evidence or what is missing>", "<one line>"} <= set(_command_placeholders())


@pytest.mark.parametrize("text", [*_command_placeholders(), "<goal>", "<title>",
                                  "TODO", "todo: write it", "TBD.", "...",
                                  "[title]", "{ ...the filled-in plan... }", "Add <feature> to the CLI",
                                  "how we know it is done", "what the user gets"])
def test_placeholder_texts_are_refused(tmp_path: Path, text: str) -> None:
    plan = plan_for(_state()["waves"])
    plan["items"][0]["title"] = text
    plan["items"][0]["acceptance"] = text
    plan["waves"][1]["tasks"][0]["task"] = text
    problems = _problems(plan, tmp_path)
    assert "items[1] (I1): 'title':" in problems and "items[1] (I1): 'acceptance':" in problems
    assert "wave 2 task T2: 'task':" in problems
    assert "placeholder" in problems or "template's example" in problems


@pytest.mark.parametrize("text", ["power operation", "calc pow 2 3 prints 8", "support List<T> in the parser",
                                  "escape <br> in the HTML output", "a todo list for the CLI"])
def test_real_texts_with_brackets_or_keywords_pass(tmp_path: Path, text: str) -> None:
    state = _state()
    plan = plan_for(state["waves"])
    plan["items"][0]["title"] = text
    plan["waves"][1]["tasks"][0]["task"] = text
    assert validate(plan, state, tmp_path)["items"][0]["title"] == text


def test_template_example_issue_and_files_are_refused(tmp_path: Path) -> None:
    state = _state()
    skeleton = template(state)
    problems = _problems(skeleton, tmp_path, state)
    for field in ("'title'", "'acceptance'", "'issue'"):
        assert f"items[1] (I1): {field}" in problems
    assert "file 'path/to/file.py' is the template's example" in problems


def test_item_note_placeholder_is_refused(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    plan = plan_for(json.loads(rt(repo, "session", "status", "--json").stdout)["waves"])
    assert rt(repo, "plan", "set", "-", stdin=json.dumps(plan)).returncode == 0
    refused = rt(repo, "plan", "item", "I1", "--status", "done", "--note", "<evidence or what is missing>")
    assert refused.returncode == 1 and "placeholder" in refused.stderr and "Traceback" not in refused.stderr
    assert rt(repo, "plan", "item", "I1", "--status", "done", "--note", "tests/test_ops.py passes").returncode == 0
