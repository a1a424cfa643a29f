"""The harness against the real Codex CLI: `codex exec` driven by the scripted fake model.

Real: the pinned Codex binary, its project hooks (a hand-written Python hook in
the test's own repository, not our runtime), its skill discovery, git and the
files on disk. Scripted: only the model, over the OpenAI Responses wire.

Codex exits 0 even when a hook blocked a command, so every test asserts on
files and on what the model was sent.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.e2e.fake_model import all_text, tool_result_text, tool_use_id
from tests.helpers import init_repo

# Denies any command that mentions BLOCKME, after writing down the payload Codex sent it.
_DENY_HOOK = textwrap.dedent('''\
    import json, sys
    payload = json.load(sys.stdin)
    with open(".codex/hooks/seen.jsonl", "a") as log:
        log.write(json.dumps(payload) + "\\n")
    if "BLOCKME" in payload.get("tool_input", {}).get("command", ""):
        sys.stderr.write("DENIED_BY_TEST_HOOK: BLOCKME commands are not allowed")
        sys.exit(2)
    ''')


def _offered_tools(request: dict) -> list[str]:
    return [t.get("name", "") for t in request.get("tools", [])]


def test_shell_call_runs_and_its_output_reaches_the_model(tmp_path: Path, run_codex) -> None:
    repo = init_repo(tmp_path / "repo")
    run = run_codex(repo, "make the file", {"steps": [
        {"shell": "echo hello > out.txt && echo SHELL_OUTPUT_MARKER"}, {"text": "done"}]})
    assert (repo / "out.txt").read_text() == "hello\n", run.describe()
    assert "exec_command" in _offered_tools(run.requests[0])
    output = tool_result_text(run.requests, tool_use_id(0))
    assert "SHELL_OUTPUT_MARKER" in output, run.describe()
    assert "Process exited with code 0" in output
    assert any(e.get("type") == "turn.completed" for e in run.events), run.describe()


def _repo_with_deny_hook(repo: Path) -> Path:
    (repo / ".codex" / "hooks").mkdir(parents=True)
    (repo / ".codex" / "hooks" / "deny.py").write_text(_DENY_HOOK)
    hooks = {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "python3 .codex/hooks/deny.py"}]}]}}
    (repo / ".codex" / "hooks.json").write_text(json.dumps(hooks))
    (repo / "keep.txt").write_text("precious\n")
    return init_repo(repo)


def test_project_pre_tool_use_hook_denies_and_the_reason_reaches_the_model(tmp_path: Path, run_codex) -> None:
    repo = _repo_with_deny_hook(tmp_path / "repo")
    # `rm` without -f: Codex's own safety layer lets it through, so only the hook can stop it.
    run = run_codex(repo, "clean up", {"steps": [
        {"shell": "echo BLOCKME && rm keep.txt"}, {"shell": "echo allowed > allowed.txt"}, {"text": "done"}]})
    assert (repo / "keep.txt").read_text() == "precious\n", run.describe()
    assert (repo / "allowed.txt").exists(), "the hook must stop only what it denies\n" + run.describe()
    blocked = tool_result_text(run.requests, tool_use_id(0))
    assert "Command blocked by PreToolUse hook" in blocked, run.describe()
    assert "DENIED_BY_TEST_HOOK: BLOCKME commands are not allowed" in blocked
    seen = [json.loads(line) for line in (repo / ".codex" / "hooks" / "seen.jsonl").read_text().splitlines()]
    # exec_command{cmd} is reported to hooks in Claude's shape: tool Bash, input {command}
    assert seen[0]["hook_event_name"] == "PreToolUse"
    assert seen[0]["tool_name"] == "Bash"
    assert seen[0]["tool_input"] == {"command": "echo BLOCKME && rm keep.txt"}
    assert len(seen) == 2


@pytest.mark.parametrize("gate", ["trust_project", "trust_hooks"])
def test_a_closed_trust_gate_skips_project_hooks_silently(gate: str, tmp_path: Path, run_codex) -> None:
    """Pins the trap users fall into: with either gate closed the hook never runs and the command does."""
    repo = _repo_with_deny_hook(tmp_path / "repo")
    run = run_codex(repo, "clean up", {"steps": [{"shell": "echo BLOCKME && rm keep.txt"}, {"text": "done"}]},
                    **{gate: False})
    assert not (repo / ".codex" / "hooks" / "seen.jsonl").exists(), run.describe()
    assert not (repo / "keep.txt").exists(), run.describe()
    assert "blocked" not in tool_result_text(run.requests, tool_use_id(0))
    assert run.returncode == 0


def test_agents_md_and_skill_are_sent_and_dollar_mention_injects_the_skill(tmp_path: Path, run_codex) -> None:
    repo = tmp_path / "repo"
    skill = repo / ".agents" / "skills" / "zebra-notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: zebra-notes\ndescription: ZEBRA_DESCRIPTION_MARKER keeps striped notes\n---\n\n"
        "ZEBRA_BODY_MARKER: write the notes in stripes. ARGS=[$ARGUMENTS]\n")
    (repo / "AGENTS.md").write_text("AGENTS_MD_MARKER: run the tests before you commit.\n")
    init_repo(repo)

    listed = run_codex(repo, "hello", {"steps": [{"text": "done"}]})
    assert "# AGENTS.md instructions for" in all_text(listed.requests), listed.describe()
    assert "AGENTS_MD_MARKER: run the tests before you commit." in all_text(listed.requests)
    sent = json.dumps(listed.requests[0])
    assert "zebra-notes" in sent and "ZEBRA_DESCRIPTION_MARKER keeps striped notes" in sent, listed.describe()
    assert "ZEBRA_BODY_MARKER" not in sent  # bodies are not sent up front

    invoked = run_codex(repo, "$zebra-notes please", {"steps": [{"text": "done"}]})
    text = all_text(invoked.requests)
    assert "$zebra-notes please" in text, invoked.describe()
    # The whole file (frontmatter too) arrives in a <skill> message; arguments are not substituted.
    assert "<skill>\n<name>zebra-notes</name>" in text, invoked.describe()
    assert "ZEBRA_BODY_MARKER: write the notes in stripes. ARGS=[$ARGUMENTS]" in text, invoked.describe()


def test_custom_prompt_is_not_expanded_by_codex_exec(tmp_path: Path, run_codex) -> None:
    """Pins a limit the platform rendering must design around: `/name` stays literal in `codex exec`."""
    repo = tmp_path / "repo"
    (repo / ".codex" / "prompts").mkdir(parents=True)
    (repo / ".codex" / "prompts" / "tidy.md").write_text("PROMPT_BODY_MARKER: tidy $ARGUMENTS\n")
    init_repo(repo)
    run = run_codex(repo, "/tidy now", {"steps": [{"text": "done"}]})
    text = all_text(run.requests)
    assert "/tidy now" in text, run.describe()
    assert "PROMPT_BODY_MARKER" not in text


def test_codex_refuses_rm_rf_on_its_own(tmp_path: Path, run_codex) -> None:
    """Why hook tests block a marker command: Codex's built-in policy already stops `rm -rf`, hook or not."""
    repo = tmp_path / "repo"
    (repo / "doomed").mkdir(parents=True)
    (repo / "doomed" / "file.txt").write_text("still here\n")
    init_repo(repo)
    run = run_codex(repo, "clean up", {"steps": [{"shell": "rm -rf doomed"}, {"text": "done"}]})
    assert (repo / "doomed" / "file.txt").read_text() == "still here\n", run.describe()
    assert "rm -f style commands are not permitted" in tool_result_text(run.requests, tool_use_id(0)), run.describe()
