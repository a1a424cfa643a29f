"""`doctor` on a repository set up for Cursor: what was installed, how to start it, the settings.

Rendered with a real `copier copy`; doctor runs the Cursor hook command for real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, copy_example, render, runtime


@pytest.fixture
def cursor_repo(tmp_path: Path) -> Path:
    return render(copy_example(tmp_path / "calc"), platforms=["cursor"], enforcement="strict")


def _set_enforcement(repo: Path, level: str) -> None:
    agents_md = repo / "AGENTS.md"
    agents_md.write_text(agents_md.read_text(encoding="utf-8").replace("- enforcement: strict",
                                                                        f"- enforcement: {level}"), encoding="utf-8")


def test_a_cursor_only_repo_passes_and_says_what_was_installed_and_how_to_start(cursor_repo: Path) -> None:
    result = runtime(cursor_repo, "doctor")
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "Cursor: hooks wired in .cursor/hooks.json (beforeShellExecution, preToolUse, sessionStart)" in out
    assert "Cursor: guard answers (allows 'ls', denies 'rm -rf ./build')" in out
    commands = len(list((cursor_repo / ".cursor" / "commands").glob("*.md")))
    agents = len(list((cursor_repo / ".cursor" / "agents").glob("*.md")))
    listed = yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(encoding="utf-8"))
    listed = listed["catalog"]["default"]
    assert (commands, agents) == (len(listed["commands"]), len(listed["agents"]))  # each once, none left out
    assert (f"Cursor: installed: {commands} commands in .cursor/commands; {agents} agents in .cursor/agents; "
            "always-on rule in .cursor/rules") in out
    assert "note  Cursor: open the repository in Cursor and trust the workspace" in out
    assert "third-party" not in out, "with no Claude Code hooks there is no setting to think about"
    assert "Cursor: failClosed on for enforcement: strict" in out


def test_beside_claude_code_doctor_explains_the_third_party_hooks_setting(tmp_path: Path) -> None:
    repo = render(copy_example(tmp_path / "calc"), platforms=["claude", "cursor"])
    out = runtime(repo, "doctor").stdout
    assert "commands from Claude Code's .claude/skills (Cursor reads them; no second copy)" in out
    assert 'Include third-party Plugins, Skills, and other configs" on, Cursor also runs Claude Code\'s hooks' in out


def test_fail_closed_follows_an_edited_enforcement_after_install(cursor_repo: Path) -> None:
    _set_enforcement(cursor_repo, "warn")
    result = runtime(cursor_repo, "doctor")
    assert "warn  Cursor: .cursor/hooks.json has failClosed on but enforcement is warn" in result.stdout
    assert runtime(cursor_repo, "install").returncode == 0
    hooks = json.loads((cursor_repo / ".cursor" / "hooks.json").read_text(encoding="utf-8"))["hooks"]
    assert not any(e.get("failClosed") for entries in hooks.values() for e in entries)
    assert "Cursor: failClosed off for enforcement: warn" in runtime(cursor_repo, "doctor").stdout


def test_unwired_cursor_hooks_fail_with_the_fix(cursor_repo: Path) -> None:
    (cursor_repo / ".cursor" / "hooks.json").write_text('{"version": 1, "hooks": {}}\n', encoding="utf-8")
    result = runtime(cursor_repo, "doctor")
    assert result.returncode == 1
    assert "Cursor: hooks not wired for beforeShellExecution, preToolUse, sessionStart" in result.stdout
    assert "failClosed" not in result.stdout
    assert "run 'python3 .orchestrator/runtime install'" in result.stdout
