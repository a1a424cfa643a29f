"""`debug`: the record of a root-cause hunt, and the refusal to call it fixed without proof.

Real: the example project in a git repository in tmp_path, a bug committed on
purpose (`absolute` returns negative numbers unchanged), the real pytest run by the
runtime at the start ref (in a temporary git worktree) and in the working tree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git
from tests.runtime.loop_support import rt

RECORD_ID = "absolute-keeps-the-sign"
BUGGY = "\n\ndef absolute(a: float) -> float:\n    return a\n"
FIXED = "\n\ndef absolute(a: float) -> float:\n    return -a if a < 0 else a\n"
TEST = "\n\ndef test_absolute_of_negative():\n    assert ops.absolute(-2) == 2\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    from tests.helpers import copy_example

    repo = copy_example(tmp_path / "calc")
    with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\n## Session Config\n\n- test-command: {sys.executable} -m pytest -q -p no:cacheprovider\n"
                     "- typecheck-command: skip\n- lint-command: skip\n")
    with (repo / "src/calc/ops.py").open("a", encoding="utf-8") as handle:
        handle.write(BUGGY)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "absolute (with the bug)")
    started = rt(repo, "debug", "start", "absolute", "keeps", "the", "sign", "--issue", "#7", "--json")
    assert started.returncode == 0, started.stderr
    record = json.loads(started.stdout)
    assert record["id"] == RECORD_ID
    assert record["fields"]["start-ref"] == git(repo, "rev-parse", "HEAD").strip()
    return repo


def _fix_code(repo: Path) -> None:
    path = repo / "src/calc/ops.py"
    path.write_text(path.read_text(encoding="utf-8").replace(BUGGY, FIXED), encoding="utf-8")


def _add_test(repo: Path, name: str = "tests/test_ops.py") -> None:
    path = repo / name
    head = "" if path.exists() else "from calc import ops\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(head + TEST)


def _repro(repo: Path, test: str) -> dict[str, Any]:
    result = rt(repo, "debug", "repro", RECORD_ID, "--test", test, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def _fix(repo: Path) -> tuple[int, dict[str, Any]]:
    result = rt(repo, "debug", "fix", RECORD_ID, "--json")
    assert result.returncode in (0, 2), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


def _worktrees(repo: Path) -> int:
    return sum(1 for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree "))


def test_fails_at_start_and_passes_now_is_accepted_even_after_the_fix_is_committed(repo: Path) -> None:
    _add_test(repo)
    ran = _repro(repo, "tests/test_ops.py::test_absolute_of_negative")
    assert ran["run"]["status"] == "failed"  # it reproduces the bug before the fix
    assert ran["fields"]["files"] == "tests/test_ops.py"
    _fix_code(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fix absolute")  # HEAD moves; the start ref does not
    code, out = _fix(repo)
    assert code == 0, out["reasons"]
    assert out["accepted"] and out["fields"]["status"] == "fixed"
    assert out["start"]["status"] == "failed"
    assert out["start"]["failed_tests"] == ["tests/test_ops.py::test_absolute_of_negative"]
    assert out["now"]["status"] == "passed"
    assert out["verification"][-1]["text"].startswith("accepted: ")
    assert _worktrees(repo) == 1  # the temporary start-ref tree is gone
    shown = rt(repo, "debug", "show", RECORD_ID)
    assert "- status: fixed" in shown.stdout and "[reproduce]" in shown.stdout


def test_a_test_that_passes_at_the_start_ref_too_is_refused(repo: Path) -> None:
    _repro(repo, "tests/test_ops.py::test_add")
    _fix_code(repo)
    code, out = _fix(repo)
    assert code == 2
    assert out["start"]["status"] == "passed" and out["now"]["status"] == "passed"
    assert out["reasons"] == ["the reproduction passes at the start ref too, so it does not reproduce the bug"]
    assert out["fields"]["status"] == "open"
    assert out["verification"][-1]["text"].startswith("refused: ")
    assert _worktrees(repo) == 1


def test_a_test_that_still_fails_now_is_refused(repo: Path) -> None:
    _add_test(repo)
    _repro(repo, "tests/test_ops.py::test_absolute_of_negative")
    code, out = _fix(repo)  # the code is not fixed
    assert code == 2
    assert out["start"]["status"] == "failed" and out["now"]["status"] == "failed"
    assert out["reasons"] == ["the reproduction still fails in the working tree"]
    assert out["fields"]["status"] == "open"
    assert _worktrees(repo) == 1


def test_a_new_test_file_is_copied_into_the_start_ref_tree(repo: Path) -> None:
    new = "tests/test_absolute.py"
    _add_test(repo, new)
    assert new not in git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()  # not at the start ref
    _repro(repo, f"{new}::test_absolute_of_negative")
    _fix_code(repo)
    code, out = _fix(repo)
    assert code == 0, out["reasons"]
    # it ran there and failed on the start ref's code (not "file not found", which would be broken)
    assert out["start"]["status"] == "failed"
    assert out["start"]["failed_tests"] == [f"{new}::test_absolute_of_negative"]
    assert not (repo / ".git" / "worktrees").exists() or not list((repo / ".git" / "worktrees").iterdir())


def test_a_reproduction_that_cannot_run_at_the_start_ref_is_refused(repo: Path) -> None:
    """A test of a function the fix adds fails at the start ref only by not importing: not a reproduction."""
    (repo / "tests/test_power.py").write_text("from calc.ops import power\n\n\ndef test_power():\n"
                                              "    assert power(2, 3) == 8\n", encoding="utf-8")
    _repro(repo, "tests/test_power.py::test_power")
    with (repo / "src/calc/ops.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef power(a: float, b: float) -> float:\n    return a ** b\n")
    code, out = _fix(repo)
    assert code == 2
    assert out["start"]["status"] == "broken"
    assert out["reasons"][0].startswith("the reproduction did not run at the start ref (")


def test_fix_without_a_reproduction_is_an_error(repo: Path) -> None:
    result = rt(repo, "debug", "fix", RECORD_ID)
    assert result.returncode == 1
    assert "no reproduction yet" in result.stderr


def test_a_corrupt_record_names_file_and_line_and_is_not_written_over(repo: Path) -> None:
    assert rt(repo, "debug", "note", RECORD_ID, "--phase", "isolate", "only", "on", "negatives").returncode == 0
    path = repo / ".orchestrator/debug" / f"{RECORD_ID}.md"
    text = path.read_text(encoding="utf-8")
    assert "[isolate] only on negatives" in text
    broken = text.replace("[isolate] only on negatives", "[guessing] only on negatives")
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "[guessing]" in x)) + 1
    result = rt(repo, "debug", "note", RECORD_ID, "--phase", "explain", "sign dropped")
    assert result.returncode == 1
    assert f".orchestrator/debug/{RECORD_ID}.md:{line}:" in result.stderr
    assert path.read_text(encoding="utf-8") == broken  # nothing lost, nothing written
    listed = rt(repo, "debug", "list")
    assert listed.returncode == 1 and f"{RECORD_ID}.md:{line}:" in listed.stderr


def test_start_needs_a_commit(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    result = rt(empty, "debug", "start", "anything")
    assert result.returncode == 1
    assert "no commit to start from" in result.stderr
    assert not (empty / ".orchestrator" / "debug").exists()


def test_list_and_a_second_record_with_the_same_symptom(repo: Path) -> None:
    again = rt(repo, "debug", "start", "absolute keeps the sign")
    assert again.returncode == 0 and f"{RECORD_ID}-2" in again.stdout
    listed = json.loads(rt(repo, "debug", "list", "--json").stdout)
    assert [r["id"] for r in listed] == [RECORD_ID, f"{RECORD_ID}-2"]
    assert listed[0]["issue"] == "#7" and listed[0]["status"] == "open"


def test_a_failure_of_another_test_at_the_start_ref_does_not_count(repo: Path) -> None:
    """The command runs the whole file: at the start ref a different test fails, the named one passes."""
    (repo / "tests/test_sign.py").write_text("from calc import ops\n\n\ndef test_add_still_works():\n"
                                             "    assert ops.add(1, 1) == 2\n" + TEST, encoding="utf-8")
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider tests/test_sign.py"
    result = rt(repo, "debug", "repro", RECORD_ID, "--test", "tests/test_sign.py::test_add_still_works",
                "--command", command, "--no-run")
    assert result.returncode == 0, result.stderr
    _fix_code(repo)
    code, out = _fix(repo)
    assert code == 2
    assert out["start"]["failed_tests"] == ["tests/test_sign.py::test_absolute_of_negative"]
    assert out["reasons"] == ["at the start ref other tests failed (tests/test_sign.py::test_absolute_of_negative), "
                              "not tests/test_sign.py::test_add_still_works"]
