"""Cursor's hooks, run the way Cursor runs them, on the payloads Cursor documents.

Cursor cannot be pointed at a local scripted model (every request goes to its own
backend), so no real Cursor runs here: that part is replaced, and only that part.
The payloads in tests/fixtures/payloads/cursor/ stand in for Cursor's stdin; they
are written field for field from Cursor's hooks documentation, not captured from a
running Cursor. Everything else is real: the template rendered by `copier copy`,
the `.cursor/hooks.json` its install step wrote, each entry's `command` string run
exactly as written there through `sh -c` from the repository root (where Cursor
runs project hooks) with the variables Cursor sets (`CURSOR_PROJECT_DIR`,
`CURSOR_VERSION`, and its `CLAUDE_PROJECT_DIR` alias), and the vendored runtime.
An entry's `matcher` is applied to the payload's tool name as Cursor would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, commit_all, copy_example, render

FIXTURES = ROOT / "tests" / "fixtures" / "payloads" / "cursor"
PLACEHOLDER = "/home/user/proj"
CURSOR_VERSION = "2.4.21"


def payload(repo: Path, name: str, **changes: Any) -> dict[str, Any]:
    """A documented payload with the placeholder project replaced by `repo`."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8").replace(PLACEHOLDER, str(repo)))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def cursor_env(repo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SO_PROJECT_DIR", "CLAUDE_PROJECT_DIR")}
    return {**env, "CURSOR_PROJECT_DIR": str(repo), "CURSOR_VERSION": CURSOR_VERSION,
            "CLAUDE_PROJECT_DIR": str(repo)}


def hooks_file(repo: Path) -> dict[str, Any]:
    return json.loads((repo / ".cursor" / "hooks.json").read_text(encoding="utf-8"))


def entries_for(repo: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The hooks.json entries Cursor would run for this payload: its event, and a matcher (if any)
    that matches the tool name."""
    entries = hooks_file(repo)["hooks"].get(data["hook_event_name"], [])
    tool = data.get("tool_name")
    return [e for e in entries if not e.get("matcher") or tool is None or re.fullmatch(e["matcher"], tool)]


def run_command(repo: Path, command: str, data: dict[str, Any],
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], cwd=repo, input=json.dumps(data), capture_output=True, text=True,
                          env=env or cursor_env(repo), timeout=60)


def cursor_answer(repo: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Run the one entry Cursor would run for `data` and read its JSON answer (exit 0, as documented)."""
    entries = entries_for(repo, data)
    assert len(entries) == 1, f"expected one of our entries for {data['hook_event_name']}, got {entries}"
    result = run_command(repo, entries[0]["command"], data)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert isinstance(answer, dict)
    return answer


def set_scope(repo: Path, allowed: list[str]) -> None:
    """An active Impl-Core wave, in the shape `wave start` writes."""
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "strict",
                                 "allowed": allowed, "read_only": False}), encoding="utf-8")


@pytest.fixture(scope="module")
def strict_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = render(copy_example(tmp_path_factory.mktemp("cursor") / "calc"), platforms=["cursor"],
                  enforcement="strict")
    commit_all(repo, "add session-orchestrator for Cursor")
    return repo


def test_every_wired_event_has_a_documented_payload_and_gets_json_back(strict_repo: Path) -> None:
    names = [p.stem for p in sorted(FIXTURES.glob("*.json")) if p.name != "expected.json"]
    fixtures = {name: payload(strict_repo, name, conversation_id=f"every-{name}") for name in names}
    wired = hooks_file(strict_repo)["hooks"]
    assert set(wired) == {"sessionStart", "beforeShellExecution", "preToolUse"}
    for event in wired:
        mine = [data for data in fixtures.values() if data["hook_event_name"] == event]
        assert mine, f"no documented payload for {event}"
        for data in mine:
            for entry in entries_for(strict_repo, data):
                result = run_command(strict_repo, entry["command"], data)
                assert result.returncode == 0, (event, result.stderr)
                assert isinstance(json.loads(result.stdout), dict), (event, result.stdout)


def test_the_destructive_guard_denies_rm_rf_before_the_shell_runs_it(strict_repo: Path) -> None:
    answer = cursor_answer(strict_repo, payload(strict_repo, "shell-destructive"))
    assert answer["permission"] == "deny"
    assert answer["user_message"] == "session-orchestrator blocked this command (rule rm-recursive-force)."
    assert "rule rm-recursive-force" in answer["agent_message"]
    assert "Segment: rm -rf src" in answer["agent_message"]


def test_a_wrapped_destructive_command_is_denied_and_a_message_naming_one_is_not(strict_repo: Path) -> None:
    wrapped = cursor_answer(strict_repo, payload(strict_repo, "shell-destructive", command='bash -c "rm -rf src"'))
    assert wrapped["permission"] == "deny"
    harmless = cursor_answer(strict_repo, payload(strict_repo, "shell-destructive",
                                                 command='git commit --allow-empty -m "fix rm -rf handling"'))
    assert harmless == {"permission": "allow", "decision": "allow"}


def test_a_safe_command_is_allowed_with_json(strict_repo: Path) -> None:
    """An allow is JSON too: a `failClosed` entry would treat empty output as a failure and block."""
    answer = cursor_answer(strict_repo, payload(strict_repo, "shell-safe", conversation_id="safe-allow"))
    assert answer == {"permission": "allow", "decision": "allow"}


@pytest.mark.parametrize(("fixture", "target"), [("write", "docs/notes.md"), ("edit", "README.md"),
                                                 ("delete", "src/calc/__init__.py")])
def test_strict_scope_denies_an_edit_outside_the_wave_before_it_happens(strict_repo: Path, fixture: str,
                                                                         target: str) -> None:
    """preToolUse runs before the tool: a deny here means the file is never written."""
    set_scope(strict_repo, ["src/calc/ops.py"])
    try:
        data = payload(strict_repo, fixture, conversation_id=f"scope-{fixture}",
                       tool_input={"file_path": str(strict_repo / target)})
        answer = cursor_answer(strict_repo, data)
        inside = cursor_answer(strict_repo, payload(strict_repo, fixture, conversation_id=f"scope-in-{fixture}",
                                                    tool_input={"file_path": "src/calc/ops.py"}))
    finally:
        (strict_repo / ".orchestrator" / "state" / "scope.json").unlink()
    assert answer["permission"] == "deny" and answer["decision"] == "deny"
    assert "scope" in answer["agent_message"] and target in answer["agent_message"]
    assert inside == {"permission": "allow", "decision": "allow"}


def test_the_loop_guard_denies_the_third_identical_call(strict_repo: Path) -> None:
    """Nothing was written between the three calls, so the third would give the same result."""
    data = payload(strict_repo, "shell-safe", conversation_id="loop-1")
    answers = [cursor_answer(strict_repo, data) for _ in range(3)]
    assert answers[:2] == [{"permission": "allow", "decision": "allow"}] * 2
    assert answers[2]["permission"] == "deny"
    assert "loop guard" in answers[2]["agent_message"]


def test_the_banner_reaches_the_agent_at_session_start(strict_repo: Path) -> None:
    answer = cursor_answer(strict_repo, payload(strict_repo, "session-start"))
    assert answer["continue"] is True
    banner = answer["additional_context"]
    assert banner.startswith("[session-orchestrator]")
    assert "enforcement: strict" in banner
    assert "branch: main" in banner


def test_failclosed_on_the_blocking_entries_under_strict_only(strict_repo: Path, tmp_path: Path) -> None:
    hooks = hooks_file(strict_repo)["hooks"]
    assert all(e.get("failClosed") is True for event in ("beforeShellExecution", "preToolUse") for e in hooks[event])
    assert all("failClosed" not in e for e in hooks["sessionStart"]), "a banner must never stop a session"
    warn = render(copy_example(tmp_path / "warn"), platforms=["cursor"], enforcement="warn")
    assert all("failClosed" not in e for entries in hooks_file(warn)["hooks"].values() for e in entries)


def test_edits_are_judged_by_the_event_that_can_block_them(strict_repo: Path) -> None:
    """Cursor's preToolUse runs before a tool and can deny it; afterFileEdit runs after the edit and
    cannot. Every edit tool Cursor names must reach the blocking event, none the after-the-fact one."""
    from runtime.platforms.cursor import PLATFORM

    hooks = hooks_file(strict_repo)["hooks"]
    assert "afterFileEdit" not in hooks
    matcher = hooks["preToolUse"][0]["matcher"]
    edit_tools = [name for name, kind in PLATFORM.tool_kinds.items() if kind == "write"]
    assert edit_tools and all(re.fullmatch(matcher, name) for name in edit_tools)
    assert not re.fullmatch(matcher, "Shell"), "shell calls go through beforeShellExecution only: one guard each"


def test_a_runtime_that_cannot_run_still_denies_a_destructive_command(strict_repo: Path, tmp_path: Path) -> None:
    """The fallback answers through Cursor's module too, in Cursor's JSON."""
    repo = render(copy_example(tmp_path / "broken"), platforms=["cursor"], enforcement="warn")
    hooks_py = repo / ".orchestrator" / "runtime" / "hookpath" / "hooks.py"
    hooks_py.write_text("<<<<<<< ours\n" + hooks_py.read_text(encoding="utf-8"), encoding="utf-8")
    answer = cursor_answer(repo, payload(repo, "shell-destructive"))
    assert answer["permission"] == "deny"
    assert "cannot run" in answer["agent_message"]


# --- Claude Code and Cursor both selected: Cursor may run Claude's hooks too (third-party hooks) ---


def claude_command(repo: Path, event: str) -> str:
    settings = json.loads((repo / ".claude" / "settings.json").read_text(encoding="utf-8"))
    commands = [h["command"] for group in settings["hooks"][event] for h in group["hooks"]
                if ".orchestrator/runtime" in h["command"]]
    assert len(commands) == 1
    return commands[0]


def claude_denies(stdout: str) -> bool:
    return json.loads(stdout)["hookSpecificOutput"]["permissionDecision"] == "deny" if stdout.strip() else False


@pytest.fixture(scope="module")
def both_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = render(copy_example(tmp_path_factory.mktemp("both") / "calc"), platforms=["claude", "cursor"],
                  enforcement="strict")
    commit_all(repo, "add session-orchestrator for Claude Code and Cursor")
    return repo


def shell_as_pre_tool_use(repo: Path, command: str, conversation: str) -> dict[str, Any]:
    """The preToolUse payload Cursor sends for a shell call (what reaches Claude's PreToolUse hook)."""
    return payload(repo, "read", conversation_id=conversation, tool_name="Shell", tool_input={"command": command})


def test_inside_cursor_one_guard_judges_a_destructive_command(both_repo: Path) -> None:
    """Cursor with the third-party hooks setting on runs Claude's PreToolUse hook (for the preToolUse
    of the shell tool) and its own beforeShellExecution hook: exactly one of them judges."""
    claude = run_command(both_repo, claude_command(both_repo, "PreToolUse"),
                         shell_as_pre_tool_use(both_repo, "rm -rf src", "one-guard"))
    assert claude.returncode == 0 and claude.stdout == "", claude.stdout
    assert cursor_answer(both_repo, payload(both_repo, "shell-destructive"))["permission"] == "deny"


def test_inside_cursor_one_banner_reaches_the_agent(both_repo: Path) -> None:
    data = payload(both_repo, "session-start")
    claude = run_command(both_repo, claude_command(both_repo, "SessionStart"), data)
    assert claude.returncode == 0 and claude.stdout == ""
    assert cursor_answer(both_repo, data)["additional_context"].startswith("[session-orchestrator]")


def test_inside_cursor_the_loop_guard_counts_each_call_once(both_repo: Path) -> None:
    """Both hooks fire for each of three identical calls; had both recorded it, the second call
    would already look like the third."""
    answers = []
    for _ in range(3):
        claude = run_command(both_repo, claude_command(both_repo, "PreToolUse"),
                             shell_as_pre_tool_use(both_repo, "git status --short", "loop-once"))
        assert claude.stdout == ""
        answers.append(cursor_answer(both_repo, payload(both_repo, "shell-safe", conversation_id="loop-once")))
    assert ["agent_message" in a for a in answers] == [False, False, True]


def test_claude_code_itself_keeps_its_guard_when_a_cursor_variable_leaks_into_its_environment(
        both_repo: Path) -> None:
    """Claude Code started in a terminal inside Cursor may inherit CURSOR_VERSION; its own payload
    carries no Cursor field, so its hook still judges."""
    data = json.loads((ROOT / "tests/fixtures/payloads/claude/bash.json").read_text(encoding="utf-8")
                      .replace(PLACEHOLDER, str(both_repo)))
    result = run_command(both_repo, claude_command(both_repo, "PreToolUse"), data)
    assert claude_denies(result.stdout), result.stdout


def test_without_cursor_hooks_the_claude_hook_guards_inside_cursor(tmp_path: Path) -> None:
    """Only Claude Code selected, Cursor opened with the third-party hooks setting: Claude's hook is
    the only guard there, so it judges Cursor's calls rather than standing aside."""
    repo = render(copy_example(tmp_path / "calc"), platforms=["claude"], enforcement="strict")
    assert not (repo / ".cursor").exists()
    result = run_command(repo, claude_command(repo, "PreToolUse"), shell_as_pre_tool_use(repo, "rm -rf src", "solo"))
    assert claude_denies(result.stdout), result.stdout
