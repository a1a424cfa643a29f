"""`demo -p cursor`: the Cursor files, the banner, and the steps Cursor needs, from a real render."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from session_orchestrator.cli import app

runner = CliRunner()


def test_demo_for_cursor_lists_its_files_and_how_to_start(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(dest), "-p", "cursor"])
    assert result.exit_code == 0, result.output
    for name in (".cursor/hooks.json", ".cursor/rules/session-orchestrator.mdc", ".cursor/commands/session.md",
                 ".cursor/agents/explorer.md", "AGENTS.md"):
        assert f"  {name}\n" in result.output, name
    assert "Session Config from AGENTS.md: valid" in result.output
    assert f"Cursor ({dest}): open the repository in Cursor and trust the workspace" in result.output
    assert "third-party hooks" not in result.output
    assert not (dest / ".claude").exists()


def test_demo_beside_claude_code_explains_the_third_party_hooks_setting(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "demo"), "-p", "claude", "-p", "cursor"])
    assert result.exit_code == 0, result.output
    assert "in Claude Code and type: /session feature" in result.output
    assert "Cursor also runs Claude Code's hooks when its third-party hooks setting is on" in result.output
    assert "  .cursor/commands/" not in result.output, "Cursor reads Claude Code's skills: no second copy"


def test_demo_refuses_an_unknown_platform_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "demo"), "-p", "cursr"])
    assert result.exit_code == 1
    assert "-p cursr: unknown platform" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "demo").exists()
