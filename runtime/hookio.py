# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Platform hook protocols: turning payloads into ToolCalls and decisions into output.

Only the wire format lives here. Which events and matchers each platform wires
is data in platforms/<name>.yml.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .context import OTHER, READ, SHELL, WRITE, ToolCall
from .decision import ALLOW, DENY, WARN, Decision

_PATCH_FILE_RE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$", re.MULTILINE)

# Native tool name -> kind, per platform family. Claude Code and Codex share one schema.
_TOOL_KINDS = {
    "Bash": SHELL, "Shell": SHELL, "bash": SHELL, "PowerShell": SHELL,
    "Write": WRITE, "Edit": WRITE, "MultiEdit": WRITE, "NotebookEdit": WRITE,
    "apply_patch": WRITE, "write": WRITE, "edit": WRITE, "Delete": WRITE,
    "Read": READ, "Grep": READ, "Glob": READ, "read": READ, "grep": READ, "find": READ, "ls": READ,
}


def tool_call(payload: dict[str, Any]) -> ToolCall:
    name = str(payload.get("tool_name") or payload.get("toolName") or "")
    tool_input = payload.get("tool_input") if "tool_input" in payload else payload.get("input")
    if isinstance(tool_input, str):  # Cursor sends some inputs as JSON strings
        try:
            tool_input = json.loads(tool_input)
        except json.JSONDecodeError:
            tool_input = {"command": tool_input}
    if not isinstance(tool_input, dict):
        tool_input = {}
    kind = _TOOL_KINDS.get(name, OTHER)
    if kind == SHELL:
        command = tool_input.get("command", tool_input.get("cmd"))
        return ToolCall(SHELL, name, tool_input, command=command if isinstance(command, str) else None)
    if kind == WRITE:
        if name == "apply_patch":
            patch = str(tool_input.get("command") or tool_input.get("input") or "")
            paths = [m.group(1) or m.group(2) for m in _PATCH_FILE_RE.finditer(patch)]
        else:
            path = tool_input.get("file_path") or tool_input.get("notebook_path") or tool_input.get("path")
            paths = [path] if isinstance(path, str) and path else []
        return ToolCall(WRITE, name, tool_input, paths=[p.strip() for p in paths])
    return ToolCall(kind, name, tool_input)


def emit(platform: str, event: str, decision: Decision, text: str = "") -> int:
    """Write the decision in the platform's wire format; return the exit code.

    A deny is a JSON `permissionDecision` on stdout with exit 0 (Claude Code and
    Codex both read it; exit 2 would make Claude drop the JSON). A warning
    reaches the agent as `additionalContext` and the user as `systemMessage`.
    """
    if event == "session-start":
        if text:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    if event != "pre-tool-use" or decision.action == ALLOW:
        return 0
    if decision.action == DENY:
        out: dict[str, Any] = {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": decision.reason,
            }
        }
        if platform == "claude":
            out["systemMessage"] = "Blocked: " + decision.reason.splitlines()[0]
    elif decision.action == WARN:
        out = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": decision.reason}}
        if platform == "claude":
            out["systemMessage"] = "Warning: " + decision.reason.splitlines()[0]
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0
