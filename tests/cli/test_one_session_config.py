"""One Session Config in force when a second agent, reading another instruction file, is added later.

The user sets up Claude Code, changes `enforcement` in CLAUDE.md, then adds Codex CLI (AGENTS.md) with
`update -d platforms=claude,codex`. Real renders and updates of a tagged template clone; nothing mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from session_orchestrator.cli import app
from tests.helpers import GIT_ENV, commit_all, copy_example, runtime, tagged_template

runner = CliRunner()
DIFFERS = "differs from your answers"


def update(repo: Path, template: Path, *extra: str) -> str:
    """As a user runs it: a process of its own, so the install step's notes (Copier's task) are seen too."""
    result = subprocess.run([sys.executable, "-m", "session_orchestrator", "update", str(repo), "--template",
                             str(template), *extra], cwd=repo, capture_output=True, text=True, timeout=300,
                            env={**os.environ, **GIT_ENV})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def set_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def claude_then_codex(tmp_path: Path) -> tuple[Path, Path, str]:
    """Set up for Claude Code, `enforcement: strict` written into CLAUDE.md, then Codex CLI added."""
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    assert not (repo / "AGENTS.md").exists()
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v1", "-p", "claude"])
    assert result.exit_code == 0, result.output
    set_line(repo / "CLAUDE.md", "- enforcement: warn", "- enforcement: strict")
    commit_all(repo, "session-orchestrator, strict")
    output = update(repo, template, "-d", "platforms=claude,codex")
    commit_all(repo, "and Codex CLI")
    return template, repo, output


def test_a_later_agents_file_gets_the_values_in_force_not_the_old_answers(
        claude_then_codex: tuple[Path, Path, str]) -> None:
    template, repo, output = claude_then_codex
    agents = (repo / "AGENTS.md").read_text(encoding="utf-8")
    assert "- enforcement: strict" in agents and "- enforcement: warn" not in agents
    assert "AGENTS.md: created with a Session Config with the values in force in CLAUDE.md" in output
    assert DIFFERS not in output  # the answers were not changed: CLAUDE.md's own values are no news
    config = runtime(repo, "config")
    assert config.returncode == 0 and "warning" not in config.stdout, config.stdout
    again = update(repo, template)
    assert DIFFERS not in again and "AGENTS.md: Session Config present" in again


def test_config_and_doctor_warn_when_the_two_copies_disagree(claude_then_codex: tuple[Path, Path, str]) -> None:
    _, repo, _ = claude_then_codex
    set_line(repo / "AGENTS.md", "- enforcement: strict", "- enforcement: off")
    expected = ("AGENTS.md:11: warning: this second Session Config differs from CLAUDE.md's, the one in force "
                "(enforcement: off here, strict in CLAUDE.md)")
    config = runtime(repo, "config")
    assert config.returncode == 0
    assert expected in config.stdout
    assert "fix: make them agree (edit AGENTS.md or CLAUDE.md); the runtime reads only CLAUDE.md" in config.stdout
    json_out = runtime(repo, "config", "--json")
    assert '"file": "AGENTS.md"' in json_out.stdout
    doctor = runtime(repo, "doctor")
    assert f"warn  {expected}" in doctor.stdout


def test_an_answer_changed_in_this_update_is_named_once(claude_then_codex: tuple[Path, Path, str]) -> None:
    template, repo, _ = claude_then_codex
    output = update(repo, template, "-d", "enforcement=off")
    assert ("CLAUDE.md: keeps its own Session Config; it differs from your answers in enforcement "
            "(edit CLAUDE.md if you want the new values)") in output
    commit_all(repo, "answered off")
    assert DIFFERS not in update(repo, template)
