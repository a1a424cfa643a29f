"""`demo -p pi`: what Pi gets, how to start it and the trust step, from the platform data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from session_orchestrator.cli import app

runner = CliRunner()


def test_demo_for_pi_lists_its_files_and_says_how_to_start_it(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(dest), "-p", "pi"])
    assert result.exit_code == 0, result.output
    for name in (".pi/prompts/session.md", ".pi/skills/implementer/SKILL.md",
                 ".pi/extensions/session-orchestrator.ts", "AGENTS.md"):
        assert f"  {name}\n" in result.output, name
    assert not (dest / ".claude").exists()
    assert "Session Config from AGENTS.md: valid" in result.output
    assert f"Pi ({dest}): start `pi` in the repository's root directory, then type /session feature." in result.output
    assert "--approve (-a)" in result.output, "the trust step of newer Pi versions"
    assert "Open" not in result.output.split("Session Config")[-1], "no generic line when every agent has its own"


def test_demo_refuses_an_unknown_platform_by_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "demo"), "-p", "pie"])
    assert result.exit_code == 1
    assert "-p pie: unknown platform" in result.output and "Traceback" not in result.output
