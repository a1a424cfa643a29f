# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Codex CLI: nested JSON hooks in `.codex/hooks.json`.

The payload has Claude's shape (`session_id`, `cwd`, `tool_name`, `tool_input`),
with Codex's tool names: every shell call arrives as `Bash` with `command`, a
file edit as `apply_patch` whose `command` is the raw patch text. A model that
runs `apply_patch` through the shell (a heredoc, which Codex intercepts and
applies itself) reaches the hook as a `Bash` call: the patch's files are read out
of it too, so edit scope sees every file a patch adds, updates, deletes or moves,
whichever way it came.

Codex sets no project-directory variable; the hook command finds the
repository with git, and the vendored runtime knows its own root. Answers
carry no `systemMessage`: Codex treats a PreToolUse answer with a field it
does not support as a failed hook and lets the call through.

Codex runs a project's hooks only when the project is trusted and each hook's
hash has been reviewed (`/hooks`); otherwise it skips them without a word.
`trust_checks` reads Codex's own config to tell the user which gate is closed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core import quickjson
from ..core.toolcall import SHELL, WRITE, ToolCall
from . import headless_result, json_lines
from .jsonhooks import NestedJsonHooks, patch_paths

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar

# A shell call that runs apply_patch (Codex applies such a patch itself, not the shell).
_RUNS_PATCH = r"(?:^|[\s;&|(])(?:apply_patch|applypatch)\b"  # compiled on first use: only for a patch
# hooks.json event names -> the names in Codex's hook-trust keys.
_EVENT_KEYS = {"PreToolUse": "pre_tool_use", "SessionStart": "session_start", "PostToolUse": "post_tool_use",
               "UserPromptSubmit": "user_prompt_submit", "Stop": "stop", "PermissionRequest": "permission_request"}
TRUST_FIX = "start `codex` in this repository, type /hooks and trust the session-orchestrator hooks"


class Codex(NestedJsonHooks):
    name = "codex"
    project_env = ()
    settings_files = (".codex/hooks.json", ".codex/config.toml")
    user_settings_files = ("${CODEX_HOME:-~/.codex}/hooks.json", "${CODEX_HOME:-~/.codex}/config.toml")
    instruction_files = ("AGENTS.md",)
    command_prefix = "$"
    trust_follows_install = True  # Codex asks to trust the folder at start, and the hooks in /hooks
    tool_kinds: ClassVar[dict[str, str]] = {
        "Bash": SHELL, "apply_patch": WRITE, "Edit": WRITE, "Write": WRITE,
    }

    def tool_call(self, payload: dict[str, Any]) -> ToolCall:
        call = super().tool_call(payload)
        if call.kind == SHELL and call.command and "*** Begin Patch" in call.command:
            import re  # here, not at the top: only a call holding a patch needs it

            if re.search(_RUNS_PATCH, call.command):
                call.paths = patch_paths(call.command)  # the guard still reads the whole command
        return call

    def answer(self, event: str, decision: Any, text: str = "") -> int:
        """The banner goes out as `additionalContext` JSON: Codex reads stdout that starts with `[` or `{`
        as JSON, and the banner's first line, `[session-orchestrator]`, is not, so as plain text it
        would be dropped as a failed hook."""
        if event == "session-start":
            if text:
                sys.stdout.write(quickjson.dumps({"hookSpecificOutput": {"hookEventName": "SessionStart",
                                                                    "additionalContext": text}}) + "\n")
            return 0
        return super().answer(event, decision, text)

    def agent_id(self, payload: dict[str, Any]) -> str | None:
        agent = payload.get("agent_type")
        return agent if isinstance(agent, str) and agent else None

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        """Take our entries out; a hooks file left with nothing in it was ours alone, so it goes."""
        note = super().unwire(root, data, dry_run)
        path = root / data["settings_file"]
        try:
            left = quickjson.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return note
        if not dry_run and isinstance(left, dict) and set(left) <= {"hooks"} and not any(
                (left.get("hooks") or {}).values()):
            path.unlink()
            return f"{data['settings_file']}: removed (it held only our hooks)"
        return note

    def trust_checks(self, root: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
        return trust_checks(root, data, os.environ)

    # --- running unattended: `codex exec --json PROMPT` prints JSON-lines events ----------------------
    headless_executable = "codex"
    # No approval prompts and no sandbox: nobody is there to approve, and the guard's hooks judge every
    # call. Codex runs those hooks only in a trusted project with trusted hooks (autopilot checks first).
    headless_args = ("exec", "--json", "--dangerously-bypass-approvals-and-sandbox")
    headless_reports = ("tokens",)

    def read_headless(self, stdout: str) -> dict[str, Any]:
        """The last `agent_message` item's text and the sum of every `turn.completed` usage; Codex
        reports no cost."""
        events = json_lines(stdout)
        texts = [str(item.get("text") or "") for event in events if event.get("type") == "item.completed"
                 for item in [event.get("item")] if isinstance(item, dict) and item.get("type") == "agent_message"]
        usages = [event["usage"] for event in events
                  if event.get("type") == "turn.completed" and isinstance(event.get("usage"), dict)]

        def total(key: str) -> int | None:
            values = [usage.get(key) for usage in usages if isinstance(usage.get(key), int)]
            return sum(values) if values else None
        return headless_result(texts[-1] if texts else "", total("input_tokens"), total("output_tokens"), None)



def codex_home(env: Any) -> Path:
    return Path(env.get("CODEX_HOME") or Path(env.get("HOME") or os.path.expanduser("~")) / ".codex")


def our_hook_keys(root: Path, settings_file: str) -> list[str] | None:
    """Codex's trust keys for our handlers in the hooks file: `<file>:<event>:<group>:<handler>`."""
    import re  # here, not at the top: reading trust keys is not the hook path

    from . import MARKER

    path = root / settings_file
    try:
        hooks = quickjson.loads(path.read_text(encoding="utf-8")).get("hooks", {})
        keys = []
        for event, groups in hooks.items():
            for g, group in enumerate(groups):
                for h, handler in enumerate(group.get("hooks", [])):
                    if MARKER in str(handler.get("command", "")):
                        snake = _EVENT_KEYS.get(event) or re.sub(r"(?<!^)([A-Z])", r"_\1", event).lower()
                        keys.append(f"{path}:{snake}:{g}:{h}")
        return keys
    except (OSError, ValueError, AttributeError, TypeError):
        return None


def trust_checks(root: Path, data: dict[str, Any], env: Any) -> list[tuple[str, str, str]]:
    """(level, text, fix) for each of Codex's two trust gates, read from its own config.toml.

    A config that is missing or cannot be read says nothing either way: that is
    reported as "cannot tell", never as trusted.
    """
    label = data.get("label", "Codex CLI")
    config = codex_home(env) / "config.toml"
    root = root.resolve()
    project_fix = (f"start `codex` in {root} and answer yes when it asks to trust the folder, or add "
                   f'[projects."{root}"] trust_level = "trusted" to {config}')
    try:
        # tomllib is Python 3.11+; on 3.10 (which the checker targets) the ImportError below answers.
        import tomllib  # type: ignore[import-not-found, unused-ignore]

        with config.open("rb") as handle:
            settings = tomllib.load(handle)
    except ImportError:
        return [("warn", f"{label}: cannot tell whether Codex trusts this project (Python without tomllib)",
                 project_fix + "; then " + TRUST_FIX)]
    except OSError:
        return [("warn", f"{label}: cannot tell whether Codex trusts this project or its hooks "
                         f"({config} is missing or unreadable)", project_fix + "; then " + TRUST_FIX)]
    except ValueError as exc:
        return [("warn", f"{label}: cannot tell whether Codex trusts this project ({config}: {exc})",
                 f"fix {config}, then " + TRUST_FIX)]
    out: list[tuple[str, str, str]] = []
    projects = settings.get("projects") if isinstance(settings.get("projects"), dict) else {}
    entry = projects.get(str(root))
    level = entry.get("trust_level") if isinstance(entry, dict) else None
    if level == "trusted":
        out.append(("ok", f"{label}: Codex trusts this project ({config})", ""))
    else:
        state = f"marked {level}" if level else "not trusted"
        out.append(("fail", f"{label}: this project is {state} in {config}; Codex skips its hooks silently",
                    project_fix))
    keys = our_hook_keys(root, data.get("settings_file", ".codex/hooks.json"))
    if keys is None:
        return out  # the hooks file itself is reported by the wiring check
    hooks = settings.get("hooks")
    states = hooks.get("state") if isinstance(hooks, dict) else None
    if not isinstance(states, dict):
        states = {}
    untrusted = [key.rsplit(":", 3)[1] for key in keys
                 if not (isinstance(states.get(key), dict) and states[key].get("trusted_hash")
                         and states[key].get("enabled", True) is not False)]
    if untrusted:
        out.append(("fail", f"{label}: hooks not trusted in Codex ({', '.join(untrusted)}); Codex skips them "
                            "silently", TRUST_FIX))
    elif keys:
        out.append(("ok", f"{label}: hook trust recorded for {len(keys)} hooks (Codex asks again after a hook "
                          "changes; `codex` shows it at start)", ""))
    return out


PLATFORM = Codex()
