"""The CLI's template and git helpers, on real git repositories."""

from __future__ import annotations

import importlib.metadata
import subprocess
from pathlib import Path

import git
import pytest

from runtime import __version__ as runtime_version
from session_orchestrator import template as tpl
from tests.helpers import ROOT, commit_all, init_repo, tagged_template


def test_one_version_for_package_template_and_runtime() -> None:
    assert tpl.template_version() == runtime_version
    assert importlib.metadata.version("session-orchestrator") == runtime_version
    assert tpl.release_tag(runtime_version) == f"v{runtime_version}"


def test_wired_platforms_come_from_the_choices() -> None:
    assert tpl.wired_platforms(ROOT) == sorted(p.stem for p in (ROOT / "platforms").glob("*.yml"))
    assert {"claude", "codex"} <= set(tpl.wired_platforms(ROOT))
    assert set(tpl.all_platforms(ROOT)) == {"claude", "codex", "cursor", "pi"}
    assert "platform_claude" not in tpl.questions(ROOT)  # computed values are not questions
    assert {"waves", "enforcement", "test_command"} <= set(tpl.questions(ROOT))


@pytest.mark.parametrize(("text", "url"), [("gh:o/r", True), ("https://x/y.git", True), ("git@h:o/r", True),
                                           ("git+ssh://h/r", True), ("/tmp/x", False), ("../tpl", False)])
def test_is_url(text: str, url: bool) -> None:
    assert tpl.is_url(text) is url


def test_packaged_template_is_a_tagged_repository_and_reused(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_ORCHESTRATOR_CACHE", str(tmp_path))
    path, tag = tpl.packaged_template()
    repo = git.Repo(path)
    assert tag == f"v{runtime_version}" and repo.tags[tag].commit == repo.head.commit
    assert not (path / "template" / ".orchestrator" / "runtime").is_symlink()
    assert (path / "template" / ".orchestrator" / "runtime" / "__init__.py").is_file()
    head = repo.head.commit.hexsha
    assert tpl.packaged_template() == (path, tag)
    assert git.Repo(path).head.commit.hexsha == head  # unchanged content: no new commit


def test_runtime_files_follow_the_source_symlink(tmp_path: Path) -> None:
    clone = tagged_template(tmp_path / "t", "v1")
    files = tpl.runtime_files(git.Repo(clone), "v1")
    assert files["__init__.py"] == (ROOT / "runtime" / "__init__.py").read_bytes()
    assert not any("__pycache__" in name for name in files)


def test_conflicts_finds_markers_unmerged_entries_and_rejects(tmp_path: Path) -> None:
    repo_dir = init_repo(tmp_path / "r")
    (repo_dir / "a.md").write_text("one\n")
    (repo_dir / "b.md").write_text("two\n")
    commit_all(repo_dir, "files")
    (repo_dir / "a.md").write_text("<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n")
    (repo_dir / "b.md.rej").write_text("@@ -1 +1 @@\n-two\n+2\n")
    (repo_dir / "c.md").write_text("a line with <<<<<<< in the middle is no conflict\n")
    found = tpl.conflicts(git.Repo(repo_dir))
    assert found == {"a.md": "conflict markers", "b.md.rej": "rejected changes the merge could not place"}
    blob = subprocess.run(["git", "hash-object", "-w", "b.md"], cwd=repo_dir, capture_output=True, text=True,
                          check=True).stdout.strip()
    index = "".join(f"100644 {blob} {stage}\tb.md\n" for stage in (1, 2, 3))
    subprocess.run(["git", "update-index", "--index-info"], cwd=repo_dir, input=index, text=True, check=True)
    assert tpl.conflicts(git.Repo(repo_dir))["b.md"] == "conflict markers (unmerged)"


def test_record_source_replaces_only_the_source_line(tmp_path: Path) -> None:
    (tmp_path / tpl.ANSWERS_FILE).write_text("# header\n_commit: v1\n_src_path: /tmp/x\nwaves: 5\n")
    tpl.record_source(tmp_path, "gh:example-org/session-orchestrator")
    assert (tmp_path / tpl.ANSWERS_FILE).read_text() == (
        "# header\n_commit: v1\n_src_path: gh:example-org/session-orchestrator\nwaves: 5\n")


def test_an_answers_file_without_a_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / tpl.ANSWERS_FILE).write_text("waves: 5\n")
    with pytest.raises(tpl.CliError, match="has no _src_path/_commit"):
        tpl.read_answers(tmp_path)
