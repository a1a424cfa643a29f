# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Cursor (the IDE's agent and `cursor-agent`): flat JSON hooks in `.cursor/hooks.json`.

Events and payloads, as Cursor documents them:
- `beforeShellExecution`: `command` and `cwd` at the top level (no tool name);
  it runs before every shell command and can deny it.
- `preToolUse`: `tool_name`, `tool_input`, `tool_use_id`, `cwd`; it runs before
  the tool and can deny it, so an edit (`Write`, `StrReplace`, `Delete`, ...) is
  judged BEFORE the file changes. `afterFileEdit` only reports an edit already
  made (it cannot block) and is not wired.
- `sessionStart`: `session_id`, `is_background_agent`, `composer_mode`; the
  banner goes back as `additional_context`.
Every payload also carries `conversation_id`, `generation_id`, `hook_event_name`,
`cursor_version` and `workspace_roots`; `$CURSOR_PROJECT_DIR` names the project.

Answers are JSON on stdout with exit 0, including an allow: an entry marked
`failClosed` treats output that is not JSON as a failure and blocks. A deny says
`permission: deny` (what `beforeShellExecution` reads) and `decision: deny`
(what one copy of the `preToolUse` documentation names), with a one-line
`user_message` for the person and the full reason as `agent_message`.

Cursor can also run Claude Code's hooks from `.claude/settings.json` (the
third-party hooks setting). `hosts()` tells the Claude module when a call is one
Cursor's own hooks already judge, so one tool call meets one guard.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core import quickjson
from ..core.decision import DENY, WARN
from ..core.toolcall import DISPATCH, READ, SHELL, WRITE, ToolCall, classify
from . import headless_result, last_result
from .flatjsonhooks import FlatJsonHooks

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar

_SHELL_EVENT = "beforeShellExecution"


def _message(out: str) -> dict[str, Any] | None:
    try:
        answer = quickjson.loads(out.strip().splitlines()[-1]) if out.strip() else None
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


class Cursor(FlatJsonHooks):
    name = "cursor"
    project_env = ("CURSOR_PROJECT_DIR",)
    settings_files = (".cursor/hooks.json",)
    user_settings_files = ("~/.cursor/hooks.json",)
    delete_tools = ("Delete",)
    instruction_files = ("AGENTS.md",)
    # Tool names in `preToolUse` (its matcher's tool types, and the edit tools' own names).
    tool_kinds: ClassVar[dict[str, str]] = {
        "Shell": SHELL,
        "Write": WRITE, "StrReplace": WRITE, "Edit": WRITE, "MultiEdit": WRITE, "Delete": WRITE,
        "Read": READ, "Grep": READ, "Glob": READ,
        "Task": DISPATCH,  # starting a subagent: a tripped circuit breaker refuses it
    }

    # --- reading a payload ------------------------------------------------------------------------
    def tool_call(self, payload: dict[str, Any]) -> ToolCall:
        if payload.get("hook_event_name") == _SHELL_EVENT or ("command" in payload and "tool_name" not in payload):
            command = payload.get("command")
            return ToolCall(SHELL, "Shell", {"command": command}, command=command if isinstance(command, str) else None)
        name = str(payload.get("tool_name") or "")
        tool_input = payload.get("tool_input")
        if isinstance(tool_input, str):  # MCP calls pass their input as a JSON string
            try:
                tool_input = quickjson.loads(tool_input)
            except ValueError:
                tool_input = {"raw": tool_input}
        if not isinstance(tool_input, dict):
            tool_input = {}
        return classify(self.tool_kinds, name, tool_input, ("file_path", "path", "target_file"))

    def session_id(self, payload: dict[str, Any]) -> str:
        return str(payload.get("conversation_id") or payload.get("session_id") or "")

    # --- answering --------------------------------------------------------------------------------
    def answer(self, event: str, decision: Any, text: str = "") -> int:
        if event == "session-start":
            out: dict[str, Any] = {"continue": True}
            if text:
                out["additional_context"] = text
        elif event == "pre-tool-use":
            action = decision.action
            verdict = "deny" if action == DENY else "allow"
            out = {"permission": verdict, "decision": verdict}
            if action in (DENY, WARN) and decision.reason:
                out["reason"] = decision.reason
                out["user_message"] = decision.headline
                out["agent_message"] = decision.reason
        else:
            return 0
        sys.stdout.write(quickjson.dumps(out) + "\n")
        sys.stdout.flush()
        return 0

    def allows(self, stdout: str, returncode: int) -> bool:
        answer = _message(stdout)
        return returncode == 0 and answer is not None and answer.get("permission") == "allow" and (
            "agent_message" not in answer)

    def denies(self, stdout: str, returncode: int) -> bool:
        answer = _message(stdout)
        return returncode == 0 and answer is not None and answer.get("permission") == "deny"

    def probe(self, command: str) -> dict[str, Any]:
        return {"hook_event_name": _SHELL_EVENT, "conversation_id": "doctor-probe", "generation_id": "doctor-probe",
                "command": command}

    # --- doctor ------------------------------------------------------------------------------------
    def checkup(self, root: Path, data: dict[str, Any],
                selected: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
        """What was installed for Cursor, how to start it, and the settings that matter."""
        items: list[tuple[str, str, str]] = []
        also = data.get("also_reads") or {}
        parts = []
        for what, key, pattern in (("commands", "commands_dir", "*.md"), ("agents", "agents_dir", "*.md")):
            folder = str(data.get(key) or "")
            found = sorted((root / folder).glob(pattern)) if folder else []
            readers = [f"{selected[name].get('label', name)}'s {selected[name].get(key, '')}"
                       for name in also.get(what, []) if name in selected]
            if found:
                parts.append(f"{len(found)} {what} in {folder}")
            elif readers:
                parts.append(f"{what} from {' and '.join(readers)} (Cursor reads them; no second copy)")
        rules = str((data.get("rules") or {}).get("dir") or "")
        if rules and sorted((root / rules).glob("*.mdc")):
            parts.append(f"always-on rule in {rules}")
        if parts:
            items.append(("ok", "installed: " + "; ".join(parts), ""))
        hosted = [str(selected[name].get("label", name)) for name in also.get("hooks", []) if name in selected]
        if hosted:
            items.append(("ok", f"with Cursor's setting \"Include third-party Plugins, Skills, and other configs\" "
                                f"on, Cursor also runs {', '.join(hosted)}'s hooks; they stand aside for every "
                                "call Cursor's own hooks judge, so each call meets one guard either way", ""))
        items.extend(self._fail_closed_check(root, data))
        return items

    def _fail_closed_check(self, root: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
        """`failClosed` on our blocking entries should follow the Session Config's enforcement."""
        try:
            from ..core.config import load

            level = str(load(root).get("enforcement"))
            wired = quickjson.loads((root / self.settings_file(data)).read_text(encoding="utf-8")).get("hooks", {})
        except Exception:  # doctor reports an unreadable config or hooks file elsewhere
            return []
        from .flatjsonhooks import is_ours

        flags = [bool(entry.get("failClosed")) for event, entries in wired.items() if event != "sessionStart"
                 for entry in entries if is_ours(entry) and "session-start" not in str(entry.get("command"))]
        want = level in (data.get("fail_closed_when") or [])
        if not flags:  # nothing of ours wired: the hooks check says so
            return []
        if any(flag != want for flag in flags):
            return [("warn", f"{self.settings_file(data)} has failClosed {'off' if want else 'on'} but enforcement "
                             f"is {level}", "run 'python3 .orchestrator/runtime install'")]
        return [("ok", f"failClosed {'on' if want else 'off'} for enforcement: {level} (a crashed or timed-out "
                       f"hook {'blocks' if want else 'lets'} the call{'' if want else ' through'})", "")]

    # --- hosting another agent's hooks ------------------------------------------------------------
    def hosts(self, root: Path, event: str, payload: dict[str, Any]) -> bool:
        """Whether this call, arriving at another agent's hook, comes from Cursor and is judged by
        our own Cursor hooks as well.

        Cursor marks its payloads with `cursor_version`, or at least `conversation_id` (which no
        other agent we wire sends) while it exports `CURSOR_VERSION`. An exported variable alone
        is not enough: a terminal inside the IDE may pass it on to an agent started there, whose
        hooks must keep guarding. And only when `.cursor/hooks.json` runs this event through our
        runtime does the guest stand aside; otherwise it is the one guard the call meets.
        """
        from_cursor = "cursor_version" in payload or (
            "conversation_id" in payload and bool(os.environ.get("CURSOR_VERSION")))
        return from_cursor and self.wired_for(root, event)

    # --- running unattended: `cursor-agent -p PROMPT --output-format json` (not run here: the CLI
    # cannot be pointed at a local model; shape from Cursor's CLI documentation) -----------------------
    headless_executable = "cursor-agent"
    # --trust: print mode otherwise stops at "Workspace Trust Required"; --force: nobody approves actions.
    headless_args = ("-p", "--output-format", "json", "--trust", "--force")
    headless_reports = ()

    def read_headless(self, stdout: str) -> dict[str, Any]:
        """The result object's text, and its `usage` where the CLI version reports one (either
        spelling); Cursor reports no cost."""
        found = last_result(stdout)
        if found is None:
            return headless_result(stdout.strip())
        result, usage = found
        return headless_result(str(result.get("result") or ""),
                               usage.get("input_tokens", usage.get("inputTokens")),
                               usage.get("output_tokens", usage.get("outputTokens")), None)


PLATFORM = Cursor()
