"""Gates on the example repository: regressions block by name, old failures do not."""

from __future__ import annotations

import json
from pathlib import Path

from runtime import breaker
from runtime import state as st
from runtime.gates import compare
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def _break_add(repo: Path) -> None:
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text().replace("return a + b", "return a + b + 1"))


def _add_failing_test(repo: Path) -> None:
    with (repo / "tests" / "test_ops.py").open("a") as handle:
        handle.write("\n\ndef test_known_broken():\n    assert ops.add(1, 1) == 3\n")


def _to_gate_after_wave_2(repo: Path) -> None:
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0


def test_regression_between_waves_blocks_and_names_the_test(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    _break_add(repo)
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "REGRESSION: tests/test_ops.py::test_add" in gate.stdout
    assert len(gate.stdout.splitlines()) <= 16
    refused = begin(repo, 3)
    assert refused.returncode == 2
    assert "tests/test_ops.py::test_add" in refused.stderr and "gate incremental" in refused.stderr
    recorded = st.load(repo)
    assert recorded["waves"][1]["gate-status"] == "blocked"
    assert "tests/test_ops.py::test_add" in recorded["gates"][-1]["regressions"]
    # fixing it unblocks the next wave
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text().replace("return a + b + 1", "return a + b"))
    assert rt(repo, "gate", "incremental").returncode == 0
    assert begin(repo, 3).returncode == 0


def test_preexisting_failure_is_reported_but_does_not_block(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _add_failing_test(repo)
    _to_gate_after_wave_2(repo)
    baseline = st.load(repo)["baseline"]
    assert baseline["checks"]["test"]["failed_tests"] == ["tests/test_ops.py::test_known_broken"]
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0, gate.stdout
    assert "pre-existing failures (not blocking): 1" in gate.stdout
    assert "test_known_broken" in gate.stdout and "REGRESSION" not in gate.stdout
    assert begin(repo, 3).returncode == 0


def test_new_failure_next_to_an_old_one_still_blocks(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _add_failing_test(repo)
    _to_gate_after_wave_2(repo)
    _break_add(repo)
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2
    assert "REGRESSION: tests/test_ops.py::test_add" in gate.stdout
    assert "REGRESSION: tests/test_ops.py::test_known_broken" not in gate.stdout


def test_timeout_is_a_clear_failure(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    config = repo / "CLAUDE.md"
    config.write_text(config.read_text().replace("- lint-command: skip", "- lint-command: sleep 30"))
    gate = rt(repo, "gate", "full", "--timeout", "1")
    assert gate.returncode == 2
    assert "lint      TIMEOUT" in gate.stdout
    assert "lint: timed out after the gate-timeout" in gate.stdout


def test_three_blocked_gates_trip_the_breaker(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    _break_add(repo)
    finish(repo, 2, "T2=done")
    for _ in range(3):
        assert rt(repo, "gate", "incremental").returncode == 2
    tripped = breaker.active(repo)
    assert len(tripped) == 1 and tripped[0]["kind"] == "gate-failure" and tripped[0]["check"] == "test"
    status = rt(repo, "session", "status")
    assert "circuit breaker tripped" in status.stdout


def test_gate_without_session_is_an_error(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    result = rt(repo, "gate", "incremental")
    assert result.returncode == 1 and "session start" in result.stderr


def test_baseline_cannot_be_retaken_once_waves_ran(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    result = rt(repo, "gate", "baseline")
    assert result.returncode == 1 and "hide regressions" in result.stderr


def test_lint_counts_compare_with_the_baseline() -> None:
    def lint(exit_code: int, problems: int | None) -> dict:
        return {"skipped": False, "ok": exit_code == 0, "exit": exit_code, "timed_out": False, "problems": problems}

    baseline = {"checks": {"lint": lint(1, 3)}}
    assert not compare(baseline, {"lint": lint(1, 3)})["blocked"]
    worse = compare(baseline, {"lint": lint(1, 5)})
    assert worse["blocked"] and "5 failures now, 3 at baseline" in worse["new_problems"][0]
    broke = compare({"checks": {"lint": lint(0, None)}}, {"lint": lint(1, None)})
    assert broke["blocked"] and "passed at baseline" in broke["new_problems"][0]


def test_status_json_shows_gate_state(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert status["baseline"]["variant"] == "baseline"
    assert status["session"]["current-wave"] == 2
