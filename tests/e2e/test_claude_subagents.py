"""Subagents meet the same guard, with the real Claude Code CLI (pinned version) and the scripted model.

Real: the pinned Claude Code binary, its Agent tool starting the rendered `implementer` subagent, the
project-level hooks in `.claude/settings.json` (the agent definitions carry no hooks of their own), the
vendored runtime, git, the files on disk. Scripted: the model; the subagent's requests are told apart
by a sentence of its own system prompt (the implementer's definition), which the parent never sees.

Each denial is proven by the reason the subagent's model received and by the files on disk.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.fake_model import tool_results
from tests.helpers import git

SUBAGENT_MARKER = "You carry out one task of a session's wave"


def test_a_subagents_destructive_and_out_of_scope_calls_are_denied(rendered_repo: Path, run_claude) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text(encoding="utf-8").replace("- enforcement: warn",
                                                                       "- enforcement: strict"), encoding="utf-8")
    git(rendered_repo, "add", "-A")
    git(rendered_repo, "commit", "-q", "-m", "Add session-orchestrator")
    agent_file = (rendered_repo / ".claude" / "agents" / "implementer.md").read_text(encoding="utf-8")
    assert "hooks" not in agent_file.split("---")[1], "agent definitions must not carry hooks of their own"
    scope = rendered_repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    scope.write_text(json.dumps({"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": "strict",
                                 "allowed": [], "agents": {"implementer": ["src/calc/ops.py"]},
                                 "read_only": False}), encoding="utf-8")
    before = sorted(str(p.relative_to(rendered_repo)) for p in (rendered_repo / "src").rglob("*"))
    outside = rendered_repo / "notes" / "outside.md"

    script = {
        "steps": [{"tool": "Agent", "id": "toolu_parent_agent",
                   "input": {"subagent_type": "implementer", "description": "tidy",
                             "prompt": "Task T2: tidy the tree."}},
                  {"text": "done"}],
        "routes": [{"contains": SUBAGENT_MARKER, "steps": [
            {"tool": "Bash", "id": "toolu_sub_rm", "input": {"command": "rm -rf src"}},
            {"tool": "Write", "id": "toolu_sub_write",
             "input": {"file_path": str(outside), "content": "not in my scope\n"}},
            {"tool": "Bash", "id": "toolu_sub_ok", "input": {"command": "git status --short"}},
            {"text": "STATUS: partial - the guard denied two calls"},
        ]}],
    }
    run = run_claude(rendered_repo, "run wave 2", script)

    assert tool_results(run.requests, "toolu_parent_agent"), run.describe()  # the subagent really ran
    rm = tool_results(run.requests, "toolu_sub_rm")
    assert rm and rm[0]["is_error"] and "rm-recursive-force" in rm[0]["text"], run.describe()
    write = tool_results(run.requests, "toolu_sub_write")
    assert write and write[0]["is_error"], run.describe()
    assert "scope (strict): Blocked" in write[0]["text"] and "for agent implementer" in write[0]["text"], write
    ok = tool_results(run.requests, "toolu_sub_ok")
    assert ok and not ok[0]["is_error"], run.describe()  # the same subagent's ordinary call still runs
    assert sorted(str(p.relative_to(rendered_repo)) for p in (rendered_repo / "src").rglob("*")) == before
    assert not outside.exists()
    # the subagent's calls carried its own session's heartbeat: the guard saw them
    records = list((rendered_repo / ".orchestrator" / "state" / "enforcement" / "claude").glob("*.json"))
    assert records and all("pre-tool-use" in json.loads(p.read_text())["heartbeat"] for p in records)
