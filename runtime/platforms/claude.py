# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Claude Code: nested JSON hooks in `.claude/settings.json`.

The payload carries `session_id`, `cwd`, `tool_name`, `tool_input` and, inside a
subagent, `agent_type`; `$CLAUDE_PROJECT_DIR` names the project. Answers add a
`systemMessage` so the user sees a one-line reason next to the agent's.
"""

from __future__ import annotations

from ..core.toolcall import DISPATCH, READ, SHELL, WRITE
from . import headless_result, last_result
from .jsonhooks import NestedJsonHooks

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar


class Claude(NestedJsonHooks):
    name = "claude"
    project_env = ("CLAUDE_PROJECT_DIR",)
    settings_files = (".claude/settings.json", ".claude/settings.local.json")
    user_settings_files = ("${CLAUDE_CONFIG_DIR:-~/.claude}/settings.json",)
    delete_tools = ("Delete",)
    instruction_files = ("CLAUDE.md",)
    tool_kinds: ClassVar[dict[str, str]] = {
        "Bash": SHELL, "PowerShell": SHELL,
        "Write": WRITE, "Edit": WRITE, "MultiEdit": WRITE, "NotebookEdit": WRITE,
        "Read": READ, "Grep": READ, "Glob": READ,
        # Starting a subagent: a tripped circuit breaker refuses it (`Task` is the tool's older name).
        "Agent": DISPATCH, "Task": DISPATCH,
        # Cursor's names for the same tools, for when Cursor runs these hooks (its third-party hooks
        # setting) and its own hooks are not wired: the guard must still see the call for what it is.
        "Shell": SHELL, "StrReplace": WRITE, "Delete": WRITE,
    }
    system_message = True
    # Cursor runs these hooks too when its third-party hooks setting is on; its payloads carry these.
    guest_of: ClassVar[dict[str, tuple[str, ...]]] = {"cursor": ("cursor_version", "conversation_id")}

    def agent_id(self, payload: dict[str, Any]) -> str | None:
        agent = payload.get("agent_type")
        return agent if isinstance(agent, str) and agent else None

    # --- running unattended: `claude -p PROMPT --output-format json` prints one result object ---------
    headless_executable = "claude"
    # Skipping permission prompts is what lets a run with nobody at the keyboard act at all; the guard's
    # hooks still judge every call. As root it needs IS_SANDBOX=1 (containers, CI runners).
    headless_args = ("-p", "--output-format", "json", "--dangerously-skip-permissions")
    headless_reports = ("tokens", "cost")

    def read_headless(self, stdout: str) -> dict[str, Any]:
        """The result object's text, its `usage` (input counts cache reads and writes too: they are
        tokens the run consumed) and `total_cost_usd`."""
        found = last_result(stdout)
        if found is None:
            return headless_result(stdout.strip())
        result, usage = found
        parts = [usage.get(key) for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")]
        counted = [part for part in parts if isinstance(part, int)]
        return headless_result(str(result.get("result") or ""), sum(counted) if counted else None,
                               usage.get("output_tokens"), result.get("total_cost_usd"))


PLATFORM = Claude()
