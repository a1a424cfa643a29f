# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Nested JSON hooks: the settings format Claude Code and Codex CLI share.

`{"hooks": {"<Event>": [{"matcher": "...", "hooks": [{"type": "command",
"command": "...", "timeout": N}]}]}}`, answered with a `hookSpecificOutput`
object on stdout. Platform modules for agents with this format subclass
`NestedJsonHooks` and fill in their tool names. Wiring the hooks into the settings
file is in `jsonsplice.py`, imported only by `install` and `doctor`: the hook path
reads payloads and answers, and never pays for the splice.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core import quickjson
from ..core.decision import ALLOW, DENY, WARN
from ..core.toolcall import SHELL, WRITE, ToolCall, classify
from . import MARKER, Platform

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar

_PATCH_FILE = r"^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$"  # compiled only for patches


def patch_paths(patch: str) -> list[str]:
    """Every file an apply_patch text touches: added, updated, deleted, and both ends of a move."""
    import re  # here: only a patch needs it

    return [(m.group(1) or m.group(2)).strip() for m in re.finditer(_PATCH_FILE, patch, re.MULTILINE)]


class NestedJsonHooks(Platform):
    """Most of the interface, once, for agents that read nested JSON hooks.

    Subclasses set `tool_kinds` (native tool name -> kind) and may add a
    user-facing `systemMessage` (`system_message = True`).
    """

    tool_kinds: ClassVar[dict[str, str]] = {}
    system_message = False

    def tool_call(self, payload: dict[str, Any]) -> ToolCall:
        name = str(payload.get("tool_name") or "")
        tool_input = payload.get("tool_input")
        if not isinstance(tool_input, dict):
            tool_input = {}
        if name == "apply_patch" and self.tool_kinds.get(name) == WRITE:
            paths = patch_paths(str(tool_input.get("command") or tool_input.get("input") or ""))
            return ToolCall(WRITE, name, tool_input, paths=[p.strip() for p in paths])
        return classify(self.tool_kinds, name, tool_input, ("file_path", "notebook_path", "path"), ("command", "cmd"))

    def answer(self, event: str, decision: Any, text: str = "") -> int:
        """A deny is a JSON `permissionDecision` on stdout with exit 0 (exit 2 would make the agent
        drop the JSON); a warning reaches the agent as `additionalContext`. The banner is plain text."""
        if event == "session-start":
            if text:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return 0
        if event != "pre-tool-use" or decision.action == ALLOW:
            return 0
        out: dict[str, Any]
        if decision.action == DENY:
            out = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                          "permissionDecisionReason": decision.reason}}
        elif decision.action == WARN:
            out = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": decision.reason}}
        else:
            return 0
        if self.system_message:
            out["systemMessage"] = decision.headline
        sys.stdout.write(quickjson.dumps(out) + "\n")
        sys.stdout.flush()
        return 0

    def denies(self, stdout: str, returncode: int) -> bool:
        return returncode == 0 and '"permissionDecision": "deny"' in stdout

    def wire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        from .jsonsplice import write_settings

        return write_settings(root, data, dry_run)

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        from .jsonsplice import write_settings

        return write_settings(root, {**data, "hooks": {}}, dry_run)

    def missing_hooks(self, root: Path, data: dict[str, Any]) -> list[str] | None:
        try:
            wired = quickjson.loads((root / data["settings_file"]).read_text(encoding="utf-8")).get("hooks", {})
            return [event for event in data.get("hooks", {})
                    if not any(MARKER in str(h.get("command", ""))
                               for group in wired.get(event, []) for h in group.get("hooks", []))]
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return None

    def probe(self, command: str) -> dict[str, Any]:
        shell = next((name for name, kind in self.tool_kinds.items() if kind == SHELL), "")
        return {"session_id": "doctor-probe", "tool_name": shell, "tool_input": {"command": command}}
