"""treestate: what code a check judged, read from git in real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.core import treestate
from tests.helpers import git, init_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.py").write_text("a = 1\n")
    (tmp_path / "r" / "b.py").write_text("b = 1\n")
    (tmp_path / "r" / ".gitignore").write_text("build/\n")
    return init_repo(tmp_path / "r")


def test_clean_tree_has_an_empty_snapshot(repo: Path) -> None:
    assert treestate.snapshot(repo) == {}


def test_a_write_to_an_unchanged_tracked_file_appears(repo: Path) -> None:
    before = treestate.snapshot(repo)
    (repo / "a.py").write_text("a = 2\n")
    assert treestate.changed_between(before, treestate.snapshot(repo)) == ["a.py"]


def test_a_second_write_to_a_changed_file_is_seen(repo: Path) -> None:
    (repo / "a.py").write_text("a = 2\n")
    before = treestate.snapshot(repo)
    (repo / "a.py").write_text("a = 3\n")
    assert treestate.changed_between(before, treestate.snapshot(repo)) == ["a.py"]


def test_new_untracked_and_deleted_files_appear_but_ignored_ones_do_not(repo: Path) -> None:
    before = treestate.snapshot(repo)
    (repo / "new.py").write_text("x\n")
    (repo / "b.py").unlink()
    (repo / "build").mkdir()
    (repo / "build" / "out.o").write_text("bin")
    after = treestate.snapshot(repo)
    assert treestate.changed_between(before, after) == ["b.py", "new.py"]
    assert after["b.py"] == treestate.DELETED


def test_fingerprint_ignores_runtime_records_but_not_code(repo: Path) -> None:
    first = treestate.fingerprint(repo)
    (repo / ".orchestrator").mkdir()
    (repo / ".orchestrator" / "STATE.md").write_text("state\n")
    assert treestate.fingerprint(repo) == first
    (repo / "a.py").write_text("a = 2\n")
    assert treestate.fingerprint(repo)["tree"] != first["tree"]
    assert treestate.fingerprint(repo)["head"] == first["head"] != ""


def test_the_runtimes_own_bytecode_is_a_runtime_record_but_its_code_is_not(repo: Path) -> None:
    """A hook call may write the runtime's `.pyc` files and its code cache; where `.orchestrator/.gitignore` is
    missing they are untracked files, and they must not count as a change to the code (the loop guard would
    never see a repeat)."""
    first = treestate.fingerprint(repo)
    cache = repo / ".orchestrator/runtime/__pycache__"
    cache.mkdir(parents=True)
    (cache / "hookpath.cpython-311.bin").write_bytes(b"\x00\x01")
    (repo / ".orchestrator/runtime/guards/__pycache__").mkdir(parents=True)
    (repo / ".orchestrator/runtime/guards/__pycache__/guard.cpython-311.pyc").write_bytes(b"\x00")
    assert treestate.fingerprint(repo) == first
    assert treestate.is_runtime_record(".orchestrator/runtime/__pycache__/hookpath.cpython-311.bin")
    assert not treestate.is_runtime_record(".orchestrator/runtime/guards/guard.py")
    assert not treestate.is_runtime_record("src/__pycache__/app.cpython-311.pyc")
    (repo / ".orchestrator/runtime/guards/guard.py").write_text("x = 1\n")
    assert treestate.fingerprint(repo)["tree"] != first["tree"]


def test_tree_id_survives_committing_exactly_the_judged_changes(repo: Path) -> None:
    (repo / "a.py").write_text("a = 2\n")
    (repo / "c.py").write_text("c\n")
    (repo / ".orchestrator").mkdir()
    (repo / ".orchestrator" / "STATE.md").write_text("state 1\n")
    judged = treestate.tree_id(repo)
    (repo / ".orchestrator" / "STATE.md").write_text("state 2\n")  # close writes its own record
    git(repo, "add", "a.py", "c.py", ".orchestrator/STATE.md")
    git(repo, "commit", "-q", "-m", "work")
    assert treestate.tree_id(repo) == judged
    (repo / "b.py").write_text("later edit\n")
    assert treestate.tree_id(repo) != judged


def test_tree_id_leaves_the_users_index_alone(repo: Path) -> None:
    (repo / "a.py").write_text("a = 2\n")
    git(repo, "add", "a.py")
    (repo / "b.py").write_text("b = 2\n")
    staged = git(repo, "diff", "--cached", "--name-only")
    treestate.tree_id(repo)
    assert git(repo, "diff", "--cached", "--name-only") == staged == "a.py\n"


def test_outside_a_repository_the_tree_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(treestate.TreeUnreadableError):
        treestate.snapshot(tmp_path)
