"""Gates on the example repository: regressions block by name, old failures do not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.core import telemetry
from runtime.guards import breaker
from runtime.loop import state as st
from runtime.loop.gates import compare
from tests.helpers import git
from tests.runtime.loop_support import begin, calc_repo, finish, plan_for, rt, start_with_plan


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
    assert recorded["waves"][1]["gate_status"] == "blocked"
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
    assert "BROKEN: lint could not run: timed out after 1s" in gate.stdout
    assert "gate-timeout" in gate.stdout


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
    assert status["session"]["current_wave"] == 2


# --- checks that cannot run ------------------------------------------------


def _set(repo: Path, key: str, value: str) -> None:
    config = repo / "CLAUDE.md"
    lines = [f"- {key}: {value}" if line.startswith(f"- {key}:") else line
             for line in config.read_text().splitlines()]
    config.write_text("\n".join(lines) + "\n")


def test_runner_missing_from_the_interpreter_is_broken_not_failing(tmp_path: Path) -> None:
    """The trap from a real project: the suite's interpreter has no pytest. The baseline must not
    record it as "failing at baseline", and no wave may start until it is fixed or overridden."""
    repo = calc_repo(tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / ".venv")], check=True)
    _set(repo, "test-command", ".venv/bin/python -m pytest -q -p no:cacheprovider")
    assert rt(repo, "session", "start", "feature").returncode == 0
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 2, base.stdout
    assert "BROKEN: test could not run: the interpreter has no module 'pytest'" in base.stdout
    assert "failing at baseline" not in base.stdout
    assert "gate override test" in base.stdout
    recorded = st.load(repo)["baseline"]
    assert recorded["checks"]["test"]["status"] == "broken" and recorded["preexisting"] == []
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert rt(repo, "plan", "set", "-", stdin=json.dumps(plan_for(status["waves"]))).returncode == 0
    refused = begin(repo, 1)
    assert refused.returncode == 2
    assert "could not run at baseline" in refused.stderr and "no module 'pytest'" in refused.stderr
    assert "gate override test" in refused.stderr
    assert rt(repo, "gate", "override", "test").returncode == 1  # a reason is required
    assert rt(repo, "gate", "override", "test", "--reason", "suite runs in CI only").returncode == 0
    assert "OVERRIDE: the test check" in rt(repo, "session", "status").stdout
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0, gate.stdout
    assert "OVERRIDDEN: test could not run" in gate.stdout and "suite runs in CI only" in gate.stdout
    assert "  test      BROKEN" in gate.stdout  # never shown as a pass
    events = telemetry.events_path(repo).read_text()
    assert '"gate.override"' in events


def test_a_check_that_stops_running_blocks_the_next_wave(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    finish(repo, 2, "T2=done")
    _set(repo, "test-command", "no-such-test-runner -q")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2
    assert "BROKEN: test could not run: the command was not found (exit 127): no-such-test-runner" in gate.stdout
    refused = begin(repo, 3)
    assert refused.returncode == 2 and "test cannot run" in refused.stderr


@pytest.mark.parametrize(("command", "cause"), [
    ("python3 -m pytest -q -p no:cacheprovider -k no_test_has_this_name", "pytest collected no tests (exit 5)"),
    ("python3 -m pytest -q -p no:cacheprovider --no-such-option", "pytest was called wrongly (usage error) (exit 4)"),
    ("python3 -c 'raise SystemExit(3)'", "exit 3 with no test results the gate can read"),
])
def test_runner_usage_errors_and_empty_suites_are_broken(tmp_path: Path, command: str, cause: str) -> None:
    repo = calc_repo(tmp_path)
    _set(repo, "test-command", command)
    assert rt(repo, "session", "start", "feature").returncode == 0
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 2
    assert f"BROKEN: test could not run: {cause}" in base.stdout, base.stdout


def test_wave_one_needs_a_baseline(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert rt(repo, "plan", "set", "-", stdin=json.dumps(plan_for(status["waves"]))).returncode == 0
    refused = begin(repo, 1)
    assert refused.returncode == 2
    assert "no baseline is recorded; run 'python3 .orchestrator/runtime gate baseline' first" in refused.stderr


def test_each_check_has_its_own_duration(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _set(repo, "test-command", "sleep 3")
    _set(repo, "typecheck-command", "sleep 1")
    _set(repo, "lint-command", "true")
    assert rt(repo, "session", "start", "feature").returncode == 0
    rt(repo, "gate", "baseline")
    checks = st.load(repo)["baseline"]["checks"]
    assert checks["test"]["duration"] >= 3.0
    assert 1.0 <= checks["typecheck"]["duration"] < 2.5
    assert checks["lint"]["duration"] < 1.0


def test_a_gate_during_a_wave_names_that_wave(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_gate_after_wave_2(repo)
    gate = rt(repo, "gate", "incremental")
    assert gate.stdout.startswith("gate incremental (during wave 2): PASS"), gate.stdout
    assert st.load(repo)["gates"][-1]["wave"] == 2
    assert "wave start 3" not in gate.stdout


# --- lint and typecheck by finding -----------------------------------------


def test_lint_blocks_by_finding_and_ignores_shifted_old_ones_and_the_runtime(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    ruff = Path(sys.executable).parent / "ruff"
    _set(repo, "lint-command", f"{ruff} check --no-cache --output-format concise --select F .")
    ops = repo / "src" / "calc" / "ops.py"
    ops.write_text("import os\n" + ops.read_text())  # an old finding
    vendored = repo / ".orchestrator" / "runtime"
    vendored.mkdir(parents=True)
    (vendored / "mod.py").write_text("import sys\n")  # never counted
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "old finding")
    _to_gate_after_wave_2(repo)
    base = st.load(repo)["baseline"]["checks"]["lint"]
    assert base["findings"] == [["src/calc/ops.py", 1, "F401", "`os` imported but unused"]]
    assert base["runtime_findings_ignored"] == 1
    ops.write_text('"""moved down."""\n\n' + ops.read_text())  # the old finding shifts by two lines
    cli = repo / "src" / "calc" / "cli.py"
    cli.write_text("import json\n" + cli.read_text())  # a new one
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "NEW: lint: 1 new finding" in gate.stdout
    assert "src/calc/cli.py:1: F401 `json` imported but unused" in gate.stdout
    assert "ops.py" not in gate.stdout.split("NEW:")[1]
    cli.write_text(cli.read_text().replace("import json\n", "", 1))
    assert rt(repo, "gate", "incremental").returncode == 0


def test_lint_that_cannot_read_its_config_is_broken(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    ruff = Path(sys.executable).parent / "ruff"
    (repo / "ruff.toml").write_text("[lint\nselect = 3\n")
    _set(repo, "lint-command", f"{ruff} check --no-cache .")
    assert rt(repo, "session", "start", "feature").returncode == 0
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 2
    assert "BROKEN: lint could not run: exit 2 with no findings the gate can read" in base.stdout


@pytest.mark.parametrize(("kind", "command", "expected"), [
    ("test", ".venv/bin/python -m pytest -q", ".venv/bin/python -m pytest -q --collect-only -q -p no:cacheprovider"),
    ("test", "go test ./...", "go vet ./..."),
    ("test", "cargo test", "cargo test --no-run"),
    ("test", "npx jest", "npx jest --listTests"),
    ("test", "npx vitest run", "npx vitest list"),
    ("test", "node --test", "node --test"),
    ("typecheck", ".venv/bin/python -m mypy .", ".venv/bin/python -m mypy --version"),
    ("typecheck", "npx tsc --noEmit", "npx tsc --version"),
    ("lint", "ruff check .", "ruff check ."),
    ("lint", ".venv/bin/flake8", ".venv/bin/flake8 --version"),
])
def test_doctor_probes_are_cheap_but_real(kind: str, command: str, expected: str) -> None:
    from runtime.loop.probes import probe_command

    assert probe_command(kind, command)[0] == expected


@pytest.mark.parametrize(("command", "code", "output", "cause"), [
    ("npx jest", 1, "No tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\n",
     "the runner found no tests (exit 1)"),
    ("npx vitest run", 1, "No test files found, exiting with code 1\n", "the runner found no tests (exit 1)"),
    ("go test ./...", 0, "?   \texample.com/x\t[no test files]\n", "go test found no test files in any package"),
    ("go test ./...", 1, "# example.com/x\n./x.go:3:1: syntax error\nFAIL\texample.com/x [build failed]\n",
     "a Go package does not build (exit 1)"),
    ("cargo test", 101, "error[E0425]: cannot find value `y`\nerror: could not compile `x` (lib test)\n",
     "the crate does not compile (exit 101)"),
    ("npm test", 1, "npm error Missing script: \"test\"\n", "exit 1 with no test results the gate can read"),
    ("python3 -m pytest", 1, "/usr/bin/python3: No module named pytest\n",
     "the interpreter has no module 'pytest' (exit 1)"),
])
def test_each_runner_that_cannot_run_is_diagnosed(command: str, code: int, output: str, cause: str) -> None:
    from runtime.loop.gates import diagnose
    from runtime.loop.testparse import parse

    found = diagnose("test", command, code, output, parse(output), False, 900)
    assert found is not None and found[0] == cause


def test_a_failing_run_with_results_is_not_broken() -> None:
    from runtime.loop.gates import diagnose
    from runtime.loop.testparse import parse

    output = "FAILED tests/test_a.py::test_b - assert 1 == 2\n1 failed, 3 passed in 0.10s\n"
    assert diagnose("test", "python3 -m pytest", 1, output, parse(output), False, 900) is None


def test_a_block_names_the_first_new_findings_then_counts_the_rest() -> None:
    from runtime.loop.gates import summarize

    def lint(findings: list[list[object]]) -> dict[str, object]:
        return {"kind": "lint", "skipped": False, "ok": False, "exit": 1, "timed_out": False, "status": "failed",
                "findings": findings, "problems": len(findings), "duration": 0.2, "tail": []}

    old = [["src/a.py", 3, "F401", "`os` imported but unused"]]
    new = [[f"src/b{i}.py", 1, "F401", "`sys` imported but unused"] for i in range(8)]
    record = {"variant": "incremental", "wave": 2, "duration": 1.0, "checks": {"lint": lint(old + new)}}
    record.update(compare({"checks": {"lint": lint(old)}}, record["checks"]))  # type: ignore[arg-type]
    text = summarize(record, {"total_waves": 5})
    assert "NEW: lint: 8 new findings" in text
    assert "src/b0.py:1: F401 `sys` imported but unused" in text and "src/b4.py" in text
    assert "src/b5.py" not in text and "and 3 more" in text
    assert "src/a.py" not in text


def test_findings_beyond_what_a_record_keeps_are_still_compared_one_by_one(tmp_path: Path) -> None:
    """A linter run over a vendored tree can report tens of thousands of findings; a record keeps
    the first ones in full, and a new finding past them must still block, and a pre-existing
    total is reported as it is, not as the number kept."""
    from runtime.loop.gates import MAX_FINDINGS, check_result

    old = [f"vendor/m{i}.py:1:1: E501 line too long ({80 + i} > 79 characters)" for i in range(MAX_FINDINGS + 50)]

    def lint(lines: list[str]) -> dict[str, object]:
        return check_result("lint", "flake8", "Session Config", (1, "\n".join(lines) + "\n", 0.5, False), 900,
                            tmp_path)

    base = {"checks": {"lint": lint(old)}}
    same = compare(base, {"lint": lint(old)})
    assert not same["new_problems"] and same["preexisting"] == [f"lint: {MAX_FINDINGS + 50} findings, none new"]
    late = compare(base, {"lint": lint([*old, "zeta/late.py:9:1: F401 'os' imported but unused"])})
    assert late["new_problems"] == [f"lint: 1 new finding (1 beyond the first {MAX_FINDINGS} a record keeps, "
                                    "counted but not named: run the command to see them)"]
    swapped = compare(base, {"lint": lint([*old[:-1], "zeta/late.py:9:1: F401 'os' imported but unused"])})
    assert swapped["new_problems"], "one fixed finding must not hide one new finding"


def test_a_baseline_recorded_without_a_digest_is_compared_by_what_it_lists(tmp_path: Path) -> None:
    """A session started by the previous runtime kept only the first findings: comparing those with
    a complete digest now would call every unlisted old finding new."""
    from runtime.loop.gates import MAX_FINDINGS, check_result

    old = [f"vendor/m{i}.py:1:1: E501 line too long" for i in range(MAX_FINDINGS + 50)]
    base = check_result("lint", "flake8", "x", (1, "\n".join(old) + "\n", 0.5, False), 900, tmp_path)
    del base["finding_digest"]
    now = check_result("lint", "flake8", "x", (1, "\n".join(old) + "\n", 0.5, False), 900, tmp_path)
    assert not compare({"checks": {"lint": base}}, {"lint": now})["new_problems"]
    grown = check_result("lint", "flake8", "x", (1, "\n".join([*old, "zeta/late.py:9:1: F401 'os' imported"]) + "\n",
                                                 0.5, False), 900, tmp_path)
    assert compare({"checks": {"lint": base}}, {"lint": grown})["new_problems"][0].startswith("lint: 1 new finding")


def test_a_gate_records_the_code_it_judged(tmp_path: Path) -> None:
    """HEAD and the tree id in the record come from git, so close can tell whether the code moved since."""
    from runtime.core import treestate

    repo = calc_repo(tmp_path)
    assert rt(repo, "session", "start", "feature").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    state = json.loads((repo / ".orchestrator" / "state" / "session.json").read_text())
    judged = state["baseline"]["judged"]
    assert judged["head"] == git(repo, "rev-parse", "HEAD").strip()
    assert judged["tree_id"] == treestate.tree_id(repo)
    (repo / "src" / "calc" / "ops.py").write_text("# edited after the gate\n", encoding="utf-8")
    assert treestate.tree_id(repo) != judged["tree_id"]
