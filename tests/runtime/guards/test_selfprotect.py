"""Self-protection and the enforcement fixed at session start, judged as the hook judges.

Real: the runtime's judging path (`hooks.judge`, the same function the hook and `guard check` use),
real files and a real git repository in tmp_path. Each weakening route is tried at every level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.core.toolcall import SHELL, WRITE, ToolCall
from runtime.guards.context import HookContext
from runtime.hookpath import hooks
from tests.helpers import git, init_repo
from tests.runtime.loop_support import rt

CONFIG = "# Project\n\nSome notes.\n\n## Session Config\n\n- enforcement: {level}\n- waves: 5\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = init_repo(tmp_path / "repo")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("x = 1\n")
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude" / "settings.json").write_text("{}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    return root


def _config(root: Path, level: str, extra: str = "") -> None:
    (root / "CLAUDE.md").write_text(CONFIG.format(level=level) + extra)


def _ctx(root: Path, call: ToolCall | None, session: str = "", event: str = "pre-tool-use") -> HookContext:
    payload = {"cwd": str(root), **({"session_id": session} if session else {})}
    return HookContext(root, "claude", event, payload, call)


def _bash(root: Path, command: str, session: str = "") -> object:
    ctx = _ctx(root, ToolCall(SHELL, "Bash", {"command": command}, command=command), session)
    return hooks.with_held_back(ctx, hooks.judge(ctx))


def _tool(root: Path, name: str, tool_input: dict, session: str = "") -> object:
    call = ToolCall(WRITE, name, tool_input, paths=[tool_input["file_path"]])
    ctx = _ctx(root, call, session)
    return hooks.with_held_back(ctx, hooks.judge(ctx))


def _start(root: Path, session: str) -> None:
    """What the session-start hook does first: read the config through the context (fixes the values)."""
    _ = _ctx(root, None, session, "session-start").config


WEAKENING_COMMANDS = [
    "echo '- allow-destructive-ops: true' >> CLAUDE.md",
    "sed -i 's/enforcement: strict/enforcement: off/' CLAUDE.md",
    "sed -i 's/enforcement: [a-z]*/enforcement: off/' ./CLAUDE.md",
    ": > CLAUDE.md",
    "rm CLAUDE.md",
    "mv CLAUDE.md CLAUDE.old",
    "python3 -c \"open('CLAUDE.md', 'w').write('')\"",
    "cp /dev/null CLAUDE.md",
    "printf '' | tee CLAUDE.md",
    "echo x >> $PWD/AGENTS.md",
    "echo '{\"disableAllHooks\": true}' > ~/.claude/settings.json",
    "echo '{\"disableAllHooks\": true}' > $HOME/.claude/settings.json",
    "rm -rf ~/.claude",
    "printf '#!/bin/sh\\nrm -rf src\\n' > .git/hooks/pre-commit",
    "chmod +x .git/hooks/pre-commit",
    "echo '[core] hooksPath = /tmp/x' >> .git/config",
    "git config core.hooksPath /tmp/nohooks",
    "git config --global core.hooksPath /dev/null",
    "git config --unset core.hooksPath",
    "git -c core.hooksPath=/dev/null commit -m x",
    "git commit --no-verify -m 'skip checks'",
    "git commit -nm 'skip checks'",
    "git commit -a -n -m x",
    "git push --no-verify origin main",
    "git merge --no-verify topic",
    "echo '{}' > .orchestrator/state/session.json",
    "rm -rf .orchestrator/state",
    "python3 .orchestrator/runtime breaker ack --reason 'I am fine'",
    "echo '- enforcement: off' > ~/.gitconfig",
]


@pytest.mark.parametrize("level", ["strict", "warn", "off"])
@pytest.mark.parametrize("command", WEAKENING_COMMANDS)
def test_every_weakening_route_is_denied_at_every_level(repo: Path, level: str, command: str) -> None:
    _config(repo, level)
    assert _bash(repo, command).denied, command
    # with the destructive-command guard lifted, self-protection alone must refuse it
    _config(repo, level, "- allow-destructive-ops: true\n")
    decision = _bash(repo, command)
    assert decision.denied, (command, decision)
    assert "self-protection" in decision.rule, (command, decision)
    assert "user" in decision.reason, decision.reason  # it tells the agent to ask the user


@pytest.mark.parametrize("command", [
    "git commit -m 'add -n flag'", "git commit -m x", "git push -n origin main", "git config --get core.hooksPath",
    "git config user.name Someone", "cat CLAUDE.md", "grep enforcement CLAUDE.md", "echo x > notes.md",
    "python3 .orchestrator/runtime breaker status", "git log --no-walk",
])
def test_ordinary_commands_pass(repo: Path, command: str) -> None:
    _config(repo, "strict")
    decision = _bash(repo, command)
    assert not decision.denied, (command, decision)


def test_a_hooks_path_directory_is_protected(repo: Path) -> None:
    _config(repo, "strict")
    git(repo, "config", "core.hooksPath", ".githooks")
    for command in ("echo 'rm -rf src' > .githooks/pre-commit", "rm .githooks/pre-commit"):
        assert _bash(repo, command).rule == "self-protection", command
    assert _tool(repo, "Write", {"file_path": str(repo / ".githooks/pre-commit"), "content": "x"}).denied


def test_edit_tools_on_the_session_config_are_checked_by_their_result(repo: Path) -> None:
    _config(repo, "strict")
    path = str(repo / "CLAUDE.md")
    weaker = [
        ("Edit", {"file_path": path, "old_string": "enforcement: strict", "new_string": "enforcement: off"}),
        ("Edit", {"file_path": path, "old_string": "- waves: 5",
                  "new_string": "- waves: 5\n- allow-destructive-ops: true"}),
        ("Write", {"file_path": path, "content": "# Project\n"}),  # no Session Config: the defaults (warn)
        ("MultiEdit", {"file_path": path, "edits": [{"old_string": "Some notes.", "new_string": "Notes."},
                                                   {"old_string": "strict", "new_string": "warn"}]}),
        ("Edit", {"file_path": path, "old_string": "## Session Config", "new_string": "## Config"}),
    ]
    for name, tool_input in weaker:
        decision = _tool(repo, name, tool_input)
        assert decision.denied and decision.rule == "self-protection", (name, tool_input, decision)
    fine = [
        ("Edit", {"file_path": path, "old_string": "Some notes.", "new_string": "Some better notes."}),
        ("Edit", {"file_path": path, "old_string": "- waves: 5", "new_string": "- waves: 6"}),
        ("Edit", {"file_path": path, "old_string": "enforcement: strict", "new_string": "enforcement: strict "}),
        ("Write", {"file_path": path, "content": (repo / "CLAUDE.md").read_text() + "\nMore.\n"}),
    ]
    for name, tool_input in fine:
        assert not _tool(repo, name, tool_input).denied, (name, tool_input)


def test_user_level_settings_are_protected_from_edit_tools(repo: Path, tmp_path: Path) -> None:
    _config(repo, "off")
    target = str(tmp_path / "home" / ".claude" / "settings.json")
    decision = _tool(repo, "Write", {"file_path": target, "content": '{"disableAllHooks": true}'})
    assert decision.denied and decision.rule == "self-protection"


# --- the enforcement a session runs under is fixed when it starts ------------------------------------------


def test_a_weaker_value_written_mid_session_waits_for_the_next_session(repo: Path) -> None:
    _config(repo, "strict")
    _start(repo, "s1")
    assert _bash(repo, "rm -rf src", "s1").denied
    _config(repo, "off", "- allow-destructive-ops: true\n")  # written by a path no guard sees
    held = _bash(repo, "rm -rf src", "s1")
    assert held.denied and "rm-recursive-force" in held.rule, held
    assert "weakened after this session started" in held.reason and "allow-destructive-ops: true" in held.reason
    quiet = _bash(repo, "ls", "s1")  # reported on every call, allowed ones too
    assert quiet.action == "warn" and "new session" in quiet.reason
    _start(repo, "s2")  # the user starts a new session: now it counts
    assert not _bash(repo, "rm -rf src", "s2").denied
    assert _bash(repo, "rm -rf src", "s1").denied  # the old session keeps its values


def test_a_stricter_value_takes_effect_at_once_and_sticks(repo: Path) -> None:
    _config(repo, "warn")
    _start(repo, "s1")
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.write_text(json.dumps({"session_id": "x", "wave": 2, "role": "Impl", "enforcement": "warn",
                                 "allowed": ["src/"]}))
    assert _tool(repo, "Write", {"file_path": str(repo / "README.md"), "content": "x"}, "s1").action == "warn"
    _config(repo, "strict")
    assert _tool(repo, "Write", {"file_path": str(repo / "README.md"), "content": "x"}, "s1").denied
    _config(repo, "warn")  # loosening again within the session is held back
    decision = _tool(repo, "Write", {"file_path": str(repo / "README.md"), "content": "x"}, "s1")
    assert decision.denied and "enforcement: warn" in decision.reason


def test_guard_check_answers_as_the_hook_does(repo: Path) -> None:
    _config(repo, "strict", "- allow-destructive-ops: true\n")
    (repo / ".orchestrator").mkdir(exist_ok=True)
    assert rt(repo, "guard", "check", "--", "rm -rf src").returncode == 0  # no session yet: the config as it is
    _config(repo, "strict")
    _start(repo, "s1")
    _config(repo, "strict", "- allow-destructive-ops: true\n")
    checked = rt(repo, "guard", "check", "--", "rm -rf src")
    assert checked.returncode == 2 and "weakened after this session started" in checked.stdout, checked.stdout
    assert _bash(repo, "rm -rf src", "s1").denied
    for command in ("echo x >> CLAUDE.md", "git commit --no-verify -m x"):
        checked = rt(repo, "guard", "check", "--", command)
        assert checked.returncode == 2 and "self-protection" in checked.stdout, (command, checked.stdout)


def test_a_patch_to_the_session_config_is_judged_by_its_result(repo: Path) -> None:
    """apply_patch, as a tool or as a shell heredoc the agent's CLI applies itself: the patch is applied
    to the file's text in memory and the result is checked like any edit tool's."""
    from runtime.platforms import get

    _config(repo, "strict")
    codex = get("codex")

    def patch(minus: str, plus: str) -> str:
        return (f"*** Begin Patch\n*** Update File: CLAUDE.md\n@@\n-{minus}\n+{plus}\n*** End Patch\n")

    def judge(payload: dict) -> object:
        call = codex.tool_call(payload)
        ctx = HookContext(repo, "codex", "pre-tool-use", {"cwd": str(repo)}, call, adapter=codex)
        return hooks.judge(ctx)

    weaken = patch("- enforcement: strict", "- enforcement: off")
    harmless = patch("Some notes.", "Some better notes.")
    for text, denied in ((weaken, True), (harmless, False)):
        tool = judge({"tool_name": "apply_patch", "tool_input": {"command": text}})
        shell = judge({"tool_name": "Bash", "tool_input": {"command": f"apply_patch <<'EOF'\n{text}EOF\n"}})
        for decision in (tool, shell):
            assert decision.denied == denied, (text, decision)
            if denied:
                assert decision.rule == "self-protection"
    deleted = judge({"tool_name": "apply_patch", "tool_input": {"command": "*** Begin Patch\n*** Delete File: "
                                                                         "CLAUDE.md\n*** End Patch\n"}})
    assert deleted.denied


def test_the_session_record_keeps_the_values_its_agent_session_started_with(repo: Path) -> None:
    _config(repo, "strict")
    _start(repo, "s1")
    _config(repo, "off", "- allow-destructive-ops: true\n")  # weakened before `session start` runs
    assert rt(repo, "session", "start", "feature").returncode == 0
    record = json.loads((repo / ".orchestrator" / "state" / "session.json").read_text())
    assert record["enforcement"]["enforcement"] == "strict"
    assert record["enforcement"]["allow_destructive_ops"] is False


def test_an_instruction_file_linked_to_another_is_judged_by_what_the_hooks_read(repo: Path) -> None:
    (repo / "AGENTS.md").write_text(CONFIG.format(level="strict"))
    (repo / "CLAUDE.md").symlink_to("AGENTS.md")
    edit = {"file_path": str(repo / "CLAUDE.md"), "old_string": "enforcement: strict", "new_string": "enforcement: off"}
    assert _tool(repo, "Edit", edit).rule == "self-protection"
    assert _bash(repo, "echo '- allow-destructive-ops: true' >> CLAUDE.md").denied


def _sample() -> list[str]:
    from tests.runtime.guards.test_guard import ROWS

    return [row[2] for row in ROWS[::15]] + WEAKENING_COMMANDS[::3] + ["ls", "git status", "echo x > src/new.py"]


def test_guard_check_and_the_hook_agree_on_every_command(repo: Path) -> None:
    """The real hook process and the real `guard check` command, side by side on a sample of the guard's
    corpus and of the weakening routes, with a strict wave running."""
    import os
    import subprocess

    _config(repo, "strict")
    (repo / ".orchestrator" / "state").mkdir(parents=True)
    (repo / ".orchestrator" / "state" / "scope.json").write_text(json.dumps(
        {"session_id": "x", "wave": 2, "role": "Impl", "enforcement": "strict", "allowed": ["src/calc/"]}))
    program = Path(__file__).resolve().parents[3] / "runtime"
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    disagree = []
    for command in _sample():
        payload = {"cwd": str(repo), "tool_name": "Bash", "tool_input": {"command": command}}
        hook = subprocess.run(["python3", str(program), "hook", "claude", "pre-tool-use"], input=json.dumps(payload),
                              capture_output=True, text=True, env=env, cwd=repo)
        answer = json.loads(hook.stdout) if hook.stdout.strip() else {}
        denied = answer.get("hookSpecificOutput", {}).get("permissionDecision") == "deny"
        checked = rt(repo, "guard", "check", "--cwd", str(repo), "--", command)
        if denied != (checked.returncode == 2):
            disagree.append((command, denied, checked.stdout[:200]))
    assert disagree == []
