"""Lost tests: skipped, deleted or unreadable suites block; volatile names and accepted removals do not.

The gate tests run the real runtime CLI on the example repository with real pytest.
"""

from __future__ import annotations

import json
from pathlib import Path

from runtime.loop import state as st
from runtime.loop.gates import compare
from runtime.loop.losttests import MAX_INLINE, family, judge, lost_by_name
from tests.helpers import git
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan


def _to_wave_2(repo: Path) -> None:
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    assert begin(repo, 2).returncode == 0


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


# --- matching names ------------------------------------------------------------------


def test_volatile_parts_of_a_name_are_left_out_of_its_family() -> None:
    assert family("tests/a.py::test_at[1733472000.123]") == family("tests/a.py::test_at[1733471990.5]")
    assert family("a > handles 1733472000123") == family("a > handles 1733472000999")
    assert family("src/lib.rs - add (line 3)") == family("src/lib.rs - add (line 9)")
    assert family("tests/a.py::test_a1") != family("tests/a.py::test_a2")  # short numbers are part of the name


def test_a_vanished_name_is_matched_by_a_new_one_of_its_family_only_once() -> None:
    base = ["t.py::test_at[1.5001]", "t.py::test_at[2.5002]", "t.py::test_other"]
    assert lost_by_name(base, ["t.py::test_at[7.1234]", "t.py::test_at[8.1234]", "t.py::test_other"], base) == []
    one_short = lost_by_name(base, ["t.py::test_at[7.1234]", "t.py::test_other"], base)
    assert len(one_short) == 1 and one_short[0].startswith("t.py::test_at[")
    # a new test of another family never stands in for a lost one
    assert lost_by_name(base, ["t.py::test_at[7.1234]", "t.py::test_at[8.1234]", "t.py::test_new"],
                        base) == ["t.py::test_other"]
    # a test that now fails ran: it is a regression (by its failing name), not lost
    assert lost_by_name(["x"], ["x"], ["x"]) == []


def _check(passed: int, failed: int = 0, skipped: int = 0, ids: dict | None = None, exit_code: int = 0,
           groups: dict | None = None) -> dict:
    check = {"kind": "test", "skipped": False, "exit": exit_code, "ok": exit_code == 0, "timed_out": False,
             "status": "passed" if exit_code == 0 else "failed", "failed_tests": [],
             "counts": {"passed": passed, "failed": failed, "skipped": skipped, "errors": 0}}
    if ids:
        check["test_ids"] = ids
    if groups:
        check["test_groups"] = groups
    return check


def test_without_names_a_drop_in_passing_tests_blocks() -> None:
    verdict = judge(_check(10), _check(7, skipped=3))
    assert verdict["lost_count"] == 3 and "10 passed at baseline, 7 now" in verdict["problems"][0]
    # three that now fail are regressions, not lost
    assert judge(_check(10), _check(7, failed=3, exit_code=1))["lost_count"] == 0
    assert judge(_check(10), _check(7, skipped=3), [{"test": "a", "reason": "r"}] * 3)["lost_count"] == 0


def test_per_file_counts_name_the_file_that_lost_tests() -> None:
    base = _check(5, groups={"src/a.test.ts": {"passed": 3, "failed": 0, "skipped": 0},
                             "src/b.test.ts": {"passed": 2, "failed": 0, "skipped": 0}})
    now = _check(5, skipped=2, groups={"src/a.test.ts": {"passed": 1, "failed": 0, "skipped": 2},
                                       "src/b.test.ts": {"passed": 2, "failed": 0, "skipped": 0},
                                       "src/c.test.ts": {"passed": 2, "failed": 0, "skipped": 0}})
    verdict = judge(base, now)
    assert verdict["lost_count"] == 2 and verdict["lost"] == ["src/a.test.ts (2 tests; the runner does not print "
                                                              "their names)"]


def test_output_with_no_results_after_a_baseline_with_results_blocks() -> None:
    now = {"kind": "test", "skipped": False, "exit": 0, "ok": True, "timed_out": False, "status": "passed",
           "counts": None, "failed_tests": []}
    result = compare({"checks": {"test": _check(8)}}, {"test": now})
    assert result["blocked"] and "printed no test results the gate can read" in result["new_problems"][0]


def test_an_unreadable_runner_is_compared_by_exit_status_not_called_broken() -> None:
    def unreadable(code: int) -> dict:
        return {"kind": "test", "skipped": False, "exit": code, "ok": code == 0, "timed_out": False, "counts": None,
                "failed_tests": [], "status": "broken" if code else "passed", "unreadable": bool(code),
                "cause": f"exit {code} with no test results the gate can read", "fix": "..."}

    worse = compare({"checks": {"test": unreadable(0)}}, {"test": unreadable(1)})
    assert worse["blocked"] and not worse["broken"]
    assert worse["new_problems"] == ["test: exit 0 at baseline, 1 now (the runner's output has no results the gate "
                                     "can read, so exit codes are compared)"]
    base = unreadable(1)
    base["status"] = "failed"  # it ran at baseline (an override let the session go on)
    same = compare({"checks": {"test": base}}, {"test": unreadable(1)})
    assert not same["blocked"] and same["preexisting"] == ["test: exit 1 as at baseline (no results the gate "
                                                           "can read)"]


# --- end to end through the runtime CLI, real pytest ---------------------------------------


def test_right_after_the_baseline_an_unchanged_tree_passes_even_with_volatile_ids(tmp_path: Path) -> None:
    """Parametrized ids from the clock and a random seed differ on every run; they are not lost tests."""
    repo = calc_repo(tmp_path)
    (repo / "tests" / "test_volatile.py").write_text(
        "import random, time, uuid\nimport pytest\n\n\n"
        "@pytest.mark.parametrize('stamp', [time.time(), time.time() + 1])\n"
        "def test_at(stamp):\n    assert stamp > 0\n\n\n"
        "@pytest.mark.parametrize('seed', [random.random()])\n"
        "def test_seed(seed):\n    assert 0 <= seed < 1\n\n\n"
        "@pytest.mark.parametrize('token', [uuid.uuid4().hex])\n"
        "def test_token(token):\n    assert token\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "volatile ids")
    assert rt(repo, "session", "start", "feature").returncode == 0
    assert rt(repo, "gate", "baseline").returncode == 0
    base = st.load(repo)["baseline"]["checks"]["test"]
    assert base["test_ids"]["source"] == "junit-xml" and len(base["test_ids"]["passed"]) == base["counts"]["passed"]
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0, gate.stdout
    assert "LOST" not in gate.stdout
    now = st.load(repo)["gates"][-1]["checks"]["test"]["test_ids"]["passed"]
    assert set(now) != set(base["test_ids"]["passed"])  # the ids really did change


def test_skipping_the_tests_that_catch_a_regression_blocks_and_names_them(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_wave_2(repo)
    _edit(repo / "src" / "calc" / "ops.py", "return a + b", "return a + b + 1")
    tests = repo / "tests" / "test_ops.py"
    _edit(tests, "def test_add():", "@pytest.mark.skip(reason='flaky')\ndef test_add():")
    _edit(repo / "tests" / "test_cli.py", "def test_cli_adds(",
          "import pytest\n\n\n@pytest.mark.skip\ndef test_cli_adds(")
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "REGRESSION" not in gate.stdout  # nothing fails: the tests that would are skipped
    assert "LOST: 2 tests that passed at baseline did not run: tests/test_cli.py::test_cli_adds, " \
        "tests/test_ops.py::test_add" in gate.stdout
    assert "2 tests that passed at baseline did not run" in begin(repo, 3).stderr
    state_md = (repo / ".orchestrator" / "STATE.md").read_text()
    assert "lost: tests/test_ops.py::test_add" in state_md


def test_a_deleted_test_blocks_until_its_removal_is_accepted_with_a_reason(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_wave_2(repo)
    _edit(repo / "tests" / "test_ops.py", "def test_subtract():\n    assert ops.subtract(5, 3) == 2\n", "")
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2 and "LOST: 1 test that passed at baseline did not run: " \
        "tests/test_ops.py::test_subtract" in gate.stdout, gate.stdout
    typo = rt(repo, "gate", "accept-lost", "tests/test_ops.py::test_substract", "--reason", "x")
    assert typo.returncode == 1 and "no test that passed at baseline matches" in typo.stderr
    assert rt(repo, "gate", "accept-lost", "tests/test_ops.py::test_subtract").returncode == 1  # no reason
    ok = rt(repo, "gate", "accept-lost", "tests/test_ops.py::test_subtract", "--reason", "subtract was dropped")
    assert ok.returncode == 0, ok.stderr
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0, gate.stdout
    assert "ACCEPTED LOST: 1 removed on purpose (subtract was dropped): tests/test_ops.py::test_subtract" \
        in gate.stdout
    record = st.load(repo)
    assert record["accepted_lost"][0]["test"] == "tests/test_ops.py::test_subtract"
    assert record["accepted_lost"][0]["reason"] == "subtract was dropped"
    assert "tests/test_ops.py::test_subtract: subtract was dropped" in (repo / ".orchestrator" / "STATE.md").read_text()
    status = rt(repo, "session", "status")
    assert "ACCEPTED LOST: tests/test_ops.py::test_subtract removed on purpose (subtract was dropped)" in status.stdout
    assert json.loads(rt(repo, "session", "status", "--json").stdout)["accepted_lost"][0]["reason"]
    withdrawn = rt(repo, "gate", "accept-lost", "tests/test_ops.py::test_subtract", "--clear")
    assert withdrawn.returncode == 0
    assert rt(repo, "gate", "incremental").returncode == 2


def test_a_test_command_replaced_by_echo_blocks(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    _to_wave_2(repo)
    _edit(repo / "CLAUDE.md", "- test-command: python3 -m pytest -q -p no:cacheprovider",
          "- test-command: echo tests skipped")
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "printed no test results the gate can read (exit 0); the baseline had 7 passed" in gate.stdout


def test_a_huge_suite_keeps_its_names_beside_the_record(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    count = MAX_INLINE + 10
    (repo / "tests" / "test_many.py").write_text(
        f"import pytest\n\n\n@pytest.mark.parametrize('n', range({count}))\ndef test_n(n):\n    assert n >= 0\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "many")
    _to_wave_2(repo)
    base = st.load(repo)["baseline"]["checks"]["test"]
    assert "test_ids" not in base and base["tests_named"]["passed"] == count + 7
    stored = json.loads((repo / base["tests_file"]).read_text())
    assert len(stored["test_ids"]["passed"]) == count + 7
    assert len((repo / ".orchestrator" / "state" / "session.json").read_text()) < 100_000
    _edit(repo / "tests" / "test_many.py", f"range({count})", f"range({count - 2})")
    finish(repo, 2, "T2=done")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2
    assert f"LOST: 2 tests that passed at baseline did not run: tests/test_many.py::test_n[{count - 2}], " \
        f"tests/test_many.py::test_n[{count - 1}]" in gate.stdout


def test_a_failing_test_under_a_new_volatile_id_is_not_a_regression() -> None:
    from runtime.loop.losttests import split_failures

    before = ["t.py::test_at[1733472000.123]", "t.py::test_f[1]"]
    assert split_failures(before, ["t.py::test_at[1733471999.5]"]) == ([], ["t.py::test_at[1733471999.5]"])
    # a different parameter of the same test failing is a regression
    assert split_failures(before, ["t.py::test_f[2]"]) == (["t.py::test_f[2]"], [])
    # one vanished failure excuses one new name, not two
    assert split_failures(before, ["t.py::test_at[1733471999.5]", "t.py::test_at[1733471998.5]"])[0] == \
        ["t.py::test_at[1733471998.5]"]
