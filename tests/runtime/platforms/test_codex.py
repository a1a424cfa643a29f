"""What is particular to Codex CLI's platform module: patches, the banner's form, and reading trust.

The trust checks read a real `config.toml` in a temporary CODEX_HOME, written in
the shape Codex writes (`[projects."<path>"] trust_level`, `[hooks.state."<key>"]
trusted_hash`); the end-to-end tests in tests/e2e/test_codex_client.py check the
same reading against what the real Codex reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.core.decision import Decision
from runtime.platforms import codex
from runtime.platforms.codex import PLATFORM, trust_checks

HOOK = 'python3 -S "$(git rev-parse --show-toplevel)/.orchestrator/runtime/__main__.py" hook codex {event}'
DATA = {"label": "Codex CLI", "settings_file": ".codex/hooks.json", "hook_command": HOOK, "hook_timeout": 30,
        "hooks": {"SessionStart": [{"matcher": "startup", "event": "session-start"}],
                  "PreToolUse": [{"matcher": "*", "event": "pre-tool-use"}]}}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".codex").mkdir(parents=True)
    (root / ".codex" / "hooks.json").write_text(json.dumps({"hooks": {"Stop": [
        {"hooks": [{"type": "command", "command": "./theirs.sh"}]}]}}))
    PLATFORM.wire(root, DATA, dry_run=False)
    return root


def _home(tmp_path: Path, text: str | None) -> dict[str, str]:
    home = tmp_path / "codex-home"
    home.mkdir(exist_ok=True)
    if text is not None:
        (home / "config.toml").write_text(text, encoding="utf-8")
    return {"CODEX_HOME": str(home)}


def _trusted_project(root: Path) -> str:
    return f'[projects."{root.resolve()}"]\ntrust_level = "trusted"\n'


def _trusted_hooks(root: Path) -> str:
    keys = codex.our_hook_keys(root.resolve(), ".codex/hooks.json")
    assert keys is not None and len(keys) == 2
    return "".join(f'[hooks.state."{key}"]\ntrusted_hash = "sha256:0123"\n' for key in keys)


def test_shell_heredoc_patch_is_a_shell_call_that_names_every_file() -> None:
    command = ("apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.py\n+x\n*** Delete File: b.py\n"
               "*** Update File: c.py\n*** Move to: d/c.py\n@@\n-x\n+y\n*** End Patch\nEOF\n")
    call = PLATFORM.tool_call({"tool_name": "Bash", "tool_input": {"command": command}})
    assert (call.kind, call.command, call.paths) == ("shell", command, ["a.py", "b.py", "c.py", "d/c.py"])


def test_a_shell_call_that_only_mentions_a_patch_names_no_files() -> None:
    call = PLATFORM.tool_call({"tool_name": "Bash", "tool_input": {"command": "grep -n 'Begin Patch' notes.md"}})
    assert call.paths == []


def test_the_banner_is_json_additional_context(capsys: pytest.CaptureFixture[str]) -> None:
    assert PLATFORM.answer("session-start", Decision(), "[session-orchestrator]\nbranch: main") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"hookSpecificOutput": {"hookEventName": "SessionStart",
                                          "additionalContext": "[session-orchestrator]\nbranch: main"}}


def test_answers_never_carry_fields_codex_would_fail_open_on(capsys: pytest.CaptureFixture[str]) -> None:
    PLATFORM.answer("pre-tool-use", Decision("deny", "no", "rule"))
    assert set(json.loads(capsys.readouterr().out)) == {"hookSpecificOutput"}


def test_unwire_removes_a_hooks_file_that_held_only_ours(tmp_path: Path) -> None:
    PLATFORM.wire(tmp_path, DATA, dry_run=False)
    assert "removed" in PLATFORM.unwire(tmp_path, DATA, dry_run=False)
    assert not (tmp_path / ".codex" / "hooks.json").exists()


def test_unwire_keeps_the_users_entries(repo: Path) -> None:
    PLATFORM.unwire(repo, DATA, dry_run=False)
    assert json.loads((repo / ".codex" / "hooks.json").read_text()) == {"hooks": {"Stop": [
        {"hooks": [{"type": "command", "command": "./theirs.sh"}]}]}}


def test_trust_keys_name_our_handlers_where_codex_counts_them(repo: Path) -> None:
    path = repo / ".codex" / "hooks.json"
    assert codex.our_hook_keys(repo, ".codex/hooks.json") == [
        f"{path}:session_start:0:0", f"{path}:pre_tool_use:0:0"]


def test_trusted_project_and_hooks_read_as_ok(repo: Path, tmp_path: Path) -> None:
    env = _home(tmp_path, _trusted_project(repo) + _trusted_hooks(repo))
    checks = trust_checks(repo, DATA, env)
    assert [level for level, _, _ in checks] == ["ok", "ok"], checks


def test_an_untrusted_project_fails_with_the_step_that_fixes_it(repo: Path, tmp_path: Path) -> None:
    env = _home(tmp_path, 'model = "gpt-5"\n')
    (project, hooks) = trust_checks(repo, DATA, env)
    assert project[0] == "fail" and "not trusted" in project[1]
    assert "answer yes when it asks to trust the folder" in project[2]
    assert f'[projects."{repo.resolve()}"] trust_level = "trusted"' in project[2]
    assert hooks[0] == "fail" and "session_start, pre_tool_use" in hooks[1]
    assert "/hooks" in hooks[2]


def test_a_project_marked_untrusted_says_so(repo: Path, tmp_path: Path) -> None:
    env = _home(tmp_path, f'[projects."{repo.resolve()}"]\ntrust_level = "untrusted"\n')
    assert "marked untrusted" in trust_checks(repo, DATA, env)[0][1]


def test_trusted_project_with_unreviewed_hooks_fails_on_the_hooks(repo: Path, tmp_path: Path) -> None:
    env = _home(tmp_path, _trusted_project(repo))
    checks = trust_checks(repo, DATA, env)
    assert [level for level, _, _ in checks] == ["ok", "fail"]


def test_a_disabled_hook_is_not_trusted(repo: Path, tmp_path: Path) -> None:
    env = _home(tmp_path, _trusted_project(repo) + _trusted_hooks(repo).replace(
        'trusted_hash = "sha256:0123"\n', 'trusted_hash = "sha256:0123"\nenabled = false\n', 1))
    assert trust_checks(repo, DATA, env)[1][0] == "fail"


@pytest.mark.parametrize("config", [None, "this is = = not toml\n"], ids=["missing", "unreadable"])
def test_a_missing_or_unreadable_config_is_cannot_tell_never_trusted(config: str | None, repo: Path,
                                                                      tmp_path: Path) -> None:
    checks = trust_checks(repo, DATA, _home(tmp_path, config))
    assert len(checks) == 1
    level, text, fix = checks[0]
    assert level == "warn" and "cannot tell" in text and "/hooks" in fix


def test_codex_home_defaults_to_dot_codex_in_home(tmp_path: Path) -> None:
    assert codex.codex_home({"HOME": str(tmp_path)}) == tmp_path / ".codex"
