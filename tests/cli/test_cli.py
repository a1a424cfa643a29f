"""The lifecycle CLI on real repositories, with real Copier renders and updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from session_orchestrator.cli import app
from tests.helpers import commit_all, copy_example, git, tagged_template

runner = CliRunner()


def test_demo_renders_and_shows_banner_and_config(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(dest)])
    assert result.exit_code == 0, result.output
    assert "[session-orchestrator]" in result.output
    assert "Session Config from CLAUDE.md: valid" in result.output
    assert (dest / ".claude" / "skills" / "session" / "SKILL.md").is_file()
    again = runner.invoke(app, ["demo", str(dest)])
    assert again.exit_code == 1
    assert "already exists; pass --force" in again.output


def test_demo_as_the_readme_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README runs `session-orchestrator demo --force` with the default, relative DEST."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert "branch: main" in result.output
    assert "Session Config from CLAUDE.md: valid" in result.output
    assert "can't open file" not in result.output


def test_demo_names_known_examples(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "d"), "--example", "nope"])
    assert result.exit_code == 1
    assert "no example named 'nope'; known: python-calc" in result.output


def test_init_refuses_a_non_git_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a git repository" in result.output


def test_init_sets_up_and_checks(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--vcs-ref", "HEAD", "-d", "enforcement=strict"])
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output
    assert "- enforcement: strict" in (repo / "CLAUDE.md").read_text()
    second = runner.invoke(app, ["init", str(repo)])
    assert second.exit_code == 1
    assert "already set up" in second.output


def test_bad_data_option_is_explained(tmp_path: Path) -> None:
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "-d", "enforcement"])
    assert result.exit_code == 1
    assert "--data expects key=value, got 'enforcement'" in result.output


@pytest.fixture
def installed_at_v1(tmp_path: Path) -> tuple[Path, Path]:
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v1"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "add session-orchestrator")
    return template, repo


def _release(template: Path, tag: str, old: str, new: str) -> None:
    source = template / "template" / "_canonical" / "commands" / "session.md"
    source.write_text(source.read_text().replace(old, new))
    commit_all(template, f"release {tag}")
    git(template, "tag", tag)


def test_update_refuses_a_dirty_tree(installed_at_v1: tuple[Path, Path]) -> None:
    _, repo = installed_at_v1
    (repo / "scratch.txt").write_text("wip\n")
    result = runner.invoke(app, ["update", str(repo)])
    assert result.exit_code == 1
    assert "uncommitted changes" in result.output and "scratch.txt" in result.output


def test_update_keeps_a_user_edit_elsewhere(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    skill.write_text(skill.read_text().replace("## 3. Baseline", "## 3. Baseline (our team runs it twice)"))
    commit_all(repo, "team tweak")
    _release(template, "v2", "## 5. Record the plan", "## 5. Record the agreed plan")
    result = runner.invoke(app, ["update", str(repo), "--vcs-ref", "v2"])
    assert result.exit_code == 0, result.output
    text = skill.read_text()
    assert "## 3. Baseline (our team runs it twice)" in text
    assert "## 5. Record the agreed plan" in text


def test_update_with_a_conflict_exits_1_and_lists_the_file(installed_at_v1: tuple[Path, Path]) -> None:
    template, repo = installed_at_v1
    skill = repo / ".claude" / "skills" / "session" / "SKILL.md"
    skill.write_text(skill.read_text().replace("## 3. Baseline", "## 3. Baseline, our way"))
    commit_all(repo, "team tweak")
    _release(template, "v2", "## 3. Baseline", "## 3. Record the baseline")
    result = runner.invoke(app, ["update", str(repo), "--vcs-ref", "v2"])
    assert result.exit_code == 1
    assert "the update left conflicts" in result.output
    assert ".claude/skills/session/SKILL.md" in result.output
    text = skill.read_text()
    assert "## 3. Baseline, our way" in text  # the user's line is still there, inside the markers
