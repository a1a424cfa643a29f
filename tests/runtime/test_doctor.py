"""`doctor` runs the real hook and reads the real settings, so it catches real breakage."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import runtime


def test_healthy_repo_passes(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 0, result.stdout
    assert "Claude Code: hooks wired in .claude/settings.json" in result.stdout
    assert "guard answers" in result.stdout
    assert "test gate: python3 -m pytest -q" in result.stdout


def test_unwired_hooks_fail_with_the_fix(rendered_repo: Path) -> None:
    (rendered_repo / ".claude" / "settings.json").write_text(json.dumps({"permissions": {}}))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "hooks not wired for PreToolUse, SessionStart" in result.stdout
    assert "run 'python3 .orchestrator/runtime install'" in result.stdout


def test_broken_config_names_the_line(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("waves: 5", "waves: five"))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    line = next(i for i, text in enumerate(claude_md.read_text().splitlines(), 1) if "waves: five" in text)
    assert f"CLAUDE.md:{line}: error: waves must be a whole number" in result.stdout


def test_missing_gate_tool_fails(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("lint-command: auto", "lint-command: no-such-linter ."))
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "lint gate cannot run: no-such-linter . (Session Config): the command was not found (exit 127)" \
        in result.stdout


def test_a_runner_missing_from_the_interpreter_fails_the_probe_and_writes_nothing(rendered_repo: Path) -> None:
    """The interpreter exists but cannot run the suite: the probe must say so, and leave no trace."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(rendered_repo / ".venv")], check=True)
    state = rendered_repo / ".orchestrator" / "state"
    before = sorted(p.relative_to(state).as_posix() for p in state.rglob("*")) if state.exists() else []
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "test gate cannot run: .venv/bin/python -m pytest -q (auto: .venv/ exists" in result.stdout
    assert "the interpreter has no module 'pytest'" in result.stdout
    after = sorted(p.relative_to(state).as_posix() for p in state.rglob("*")) if state.exists() else []
    assert [p for p in after if "gates" in p] == [p for p in before if "gates" in p] == []


def test_lifted_guard_is_a_warning_not_a_failure(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text() + "- allow-destructive-ops: true\n")
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 0, result.stdout
    assert "the destructive-command guard is OFF (allow-destructive-ops: true)" in result.stdout
