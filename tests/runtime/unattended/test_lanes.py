"""Lanes in real git repositories: worktrees of a rendered consumer repository, real sessions closed
through the lane's own vendored runtime, the real gate (pytest), real merges. Nothing is mocked."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from runtime.unattended import lanes
from runtime.unattended.lanerecord import LaneRefusedError
from tests.helpers import commit_all, git, runtime
from tests.runtime.unattended.lane_support import HALF, POWER, consumer_repo, head, ok, session


@pytest.fixture
def repo(rendered_once: Path, tmp_path: Path) -> Path:
    return consumer_repo(rendered_once, tmp_path)


def test_two_lanes_run_at_once_and_both_merge_back(repo: Path) -> None:
    base = head(repo)
    one, two = lanes.start(repo, "power"), lanes.start(repo, "half")
    assert one.base == two.base == base and one.path.parent == repo.parent / "calc.lanes"
    assert {one.port_offset, two.port_offset} == {100, 200} and (one.suffix, two.suffix) == ("_power", "_half")
    overlay = (two.path / ".orchestrator" / "lane.env").read_text()
    assert "SO_LANE=half\n" in overlay and f"SO_PORT_OFFSET={two.port_offset}\n" in overlay
    assert git(two.path, "check-ignore", ".orchestrator/lane.env").strip()  # never committed from the lane
    assert (one.path / ".orchestrator" / "runtime" / "__main__.py").is_file()
    assert git(repo, "status", "--porcelain") == ""  # the main checkout sees nothing of its lanes
    assert one.notes == []
    with ThreadPoolExecutor(2) as pool:  # two independent sessions at the same time, one per lane
        jobs = [pool.submit(session, one.path, "power", POWER, "tests/test_ops.py::test_power"),
                pool.submit(session, two.path, "half", HALF, "tests/test_half.py::test_half")]
        for job in jobs:
            job.result()
    assert {row["state"] for row in map(lambda lane: lanes.describe(repo, lane), lanes.list_lanes(repo))} == {"closed"}

    first = lanes.merge(repo, "power")
    assert not first.stale and first.gate["blocked"] is False and head(repo) == first.merged == head(one.path)
    second = lanes.merge(repo, "half")  # main moved past its base with the first merge
    assert second.stale and second.behind >= 1
    assert second.brought_in and second.previous == first.merged and head(repo) == second.merged
    assert ".orchestrator/metrics/sessions.jsonl" in second.resolved  # both closes' lines kept
    ids = [json.loads(line)["id"] for line in (repo / ".orchestrator/metrics/sessions.jsonl").read_text()
           .splitlines()]
    assert first.session in ids and second.session in ids
    assert (repo / ".orchestrator/state/archive" / f"{first.session}.json").is_file()  # evolve still reads it
    assert "def power" in (repo / "src/calc/ops.py").read_text() and (repo / "src/calc/half.py").is_file()
    assert git(repo, "status", "--porcelain") == ""
    rows = json.loads(ok(runtime(repo, "lane", "list", "--json")).stdout)
    assert {row["name"]: row["state"] for row in rows} == {"power": "merged", "half": "merged"}
    later = lanes.start(repo, "later")  # its base carries the merged lanes' closed session record, not its own
    assert later.inherited_session == second.session
    (later.path / "extra.txt").write_text("work without a session\n")
    commit_all(later.path, "work without a session")
    with pytest.raises(LaneRefusedError, match="has not run a session of its own"):
        lanes.merge(repo, "later")
    assert head(repo) == second.merged
    lanes.clean(repo, "later", force=True)
    lanes.clean(repo, "power")
    lanes.clean(repo, "half")
    assert not one.path.exists() and lanes.list_lanes(repo) == []
    assert "lane/power" not in git(repo, "branch", "--list")


def test_a_merge_that_would_lose_files_in_the_main_checkout_is_refused(repo: Path) -> None:
    lane = lanes.start(repo, "files")
    edits = {**HALF, "fixtures/seed.txt": "from the lane\n", "notes": "a file where main has a new directory\n"}
    session(lane.path, "half", edits, "tests/test_half.py::test_half")
    (repo / "src/calc/half.py").write_text("# mine, untracked\n")  # git itself would refuse this one
    (repo / "fixtures").mkdir()
    (repo / "fixtures/seed.txt").write_text("my local seed\n")  # ignored below: git would overwrite it silently
    with (repo / ".gitignore").open("a") as handle:
        handle.write("fixtures/\n")
    (repo / "notes").mkdir()
    (repo / "notes/todo.txt").write_text("my new directory\n")
    before, lane_head, status = head(repo), head(lane.path), git(repo, "status", "--porcelain", "--ignored")
    with pytest.raises(LaneRefusedError) as refused:
        lanes.merge(repo, "files")
    message = str(refused.value)
    for name in ("src/calc/half.py", "fixtures/seed.txt", "notes/todo.txt"):
        assert name in message
    assert head(repo) == before and head(lane.path) == lane_head
    assert git(repo, "status", "--porcelain", "--ignored") == status
    assert (repo / "fixtures/seed.txt").read_text() == "my local seed\n"
    assert (repo / "notes/todo.txt").read_text() == "my new directory\n"
    result = runtime(repo, "lane", "merge", "files")
    assert result.returncode == 2 and "fixtures/seed.txt" in result.stderr

    for path in ("src/calc/half.py", "fixtures/seed.txt", "notes/todo.txt"):  # moved aside: now it merges
        (repo / path).unlink()
    (repo / "fixtures").rmdir()
    (repo / "notes").rmdir()
    git(repo, "checkout", "--", ".gitignore")
    assert lanes.merge(repo, "files").merged == head(repo) == lane_head


def test_a_stale_base_is_detected_and_merged_onto_the_current_tip(repo: Path) -> None:
    lane = lanes.start(repo, "stale")
    assert lanes.describe(repo, lane)["stale"] is False
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nMoved on.\n")
    commit_all(repo, "main moves on")
    moved = head(repo)
    row = json.loads(ok(runtime(repo, "lane", "list", "--json")).stdout)[0]
    assert row["stale"] is True and row["behind"] == 1 and row["base"] == lane.base != moved
    assert "stale (1 behind" in ok(runtime(repo, "lane", "list")).stdout
    session(lane.path, "power", POWER, "tests/test_ops.py::test_power")
    result = lanes.merge(repo, "stale")
    assert result.stale and result.behind == 1 and result.previous == moved
    assert git(repo, "merge-base", "--is-ancestor", moved, "HEAD") == ""
    assert "Moved on." in (repo / "README.md").read_text()
    assert "def power" in (repo / "src/calc/ops.py").read_text()


def test_clean_keeps_scratch_unless_told(repo: Path) -> None:
    (repo / "CLAUDE.md").write_text((repo / "CLAUDE.md").read_text() + "- waves: 4\n")
    lane = lanes.start(repo, "scratch")
    assert lane.notes == ["CLAUDE.md (the Session Config) differs from the base commit's; the lane runs the "
                          "committed one"]
    git(repo, "checkout", "--", "CLAUDE.md")
    (lane.path / "scratch.txt").write_text("half an idea\n")
    (lane.path / ".orchestrator/tmp").mkdir(parents=True)
    (lane.path / ".orchestrator/tmp/notes.md").write_text("ignored, still mine\n")
    (lane.path / "src/calc/__pycache__").mkdir()
    (lane.path / "src/calc/__pycache__/ops.cpython-311.pyc").write_bytes(b"cache")
    result = runtime(repo, "lane", "clean", "scratch")
    assert result.returncode == 2
    assert "scratch.txt" in result.stderr and ".orchestrator/tmp/notes.md" in result.stderr
    assert "__pycache__" not in result.stderr and "lane.env" not in result.stderr  # caches and our own files
    assert (lane.path / "scratch.txt").is_file() and lanes.list_lanes(repo)
    ok(runtime(repo, "lane", "clean", "scratch", "--force"))
    assert not lane.path.exists() and lanes.list_lanes(repo) == []
    assert "lane/scratch" not in git(repo, "branch", "--list")

    empty = lanes.start(repo, "empty")  # nothing but caches and the runtime's own files: no force needed
    lanes.clean(repo, "empty")
    assert not empty.path.exists()


def test_unmerged_commits_are_kept_unless_told(repo: Path) -> None:
    started = json.loads(ok(runtime(repo, "lane", "start", "commits", "--json")).stdout)
    lane = lanes.list_lanes(repo)[0]
    assert started["path"] == str(lane.path) and started["base"] == head(repo) and started["branch"] == "lane/commits"
    (lane.path / "extra.txt").write_text("work\n")
    commit_all(lane.path, "work in the lane")
    with pytest.raises(LaneRefusedError, match="1 commit"):
        lanes.clean(repo, "commits")
    assert lane.path.exists()
    lanes.clean(repo, "commits", force=True)
    assert "lane/commits" not in git(repo, "branch", "--list")


def test_a_lane_without_a_verified_close_is_refused(repo: Path) -> None:
    lane = lanes.start(repo, "open")
    before = head(repo)
    with pytest.raises(LaneRefusedError, match="has no session record"):
        lanes.merge(repo, "open")
    session(lane.path, "power", POWER, "tests/test_ops.py::test_power", close=False)
    commit_all(lane.path, "the work, committed by hand without a close")
    with pytest.raises(LaneRefusedError, match="is active, not closed"):
        lanes.merge(repo, "open")
    assert head(repo) == before


def test_a_failing_gate_on_the_merged_result_refuses_and_leaves_main(repo: Path) -> None:
    lane = lanes.start(repo, "gated")
    (repo / "tests/test_no_power.py").write_text(
        "from calc import ops\n\n\ndef test_no_power_yet():\n    assert not hasattr(ops, 'power')\n")
    commit_all(repo, "a test that the lane's change breaks")  # passes on main; the lane passes alone too
    before = head(repo)
    session(lane.path, "power", POWER, "tests/test_ops.py::test_power")
    lane_head = head(lane.path)
    with pytest.raises(LaneRefusedError, match="gate on the merged result is blocked") as refused:
        lanes.merge(repo, "gated")
    assert "test_no_power_yet" in str(refused.value)
    assert head(repo) == before and head(lane.path) == lane_head  # main unmoved, the lane as it was
    assert git(repo, "status", "--porcelain") == "" and git(lane.path, "status", "--porcelain") == ""


def test_an_ignored_file_git_would_overwrite_silently_is_named(tmp_path: Path) -> None:
    """The hole the loss check closes: a fast-forward replaces an ignored file the incoming commit tracks,
    without a word. Shown with git itself on a copy, then the check names the file on the original."""
    from runtime.unattended.lanesafety import main_losses
    from tests.helpers import init_repo

    repo = init_repo(tmp_path / "plain")
    (repo / ".gitignore").write_text("local.cfg\n")
    commit_all(repo, "ignore local.cfg")
    old = head(repo)
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "local.cfg").write_text("tracked now\n")
    git(repo, "add", "-f", "local.cfg")
    git(repo, "commit", "-q", "-m", "track it")
    new = head(repo)
    git(repo, "checkout", "-q", "main")
    (repo / "local.cfg").write_text("my settings\n")
    assert main_losses(repo, old, new) == [("local.cfg", "is untracked or ignored here; the merge brings a tracked "
                                                         "file of that name and would overwrite it")]
    git(repo, "merge", "--ff-only", "-q", new)  # what the check prevents
    assert (repo / "local.cfg").read_text() == "tracked now\n"


def test_a_conflict_with_the_moved_branch_is_refused_and_the_lane_kept(repo: Path) -> None:
    lane = lanes.start(repo, "clash")
    (repo / "src/calc/ops.py").write_text((repo / "src/calc/ops.py").read_text() + "\n\ndef power():\n    pass\n")
    commit_all(repo, "main defines power its own way")
    before = head(repo)
    session(lane.path, "power", POWER, "tests/test_ops.py::test_power")
    lane_head = head(lane.path)
    with pytest.raises(LaneRefusedError, match=r"conflicts in src/calc/ops\.py"):
        lanes.merge(repo, "clash")
    assert head(repo) == before and head(lane.path) == lane_head
    assert git(lane.path, "status", "--porcelain") == ""  # the half-done merge in the lane was undone
