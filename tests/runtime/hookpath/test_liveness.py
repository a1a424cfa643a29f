"""Enforcement you can see: the hooks leave a heartbeat, and `session status`, the banner and `doctor`
say per agent whether it is `enforced`, `degraded` or `not firing`.

Real: the rendered template (its install.json and wired settings), the vendored runtime's hook run as
the agent runs it (a fresh `python3 -S` process with the payload on stdin), its CLI commands.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.helpers import runtime


def _hook(repo: Path, event: str, payload: dict) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
           "CLAUDE_PROJECT_DIR": str(repo)}
    return subprocess.run(["python3", "-S", str(repo / ".orchestrator" / "runtime"), "hook", "claude", event],
                          input=json.dumps({"cwd": str(repo), **payload}), capture_output=True, text=True, env=env,
                          cwd=repo, check=True)


def _status(repo: Path) -> dict:
    out = json.loads(runtime(repo, "session", "status", "--json").stdout)
    return {a["platform"]: a for a in out["enforcement"]["agents"]}


def test_hooks_that_never_fired_read_not_firing(rendered_repo: Path) -> None:
    assert _status(rendered_repo)["claude"]["status"] == "not firing"
    text = runtime(rendered_repo, "session", "status").stdout
    assert "hooks: Claude Code not firing" in text and "tell the user" in text
    doctor = runtime(rendered_repo, "doctor").stdout
    assert "Claude Code: enforcement not firing" in doctor


def test_session_start_and_first_tool_call_make_it_enforced(rendered_repo: Path) -> None:
    banner = _hook(rendered_repo, "session-start", {"session_id": "s1", "source": "startup"}).stdout
    assert "fixed for this session" in banner
    assert "Claude Code not firing" in banner  # no tool call of this agent has been judged yet
    assert _status(rendered_repo)["claude"]["status"] == "not firing"
    _hook(rendered_repo, "pre-tool-use", {"session_id": "s1", "tool_name": "Bash", "tool_input": {"command": "ls"}})
    agent = _status(rendered_repo)["claude"]
    assert agent["status"] == "enforced", agent
    assert "Claude Code: enforcement enforced" in runtime(rendered_repo, "doctor").stdout
    # the next session's banner speaks from the previous session until its own first call
    banner = _hook(rendered_repo, "session-start", {"session_id": "s2", "source": "startup"}).stdout
    assert "hooks: Claude Code enforced" in banner and "previous session" in banner


def test_a_session_whose_start_hook_did_not_fire_is_degraded(rendered_repo: Path) -> None:
    _hook(rendered_repo, "pre-tool-use", {"session_id": "s9", "tool_name": "Bash", "tool_input": {"command": "ls"}})
    agent = _status(rendered_repo)["claude"]
    assert agent["status"] == "degraded" and "session-start hook did not fire" in agent["detail"], agent


def test_unwired_settings_are_degraded(rendered_repo: Path) -> None:
    _hook(rendered_repo, "session-start", {"session_id": "s1", "source": "startup"})
    _hook(rendered_repo, "pre-tool-use", {"session_id": "s1", "tool_name": "Bash", "tool_input": {"command": "ls"}})
    (rendered_repo / ".claude" / "settings.json").write_text("{}\n")
    agent = _status(rendered_repo)["claude"]
    assert agent["status"] == "degraded" and "wire" in agent["detail"], agent


def test_old_session_records_are_pruned_at_a_session_start(rendered_repo: Path) -> None:
    folder = rendered_repo / ".orchestrator" / "state" / "enforcement" / "claude"
    folder.mkdir(parents=True)
    old = folder / "old.json"
    old.write_text(json.dumps({"pinned": {"enforcement": "warn"}, "session_id": "old", "heartbeat": {}}))
    os.utime(old, (0, 0))
    _hook(rendered_repo, "session-start", {"session_id": "new", "source": "startup"})
    assert not old.exists() and (folder / "new.json").exists()
