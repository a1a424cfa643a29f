"""The walking skeleton, end to end, with the real Claude Code CLI.

Real: the pinned Claude Code binary, the template rendered into a copy of
examples/python-calc, its `.claude/settings.json` hooks, the vendored runtime
they call, git and the files on disk. Scripted: only the model, which issues
the tool calls listed in each test and records every request it receives.

Verified behaviours of Claude Code 2.1.197 and 2.1.332 that these tests pin down:
- `/session feature` in `-p` mode sends the skill body, after its frontmatter and
  with `$ARGUMENTS` replaced, as a text block of the first user message.
- Plain stdout of a SessionStart hook reaches the model as a `role: system`
  message inside `messages`, prefixed `SessionStart:startup hook success:`.
- A PreToolUse `permissionDecision: "deny"` stops the call, and the model's
  tool_result is our `permissionDecisionReason` with `is_error: true` (compared
  with the reason the hook gives when called directly): verbatim up to 2.1.197,
  behind `PreToolUse:Bash hook error: ` in 2.1.332 (`received_reason`).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.fake_model import all_text, first_user_texts, tool_result_text, tool_results, tool_use_id
from tests.e2e.hook_direct import deny_reason, received_reason
from tests.helpers import git


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _skill_body(repo: Path, name: str, arguments: str) -> str:
    """What the user wrote in the rendered skill, as Claude should expand it."""
    text = (repo / ".claude" / "skills" / name / "SKILL.md").read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{name}/SKILL.md has no frontmatter"
    body = text.split("\n---\n", 1)[1]
    return body.replace("$ARGUMENTS", arguments)


def test_session_command_expands_to_our_skill_text(rendered_repo: Path, run_claude) -> None:
    run = run_claude(rendered_repo, "/session feature", {"steps": [{"text": "understood"}]})

    assert run.requests, run.describe()
    expected = _normalise(_skill_body(rendered_repo, "session", "feature"))
    assert len(expected) > 200, "the session skill body is suspiciously short"
    received = _normalise("\n".join(first_user_texts(run.requests)))
    assert expected in received, run.describe()
    assert "$ARGUMENTS" not in received


def test_session_start_banner_reaches_the_model(rendered_repo: Path, run_claude) -> None:
    branch = git(rendered_repo, "branch", "--show-current").strip()
    run = run_claude(rendered_repo, "hello", {"steps": [{"text": "hi"}]})

    assert run.requests, run.describe()
    system_messages = [m for m in run.requests[0]["messages"] if m.get("role") == "system"]
    banner = "\n".join(all_text([{"messages": [m]}]) for m in system_messages)
    assert "[session-orchestrator]" in banner, run.describe()
    assert f"branch: {branch};" in banner
    assert "enforcement: warn" in banner  # the default Session Config, read by the real runtime


def test_destructive_command_is_denied_with_our_reason(rendered_repo: Path, run_claude) -> None:
    before = sorted(p.relative_to(rendered_repo) for p in (rendered_repo / "src").rglob("*") if p.is_file())
    script = {"steps": [{"tool": "Bash", "input": {"command": "rm -rf src"}}, {"text": "stopped"}]}
    run = run_claude(rendered_repo, "clean up", script)

    results = tool_results(run.requests, tool_use_id(0))
    assert len(results) == 1, run.describe()
    assert results[0]["is_error"]
    reason = results[0]["text"]
    # verbatim, behind at most the client's own wrapper
    assert received_reason(reason, "Bash") == deny_reason(rendered_repo, "Bash", {"command": "rm -rf src"})
    assert "session-orchestrator" in reason and "rm-recursive-force" in reason
    after = sorted(p.relative_to(rendered_repo) for p in (rendered_repo / "src").rglob("*") if p.is_file())
    assert before and after == before
    denied = [d["tool_use_id"] for d in run.result.get("permission_denials", [])]
    assert tool_use_id(0) in denied


def test_harmless_command_runs(rendered_repo: Path, run_claude) -> None:
    script = {"steps": [{"tool": "Bash", "input": {"command": "ls"}}, {"text": "listed"}]}
    run = run_claude(rendered_repo, "what is here?", script)

    results = tool_results(run.requests, tool_use_id(0))
    assert len(results) == 1, run.describe()
    assert not results[0]["is_error"]
    listing = tool_result_text(run.requests, tool_use_id(0)).split()
    assert "pyproject.toml" in listing and "src" in listing
    assert not run.result.get("permission_denials")
