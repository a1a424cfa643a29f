"""Ask the repository's own hook what it decides, without any agent in between.

The e2e tests compare this with what the model received through Claude Code,
which proves the reason travels verbatim, without hard-coding its wording.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any


def pre_tool_use(repo: Path, tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """The hook's JSON answer for one tool call ({} when it allows silently)."""
    payload = {"session_id": "direct", "cwd": str(repo), "hook_event_name": "PreToolUse",
               "permission_mode": "bypassPermissions", "tool_name": tool, "tool_input": tool_input,
               "tool_use_id": "toolu_direct"}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
           "CLAUDE_PROJECT_DIR": str(repo)}
    out = subprocess.run(["python3", str(repo / ".orchestrator" / "runtime"), "hook", "claude", "pre-tool-use"],
                         cwd=repo, input=json.dumps(payload), capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout) if out.stdout.strip() else {}


def deny_reason(repo: Path, tool: str, tool_input: dict[str, Any]) -> str:
    """The `permissionDecisionReason` our hook gives for this call; fails if it does not deny."""
    answer = pre_tool_use(repo, tool, tool_input).get("hookSpecificOutput", {})
    assert answer.get("permissionDecision") == "deny", f"the hook does not deny {tool} {tool_input}: {answer}"
    return str(answer["permissionDecisionReason"])


def received_reason(text: str, tool: str) -> str:
    """Our reason as the model got it through Claude Code, with the client's own wrapper taken off.

    Claude Code up to 2.1.197 hands the model a PreToolUse denial's reason verbatim; later
    versions put `PreToolUse:<tool> hook error: ` before it. Only that exact wrapper, naming the
    tool that was denied, is taken off: anything else the client adds still fails the comparison.
    """
    wrapper = f"PreToolUse:{tool} hook error: "
    return text[len(wrapper):] if text.startswith(wrapper) else text
