"""Wave layouts, agent caps and the scope file each wave writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.core.paths import state_dir
from runtime.loop.waves import cap_for, gate_for, layout, parse_task_result, wave_entries
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def test_five_waves_are_the_five_roles() -> None:
    assert layout(5) == [["Discovery"], ["Impl-Core"], ["Impl-Polish"], ["Quality"], ["Finalization"]]


def test_four_waves_fold_core_and_polish() -> None:
    assert layout(4) == [["Discovery"], ["Impl-Core", "Impl-Polish"], ["Quality"], ["Finalization"]]


def test_three_waves_fold_pairs() -> None:
    assert layout(3) == [["Discovery", "Impl-Core"], ["Impl-Polish", "Quality"], ["Finalization"]]


@pytest.mark.parametrize("total", [6, 7, 9])
def test_more_waves_repeat_implementation_before_quality(total: int) -> None:
    waves = layout(total)
    assert len(waves) == total
    assert waves[0] == ["Discovery"] and waves[-2:] == [["Quality"], ["Finalization"]]
    middle = [w[0] for w in waves[1:-2]]
    assert set(middle) == {"Impl-Core", "Impl-Polish"}
    assert middle == sorted(middle)  # all Core waves come before the Polish waves
    assert layout(6)[1:4] == [["Impl-Core"], ["Impl-Core"], ["Impl-Polish"]]


def test_fewer_than_three_waves_is_refused() -> None:
    with pytest.raises(ValueError, match="3 or more"):
        layout(2)


def test_gates_follow_the_roles() -> None:
    assert [gate_for(r) for r in layout(5)] == [None, "incremental", "incremental", "full", None]
    assert [gate_for(r) for r in layout(3)] == ["incremental", "full", None]


def test_caps_scale_with_session_type_and_agents_per_wave() -> None:
    core = ["Impl-Core"]
    assert cap_for(core, "housekeeping", 6) < cap_for(core, "feature", 6) < cap_for(core, "deep", 18)
    assert cap_for(core, "deep", 3) == 3  # agents-per-wave caps everything
    assert cap_for(["Finalization"], "housekeeping", 6) == 1
    entries = wave_entries(3, "feature", 6)
    assert entries[0]["max_agents"] == cap_for(["Discovery", "Impl-Core"], "feature", 6)
    assert entries[0]["read_only"] is False and wave_entries(5, "feature", 6)[0]["read_only"] is True


def test_session_uses_configured_waves_and_agents(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path, extra="- waves: 4\n- agents-per-wave: 6 (deep: 2)\n")
    rt(repo, "session", "start", "deep")
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert [w["role"] for w in status["waves"]] == ["Discovery", "Impl-Core+Impl-Polish", "Quality", "Finalization"]
    assert all(w["max_agents"] <= 2 for w in status["waves"])


def test_task_result_syntax() -> None:
    assert parse_task_result("T1=done:all good: really") == ("T1", "done", "all good: really")
    assert parse_task_result("T2=Partial") == ("T2", "partial", "")
    with pytest.raises(ValueError, match="done, partial, failed"):
        parse_task_result("T1=finished")
    with pytest.raises(ValueError, match="ID=done"):
        parse_task_result("T1")


def test_scope_files_per_role(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    scope_file = state_dir(repo) / "scope.json"
    assert begin(repo, 1).returncode == 0
    scope = json.loads(scope_file.read_text())
    assert scope["read_only"] is True and scope["allowed"] == [] and scope["role"] == "Discovery"
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0
    scope = json.loads(scope_file.read_text())
    assert scope["allowed"] == ["src/calc/ops.py", "tests/test_ops.py"] and scope["read_only"] is False
    assert scope["enforcement"] == "warn" and scope["session_id"]
    (repo / "src" / "calc" / "ops.py").write_text((repo / "src" / "calc" / "ops.py").read_text() + "\n# pow\n")
    finish(repo, 2, "T2=done")
    assert rt(repo, "gate", "incremental").returncode == 0
    assert begin(repo, 3).returncode == 0
    finish(repo, 3, "T3=failed:the CLI parser rejects negative numbers")
    assert rt(repo, "gate", "incremental").returncode == 0
    assert begin(repo, 4).returncode == 0
    scope = json.loads(scope_file.read_text())
    assert "src/calc/ops.py" in scope["allowed"]  # changed since the session started
    assert "**/test_*.py" in scope["allowed"] and "tests/" in scope["allowed"]
    finish(repo, 4, "T4=done")
    assert rt(repo, "gate", "full").returncode == 0
    assert begin(repo, 5).returncode == 0
    scope = json.loads(scope_file.read_text())
    assert {"README.md", "docs/", "CHANGELOG*"} <= set(scope["allowed"])
    text = (repo / ".orchestrator" / "STATE.md").read_text()
    assert "T3: the CLI parser rejects negative numbers" in text  # failed tasks feed "what not to retry"


def test_wave_done_rejects_unknown_task(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    begin(repo, 1)
    result = rt(repo, "wave", "done", "1", "--task", "T9=done")
    assert result.returncode == 1 and "no task T9" in result.stderr and "T1" in result.stderr


def test_wave_cannot_start_without_a_plan(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    rt(repo, "session", "start", "feature")
    result = begin(repo, 1)
    assert result.returncode == 2 and "plan set" in result.stderr


def test_wave_done_without_results_can_be_corrected_later(tmp_path: Path) -> None:
    from runtime.loop import state as st

    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    first = rt(repo, "wave", "done", "1")
    assert first.returncode == 0 and "no result for T1 (add it with 'wave done 1 --task <ID>=<status>')" in first.stdout
    empty = rt(repo, "wave", "done", "1")
    assert empty.returncode == 1 and "already done" in empty.stderr and "--task" in empty.stderr

    amended = rt(repo, "wave", "done", "1", "--task", "T1=done:read it after all", "--deviation", "late report")
    assert amended.returncode == 0, amended.stderr
    assert "results amended: 1 done, 0 partial, 0 failed" in amended.stdout
    state = st.load(repo)
    wave = state["waves"][0]
    assert wave["status"] == "done" and wave["results"]["T1"] == {"status": "done", "note": "read it after all"}
    assert state["deviations"][-1]["text"] == "late report"
    assert begin(repo, 2).returncode == 0  # the session carries on as before
