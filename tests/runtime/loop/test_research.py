"""`research`: what /session starts from, including what could not be read and why."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from tests.helpers import git, runtime


def _research(repo: Path, env: dict[str, str] | None = None) -> dict:
    result = runtime(repo, "research", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_reports_branch_changes_and_commits(rendered_repo: Path) -> None:
    (rendered_repo / "notes.txt").write_text("draft\n")
    data = _research(rendered_repo)
    assert data["branch"] == "main"
    assert any("notes.txt" in line for line in data["uncommitted"])
    assert data["recent_commits"][0].endswith("initial")


def test_without_a_remote_says_issues_were_not_listed(rendered_repo: Path) -> None:
    data = _research(rendered_repo)
    assert data["vcs"]["host"] == "none"
    assert data["open_issues"]["ok"] is False
    text = runtime(rendered_repo, "research").stdout
    assert "Open issues: not listed (no GitHub or GitLab origin remote" in text


def test_missing_gh_is_named_not_mistaken_for_no_issues(rendered_repo: Path, tmp_path: Path) -> None:
    git(rendered_repo, "remote", "add", "origin", "https://github.com/acme/calc.git")
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    os.symlink(Path("/usr/bin/git"), bare_path / "git")
    data = _research(rendered_repo, env={"PATH": f"{bare_path}:{Path(sys.executable).parent}"})
    assert data["vcs"] == {**data["vcs"], "host": "github", "cli": "gh", "cli_available": False}
    assert "gh is not installed" in data["open_issues"]["why"]


def test_lists_issues_through_gh(rendered_repo: Path, tmp_path: Path) -> None:
    """A stand-in `gh` prints what GitHub's CLI prints (no GitHub server can run here)."""
    git(rendered_repo, "remote", "add", "origin", "git@github.com:acme/calc.git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_gh = bin_dir / "gh"
    fake_gh.write_text("#!/bin/sh\n"
                       "echo '[{\"number\": 7, \"title\": \"Add power()\", \"labels\": [{\"name\": \"feature\"}]}]'\n")
    fake_gh.chmod(fake_gh.stat().st_mode | stat.S_IEXEC)
    data = _research(rendered_repo, env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert data["open_issues"] == {"ok": True, "issues": [{"number": 7, "title": "Add power()",
                                                           "labels": ["feature"]}]}
    text = runtime(rendered_repo, "research", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"}).stdout
    assert "#7 Add power() [feature]" in text


def test_gh_failure_is_reported_with_its_message(rendered_repo: Path, tmp_path: Path) -> None:
    git(rendered_repo, "remote", "add", "origin", "https://github.com/acme/calc.git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_gh = bin_dir / "gh"
    fake_gh.write_text("#!/bin/sh\necho 'To get started with GitHub CLI, please run: gh auth login' >&2\nexit 4\n")
    fake_gh.chmod(fake_gh.stat().st_mode | stat.S_IEXEC)
    data = _research(rendered_repo, env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert data["open_issues"]["why"] == "gh failed: To get started with GitHub CLI, please run: gh auth login"


def test_the_runtimes_own_records_are_not_uncommitted_work(rendered_repo: Path) -> None:
    """A session start writes STATE.md (and metrics); research lists only what the user changed."""
    git(rendered_repo, "add", "-A")
    git(rendered_repo, "commit", "-q", "-m", "set up")
    started = runtime(rendered_repo, "session", "start", "feature")
    assert started.returncode == 0, started.stderr
    assert (rendered_repo / ".orchestrator" / "STATE.md").is_file()
    assert ".orchestrator/STATE.md" in git(rendered_repo, "status", "--porcelain", "--untracked-files=all")
    (rendered_repo / "notes.txt").write_text("draft\n")
    data = _research(rendered_repo)
    assert [line[3:] for line in data["uncommitted"]] == ["notes.txt"]
    text = runtime(rendered_repo, "research").stdout
    assert "Uncommitted files: 1" in text and "STATE.md" not in text
