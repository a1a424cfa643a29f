"""`evolve analyze|review|list|accept|reject|edit` over recorded telemetry of synthetic sessions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from runtime.core import jsonl, telemetry
from runtime.learning import evolve, learnings
from runtime.loop.state import new_state, render_record
from tests.e2e.hook_direct import pre_tool_use
from tests.helpers import ROOT, git, init_repo, runtime
from tests.runtime.learning_support import guard_event, history, session
from tests.runtime.loop_support import version_1_state_md

PROGRAM = ROOT / "runtime"


def _repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# Repo\n\n## Session Config\n\n- enforcement: warn\n", encoding="utf-8")
    return repo


def _rt(repo: Path, *args: str):
    return runtime(repo, *args, program=PROGRAM)


def _by_kind(found: list[dict]) -> dict[str, dict]:
    return {r["kind"]: r for r in found}


def test_finds_gate_failure_denied_retry_and_out_of_scope_with_their_evidence(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, gate_in=(1, 3, 4), denied_in=(2,), scope_in=(0, 2, 5))
    found, count = evolve.find(repo, half_life=10)
    assert count == 6
    kinds = _by_kind(found)
    gate = kinds["gate-failure"]
    assert gate["subject"] == "tests/test_ops.py::test_add"
    assert gate["evidence"]["sessions"] == ["S02", "S04", "S05"] and gate["evidence"]["count"] == 3
    denied = kinds["denied-retry"]
    assert denied["evidence"]["sessions"] == ["S03"] and denied["evidence"]["count"] == 2
    assert denied["evidence"]["rule"] == "rm-recursive" and "rm-recursive rule 2 time(s)" in denied["statement"]
    scope = kinds["out-of-scope"]
    assert scope["files"] == ["src/calc/cli.py"]
    assert scope["evidence"]["sessions"] == ["S01", "S03", "S06"] and scope["evidence"]["count"] == 3
    assert all(0 < r["confidence"] < 1 for r in found)
    assert scope["first_seen"] == "2026-03-01T11:00:00Z" and scope["last_seen"] == "2026-03-06T11:00:00Z"


def test_a_single_occurrence_is_not_a_pattern(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, gate_in=(2,), scope_in=(4,))
    found, _ = evolve.find(repo, half_life=10)
    assert [r["kind"] for r in found] == ["scope-estimate"]  # only that every session finished its items


def test_confidence_rises_with_repetitions(tmp_path: Path) -> None:
    values = []
    for repeats in (2, 3, 5):
        repo = _repo(tmp_path / str(repeats))
        history(repo, 6, gate_in=tuple(range(6 - repeats, 6)))
        values.append(_by_kind(evolve.find(repo, half_life=10)[0])["gate-failure"]["confidence"])
    assert values[0] < values[1] < values[2]


def test_confidence_decays_with_sessions_that_no_longer_confirm_it(tmp_path: Path) -> None:
    values = []
    for later in (0, 5, 20):
        repo = _repo(tmp_path / str(later))
        history(repo, 3 + later, gate_in=(0, 1, 2))
        values.append(_by_kind(evolve.find(repo, half_life=10)[0])["gate-failure"]["confidence"])
    assert values[0] > values[1] > values[2]
    # One half-life of unconfirming sessions halves the support: the formula in docs/learning.md.
    assert values[0] == evolve.confidence([(2, 1), (1, 1), (0, 1)], 10)
    assert values[2] == evolve.confidence([(22, 1), (21, 1), (20, 1)], 10)


def test_a_shorter_half_life_decays_faster(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 12, gate_in=(0, 1))
    slow = _by_kind(evolve.find(repo, half_life=20)[0])["gate-failure"]["confidence"]
    fast = _by_kind(evolve.find(repo, half_life=2)[0])["gate-failure"]["confidence"]
    assert fast < slow


def test_analyze_output_is_byte_identical_across_two_runs(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, gate_in=(1, 3, 4), denied_in=(2, 4), scope_in=(0, 2, 5))
    first = _rt(repo, "evolve", "analyze")
    written = learnings.path(repo).read_bytes()
    second = _rt(repo, "evolve", "analyze")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "gate-failure" in first.stdout and "denied-retry" in first.stdout and "out-of-scope" in first.stdout
    assert learnings.path(repo).read_bytes() == written  # the second run found nothing new: appended nothing
    assert len(written.splitlines()) == len(learnings.current(repo)) == 4
    as_json = [_rt(repo, "evolve", "analyze", "--json").stdout for _ in range(2)]
    assert as_json[0] == as_json[1]
    assert [r["confidence"] for r in json.loads(as_json[0])] == sorted(
        (r["confidence"] for r in json.loads(as_json[0])), reverse=True)


def test_analyze_refuses_politely_below_the_minimum_unless_forced(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 3, gate_in=(0, 1, 2))
    refused = _rt(repo, "evolve", "analyze")
    assert refused.returncode == 2
    assert "3 closed session(s)" in refused.stderr and "at least 5" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not learnings.path(repo).exists()
    forced = _rt(repo, "evolve", "analyze", "--force")
    assert forced.returncode == 0 and "gate-failure" in forced.stdout
    claude = repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "- evolve-min-sessions: 3\n", encoding="utf-8")
    assert _rt(repo, "evolve", "analyze").returncode == 0


def test_review_accept_reject_edit_and_reanalysis_keeps_the_decisions(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, gate_in=(1, 3, 4), denied_in=(2,), scope_in=(0, 2, 5))
    _rt(repo, "evolve", "analyze")
    ids = {r["kind"]: r["id"] for r in learnings.current(repo).values()}
    review = _rt(repo, "evolve", "review")
    assert review.returncode == 0 and "4 proposed" in review.stdout and "1. [" in review.stdout
    assert _rt(repo, "evolve", "accept", ids["gate-failure"], ids["out-of-scope"][:16]).returncode == 0
    assert _rt(repo, "evolve", "reject", ids["denied-retry"]).returncode == 0
    edited = _rt(repo, "evolve", "edit", ids["gate-failure"], "--statement", "run test_add before each gate")
    assert edited.returncode == 0, edited.stderr
    _rt(repo, "evolve", "analyze")  # re-analysis updates, never duplicates or undoes a decision
    state = learnings.current(repo)
    assert len(state) == 4
    assert state[ids["gate-failure"]]["status"] == "accepted"
    assert state[ids["gate-failure"]]["statement"] == "run test_add before each gate"
    assert state[ids["denied-retry"]]["status"] == "rejected"
    listed = _rt(repo, "evolve", "list", "--status", "accepted")
    assert ids["gate-failure"] in listed.stdout and ids["denied-retry"] not in listed.stdout
    assert _rt(repo, "evolve", "reject", ids["scope-estimate"]).returncode == 0
    assert "no proposed learnings" in _rt(repo, "evolve", "review").stdout


def test_unknown_or_ambiguous_id_changes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, gate_in=(1, 3, 4), scope_in=(0, 2, 5))
    _rt(repo, "evolve", "analyze")
    before = learnings.path(repo).read_bytes()
    out = _rt(repo, "evolve", "accept", "nope-123")
    assert out.returncode == 1 and "'nope-123'" in out.stderr and "Traceback" not in out.stderr
    assert learnings.path(repo).read_bytes() == before


def test_new_evidence_updates_the_same_learning(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 6, scope_in=(0, 2))
    first = _by_kind(evolve.analyze(repo, 10)[0])["out-of-scope"]
    guard_event(repo, 5, 40, write="src/calc/cli.py", denied=False)
    second = _by_kind(evolve.analyze(repo, 10)[0])["out-of-scope"]
    assert first["id"] == second["id"] and second["confidence"] > first["confidence"]
    records = [json.loads(line) for line in learnings.path(repo).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records if r["kind"] == "out-of-scope"] == [first["id"], first["id"]]


def test_not_to_retry_recurring_fix_and_carryover_come_from_state_git_and_sessions(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 5)
    jsonl.append(telemetry.sessions_path(repo), session(5, carryover=1))
    jsonl.append(telemetry.sessions_path(repo), session(6, carryover=2))
    archive = repo / ".orchestrator" / "state" / "archive"
    archive.mkdir(parents=True)
    state = new_state("S07", "feature", 5, "", "main")
    state["not_retry"] = [{"wave": 2, "text": "T2: patching the vendored parser", "ts": "2026-03-07T10:20:00Z"}]
    (archive / "S07.json").write_text(render_record(state), encoding="utf-8")
    for index in (1, 3):
        (repo / "src.py").write_text(f"x = {index}\n", encoding="utf-8")
        git(repo, "add", "src.py")
        env_date = f"2026-03-0{index + 1}T10:30:00+00:00"
        subprocess.run(["git", "commit", "-q", "-m", "Fix the parser again"], cwd=repo, check=True,
                       env={**os.environ, "GIT_COMMITTER_DATE": env_date, "GIT_AUTHOR_DATE": env_date,
                            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@e"})
    later = session(7)
    later["not_retry"] = ["T2: patching the vendored parser"]  # recorded again, in the session record
    jsonl.append(telemetry.sessions_path(repo), later)
    carried = new_state("S08", "feature", 5, "", "main")
    carried["not_retry"] = state["not_retry"]  # the next STATE carries the entry over: not a new occurrence
    (archive / "STATE-S08.md").write_text(version_1_state_md(carried), encoding="utf-8")  # from before session.json
    kinds = _by_kind(evolve.find(repo, 10)[0])
    assert kinds["not-to-retry"]["statement"] == "T2: patching the vendored parser"
    assert kinds["not-to-retry"]["evidence"]["sessions"] == ["S07", "S08"]
    assert kinds["not-to-retry"]["evidence"]["count"] == 2
    assert kinds["recurring-fix"]["files"] == ["src.py"]
    assert kinds["recurring-fix"]["evidence"]["sessions"] == ["S02", "S04"]
    assert kinds["scope-estimate"]["evidence"]["carryover"] == 3


def test_the_hook_records_what_analysis_needs(tmp_path: Path) -> None:
    """The real hook, spawned as the agent spawns it, writes paths and a command digest."""
    repo = _repo(tmp_path)
    shutil.copytree(PROGRAM, repo / ".orchestrator" / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "warn",
                                 "allowed": ["src/a.py"], "read_only": False}), encoding="utf-8")
    pre_tool_use(repo, "Write", {"file_path": str(repo / "src" / "b.py"), "content": "x"})
    pre_tool_use(repo, "Bash", {"command": "rm -rf /"})
    pre_tool_use(repo, "Bash", {"command": "rm  -rf   /"})
    events = [json.loads(line) for line in (repo / ".orchestrator/metrics/events.jsonl").read_text().splitlines()]
    scoped = [e for e in events if e["rule"] == "scope"]
    assert scoped and scoped[0]["paths"] == ["src/b.py"]
    denied = [e for e in events if e["event"] == "guard.denied"]
    assert len(denied) == 2 and denied[0]["command_key"] == denied[1]["command_key"]
    assert "rm -rf" not in json.dumps(denied)  # the command text itself never reaches the log


@pytest.mark.parametrize("records", [[], [session(0)]])
def test_list_on_an_empty_store_says_how_to_fill_it(tmp_path: Path, records: list) -> None:
    repo = _repo(tmp_path)
    for record in records:
        telemetry.record_session(repo, record)
    out = _rt(repo, "evolve", "list")
    assert out.returncode == 0 and "evolve analyze" in out.stdout


def test_scope_estimates_under_and_over(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for index in range(6):  # feature sessions that finish everything; deep ones that leave work over
        record = session(index, carryover=1 if index % 2 else 0)
        record["type"] = "deep" if index % 2 else "feature"
        telemetry.record_session(repo, record)
    by_subject = {r["subject"]: r for r in evolve.find(repo, 10)[0] if r["kind"] == "scope-estimate"}
    assert set(by_subject) == {"under", "over feature"}
    assert by_subject["under"]["evidence"]["sessions"] == ["S02", "S04", "S06"]
    assert by_subject["over feature"]["evidence"]["sessions"] == ["S01", "S03", "S05"]
    assert "a feature session can take 3 items" in by_subject["over feature"]["statement"]


def test_reviewer_findings_on_the_same_file_in_two_sessions_are_a_recurring_fix(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for index in range(5):
        record = session(index)
        record["review_files"] = ["src/calc/parse.py"] if index in (1, 4) else ["src/other.py"] if index == 2 else []
        telemetry.record_session(repo, record)
    fixes = [r for r in evolve.find(repo, 10)[0] if r["kind"] == "recurring-fix"]
    assert [(r["files"], r["evidence"]["sessions"]) for r in fixes] == [(["src/calc/parse.py"], ["S02", "S05"])]


def test_a_denied_out_of_scope_edit_is_not_called_a_write(tmp_path: Path) -> None:
    """Under `strict` the edit is denied and the file never written; under `warn` it is written."""
    repo = _repo(tmp_path)
    history(repo, 6)
    for index, minute in ((0, 1), (2, 2), (4, 3)):
        guard_event(repo, index, minute, write="src/calc/cli.py", denied=True)
    scope = _by_kind(evolve.find(repo, half_life=10)[0])["out-of-scope"]
    assert scope["evidence"]["count"] == 3
    assert "written" not in scope["statement"], scope["statement"]
    assert scope["statement"].startswith("an edit to src/calc/cli.py outside the wave's scope was denied 3 time(s)")
    guard_event(repo, 5, 4, write="src/calc/cli.py", denied=False)
    scope = _by_kind(evolve.find(repo, half_life=10)[0])["out-of-scope"]
    assert scope["statement"].startswith(
        "src/calc/cli.py was written outside the wave's scope 1 time(s) (and denied 3 more time(s))")


def test_abandoned_sessions_are_not_counted_as_closed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    history(repo, 5, gate_in=(3, 4))
    for index in (5, 6):
        telemetry.record_session(repo, {**session(index, gate_failures=["tests/test_ops.py::test_add"]),
                                        "outcome": "abandoned", "duration_s": 0})
    found, count = evolve.find(repo, half_life=10)
    assert count == 5
    assert _by_kind(found)["gate-failure"]["evidence"]["sessions"] == ["S04", "S05"]
    result = _rt(repo, "evolve", "analyze")
    assert result.returncode == 0, result.stderr
    assert "evolve analyze: 5 closed session(s) (2 abandoned session(s) left out)" in result.stdout
