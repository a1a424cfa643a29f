"""A `test-writer` dispatched in a real Quality wave under strict scope, with the real Claude Code, Codex CLI
and Pi CLIs (pinned versions) against the scripted model.

Real: the template rendered for each agent, the vendored runtime walking the session to the Quality
wave and writing its scope (tests/e2e/quality_wave.py), each CLI's own way of dispatching the agent
(Claude Code's Agent tool starting the rendered `.claude/agents/test-writer.md`; Codex's
`multi_agent_v1.spawn_agent` starting the rendered `.codex/agents/test-writer.toml` as a role; Pi, which has no
subagents, reading the rendered `.pi/skills/test-writer/SKILL.md` as its `/go` text says), the hooks,
git and the files on disk. Scripted: the model's requests. What is asserted is what the CLI did: the
files on disk and the denial in the tool result the client sent back to the model.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.fake_model import tool_result_text, tool_results, tool_use_id
from tests.e2e.quality_wave import OUTSIDE, TEST_BODY, TEST_FILE, TEST_WRITER_MARKER, start_quality_wave
from tests.helpers import commit_all, copy_example, render


def test_claude_dispatches_a_test_writer_that_writes_its_test_and_is_denied_outside_its_scope(
        rendered_repo: Path, run_claude) -> None:
    commit_all(rendered_repo, "Add session-orchestrator")
    agent = (rendered_repo / ".claude" / "agents" / "test-writer.md").read_text(encoding="utf-8")
    assert agent.startswith("---\nname: test-writer\n") and TEST_WRITER_MARKER in agent
    start_quality_wave(rendered_repo, "CLAUDE.md")
    outside_before = (rendered_repo / OUTSIDE).read_bytes()
    script = {
        "steps": [{"tool": "Agent", "id": "toolu_parent_agent",
                   "input": {"subagent_type": "test-writer", "description": "T4a",
                             "prompt": f"Task T4a: test squaring with multiply. Scope: {TEST_FILE}"}},
                  {"text": "wave 4 dispatched"}],
        "routes": [{"contains": TEST_WRITER_MARKER, "steps": [
            {"tool": "Write", "id": "toolu_tw_test",
             "input": {"file_path": str(rendered_repo / TEST_FILE), "content": TEST_BODY}},
            {"tool": "Write", "id": "toolu_tw_outside",
             "input": {"file_path": str(rendered_repo / OUTSIDE), "content": "def multiply(a, b):\n    return 0\n"}},
            {"text": "STATUS: partial - wrote the test; ops.py is outside my scope"},
        ]}],
    }
    run = run_claude(rendered_repo, "run wave 4", script)

    assert tool_results(run.requests, "toolu_parent_agent"), run.describe()  # the subagent really ran
    wrote = tool_results(run.requests, "toolu_tw_test")
    assert wrote and not wrote[0]["is_error"], run.describe()
    assert (rendered_repo / TEST_FILE).read_text(encoding="utf-8") == TEST_BODY
    denied = tool_results(run.requests, "toolu_tw_outside")
    assert denied and denied[0]["is_error"], run.describe()
    assert "scope (strict): Blocked" in denied[0]["text"] and "for agent test-writer" in denied[0]["text"], denied
    assert OUTSIDE in denied[0]["text"]
    assert (rendered_repo / OUTSIDE).read_bytes() == outside_before


def test_pi_runs_the_test_writer_skill_itself_and_is_denied_outside_its_scope(tmp_path: Path, run_pi) -> None:
    repo = render(copy_example(tmp_path / "calc"), platforms=["pi"])
    commit_all(repo, "Add session-orchestrator for Pi")
    go = (repo / ".pi" / "prompts" / "go.md").read_text(encoding="utf-8")
    assert "Pi has no subagents" in go and "`.pi/skills/<agent>/SKILL.md`" in go  # how dispatch happens on Pi
    start_quality_wave(repo, "AGENTS.md")
    outside_before = (repo / OUTSIDE).read_bytes()
    run = run_pi(repo, "run wave 4", {"steps": [
        {"tool": "read", "input": {"path": ".pi/skills/test-writer/SKILL.md"}},
        {"tool": "write", "input": {"path": TEST_FILE, "content": TEST_BODY}},
        {"tool": "write", "input": {"path": OUTSIDE, "content": "def multiply(a, b):\n    return 0\n"}},
        {"text": "STATUS: partial - wrote the test; ops.py is outside my scope"}]})

    skill = tool_results(run.requests, tool_use_id(0))
    assert skill and TEST_WRITER_MARKER in skill[0]["text"], run.describe()  # the rendered skill Pi read
    wrote = tool_results(run.requests, tool_use_id(1))
    assert wrote and "Blocked" not in wrote[0]["text"], run.describe()
    assert (repo / TEST_FILE).read_text(encoding="utf-8") == TEST_BODY
    denied = tool_results(run.requests, tool_use_id(2))
    assert denied and "scope (strict): Blocked" in denied[0]["text"] and OUTSIDE in denied[0]["text"], run.describe()
    assert (repo / OUTSIDE).read_bytes() == outside_before


def _codex_patch(header: str, lines: list[str]) -> str:
    """An apply_patch call as the model makes it through Codex's shell; Codex intercepts and applies it."""
    body = "\n".join(lines)
    return f"apply_patch <<'PATCH'\n*** Begin Patch\n*** {header}\n{body}\n*** End Patch\nPATCH\n"


def test_codex_spawns_the_test_writer_role_which_writes_its_test_and_is_denied_outside_its_scope(
        tmp_path: Path, codex_bin: Path, run_codex) -> None:
    """Codex is trusted the way a user trusts it (project, then each hook's hash); no bypass flag."""
    from tests.e2e.runners import trust_like_a_user

    repo = render(copy_example(tmp_path / "calc"), platforms=["codex"])
    commit_all(repo, "Add session-orchestrator for Codex CLI")
    role = (repo / ".codex" / "agents" / "test-writer.toml").read_text(encoding="utf-8")
    assert 'name = "test-writer"' in role and TEST_WRITER_MARKER in role and "sandbox_mode" not in role
    start_quality_wave(repo, "AGENTS.md")
    home = tmp_path / "user-home" / ".codex"
    trust_like_a_user(codex_bin, home, repo)
    outside_before = (repo / OUTSIDE).read_bytes()
    first = outside_before.decode().splitlines()[0]
    add = _codex_patch(f"Add File: {TEST_FILE}", ["+" + line for line in TEST_BODY.splitlines()])
    edit = _codex_patch(f"Update File: {OUTSIDE}", ["@@", "-" + first, "+# not mine"])
    # the parent waits for the subagent's last file on disk, then a moment for its last report
    wait = f"for i in $(seq 1 120); do [ -f {TEST_FILE} ] && break; sleep 0.5; done; sleep 4"
    script = {
        "steps": [{"tool": "spawn_agent", "namespace": "multi_agent_v1", "id": "call_spawn",
                   "input": {"agent_type": "test-writer",
                             "message": f"Task T4a: test squaring with multiply. Scope: {TEST_FILE}"}},
                  {"shell": wait}, {"text": "wave 4 dispatched"}],
        "routes": [{"contains": TEST_WRITER_MARKER, "steps": [
            {"shell": edit, "id": "call_tw_outside"},
            {"shell": add, "id": "call_tw_test"},
            {"text": "STATUS: partial - wrote the test; ops.py is outside my scope"}]}],
    }
    run = run_codex(repo, "run wave 4", script, trust_project=False, trust_hooks=False, codex_home=home)

    spawned = tool_result_text(run.requests, "call_spawn")
    assert '"agent_id"' in spawned, run.describe()  # Codex started the role
    denied = tool_result_text(run.requests, "call_tw_outside")
    assert "Command blocked by PreToolUse hook" in denied, run.describe()
    assert "scope (strict): Blocked" in denied and "for agent test-writer" in denied and OUTSIDE in denied, denied
    assert (repo / OUTSIDE).read_bytes() == outside_before
    assert (repo / TEST_FILE).read_text(encoding="utf-8") == TEST_BODY, run.describe()
    assert "blocked" not in tool_result_text(run.requests, "call_tw_test").lower()
