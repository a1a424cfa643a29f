# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The platform seam: one module per coding agent behind one small interface.

Everything the runtime knows about a particular agent lives in this package:
how its hook payload names the tool call, the session and the agent; how it
expects a decision and a banner back; which settings file wires its hooks and
how to splice them in and out; a probe payload for `doctor`; the environment
variables that name the project directory. The rest of the runtime speaks only
of the neutral `ToolCall` and `Decision`, so adding an agent is adding a module
here (see docs/adding-a-platform.md), never an edit to the hook path.

The hook path runs on every tool call, so `get()` imports the one platform in
use and nothing else; `known()` lists the modules without importing them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar

# The instruction files an agent reads at session start, in the order the Session Config is
# looked up. Each platform module names its own in `instruction_files`; this is their union,
# kept here because config lookup runs on the hook path and must not import every platform.
# tests/runtime/platforms/test_agent_facts.py holds it equal to the data files' lists.
INSTRUCTION_FILES = ("CLAUDE.md", "AGENTS.md")

# What marks a hook entry as ours in any settings file: its command runs the vendored runtime's hook.
MARKER = ".orchestrator/runtime"
# The file a hook command runs. Naming the file, not the directory, spares every call the import
# machinery (runpy) that running a directory needs. Entries written before name the directory; both
# are ours, and `install` rewrites an old one to the current command.
ENTRY = MARKER + "/__main__.py"
_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz")
_REST = _FIRST | frozenset("0123456789_")


def _valid_name(name: str) -> bool:
    """`[a-z][a-z0-9_]{0,31}` spelled without `re`: this runs on every hook call, compiling costs it time."""
    return 0 < len(name) <= 32 and name[0] in _FIRST and all(c in _REST for c in name)
_SHARED = frozenset({"jsonhooks", "jsonsplice", "flatjsonhooks", "pitrust"})
# Settings files of agents that have no module here yet: the scope check protects them all the same,
# since an agent that rewrites another agent's hooks could unhook the guard there. A platform's module
# takes its entry over when it lands.
_NOT_YET_WIRED: dict[str, tuple[str, ...]] = {
}  # helper modules for formats several agents share, not platforms


class WireError(Exception):
    """A settings file we must not touch (unreadable, not JSON, not the documented shape).

    The message names the file (and line and column where there is one) and the fix.
    """


class UnknownPlatformError(ValueError):
    """The hook command names a platform this runtime has no module for."""


class Platform:
    """The interface every platform module provides as its `PLATFORM` object.

    Subclasses fill the class attributes and override what their wire format
    needs; the shared formats (nested JSON hooks, ...) live in helper modules
    that implement most of it once.
    """

    name = ""
    # Environment variables the agent sets to the project directory, most specific first.
    project_env: tuple[str, ...] = ()
    # Files that wire the hooks: an agent that edits them can unhook the guard, so they are protected.
    settings_files: tuple[str, ...] = ()
    # The agent's settings outside the repository that can switch its hooks off (user level), written with
    # `~` and `${VAR:-default}` for a configuration directory the user can move; protected like settings_files.
    user_settings_files: tuple[str, ...] = ()
    # Edit tools that delete the file they name (their result is an empty file).
    delete_tools: tuple[str, ...] = ()
    # Instruction files the agent reads (the Session Config and intro go to each, once): the data file's list.
    instruction_files: tuple[str, ...] = ()
    # Agents that can run this agent's hooks besides their own: platform name -> payload keys only
    # that agent sends (checked before its module is imported, so the usual call pays nothing).
    guest_of: ClassVar[dict[str, tuple[str, ...]]] = {}
    # How a user runs a command in this agent (the banner names `/session` with it); the data file's
    # `command_prefix` (tests/runtime/platforms/test_agent_facts.py checks the two agree).
    command_prefix = "/"
    # Whether the agent lets the user trust our hooks only once they exist (it asks at its next start): a
    # failed trust check right after an install is then the user's next step, not a failed install.
    trust_follows_install = False

    # --- reading a hook payload -------------------------------------------------------------------
    def tool_call(self, payload: dict[str, Any]) -> Any:
        """The neutral ToolCall (kind, name, input, command, paths) for a pre-tool-use payload."""
        raise NotImplementedError

    def session_id(self, payload: dict[str, Any]) -> str:
        return str(payload.get("session_id") or "")

    def agent_id(self, payload: dict[str, Any]) -> str | None:
        """The subagent making the call (scope.json may give it its own allowed paths), or None."""
        return None

    # --- answering --------------------------------------------------------------------------------
    def answer(self, event: str, decision: Any, text: str = "") -> int:
        """Write `decision` (pre-tool-use) or the banner `text` (session-start) in the agent's wire
        format on stdout; return the exit code the agent expects."""
        raise NotImplementedError

    def allows(self, stdout: str, returncode: int) -> bool:
        """Whether a hook's output lets the call through silently (doctor's probe reads it)."""
        return returncode == 0 and not stdout.strip()

    def denies(self, stdout: str, returncode: int) -> bool:
        """Whether a hook's output is a denial in this wire format (doctor's probe reads it)."""
        raise NotImplementedError

    # --- one guard per tool call when another agent runs our hooks too ----------------------------
    def stands_aside(self, root: Path, event: str, payload: dict[str, Any]) -> bool:
        """Whether this hook should answer "no objection" and judge nothing, because the agent
        actually making the call runs our hooks as a guest and its own wired hooks judge the call.

        Without this an agent that also runs another agent's hooks would meet the guard twice per
        call: two denials, two loop-guard observations, two banners.
        """
        return any(get(host).hosts(root, event, payload) for host, keys in self.guest_of.items()
                   if any(key in payload for key in keys))

    def hosts(self, root: Path, event: str, payload: dict[str, Any]) -> bool:
        """Whether this call comes from this agent, running a guest's hook, and this agent's own
        wired hooks judge it too (see `stands_aside`)."""
        return False

    # --- wiring the hooks in the repository -------------------------------------------------------
    def wire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        """Put our hook entries in place, keeping every other byte of the user's file; return a note."""
        raise NotImplementedError

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        """Take our hook entries out again; return a note."""
        raise NotImplementedError

    def missing_hooks(self, root: Path, data: dict[str, Any]) -> list[str] | None:
        """Events declared in `data` that are not wired (None: the settings cannot be read)."""
        raise NotImplementedError

    def probe(self, command: str) -> dict[str, Any]:
        """A pre-tool-use payload for a shell `command`, as the agent would send it."""
        raise NotImplementedError

    def checkup(self, root: Path, data: dict[str, Any],
                selected: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
        """What `doctor` should add for this agent, beyond its hooks: `(level, text, fix)` with level
        "ok" or "warn" (what was installed, how to start the agent, a settings step it needs).
        `selected` is every platform of this installation with its data."""
        return []

    def retire(self, root: Path, commands: list[str], dry_run: bool) -> list[str]:
        """Take out what this agent added to shared files beyond its hooks, once it is no longer
        selected (`commands`: the catalog's command names); return notes. Most agents add nothing."""
        return []

    def trust_checks(self, root: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
        """Gates outside the repository that decide whether the agent runs our hooks at all, as
        (level, text, fix) for `doctor`: level is ok, warn (cannot tell) or fail. Most agents have none."""
        return []

    # --- running unattended (autopilot) -----------------------------------------------------------
    # The agent's command-line program under its usual name on PATH ("" when it has no headless mode),
    # and the flags that make it run one prompt without asking anything and exit: the data file's
    # `headless:` key (tests/runtime/platforms/test_agent_facts.py checks the two agree).
    headless_executable = ""
    headless_args: tuple[str, ...] = ()
    # What its output reports ("tokens", "cost"): a cap on what it does not report cannot be enforced.
    headless_reports: tuple[str, ...] = ()

    def headless_argv(self, executable: list[str], prompt: str) -> list[str]:
        """The command line that runs `prompt` once, non-interactively; `executable` is the program
        (found on PATH or given by the user, possibly with flags of their own)."""
        if not self.headless_executable:
            raise UnknownPlatformError(f"{self.name} has no headless mode: autopilot cannot drive it")
        return [*executable, *self.headless_args, prompt]

    def read_headless(self, stdout: str) -> dict[str, Any]:
        """What a headless run printed: {"text", "input_tokens", "output_tokens", "cost_usd"}, with
        None for what this CLI does not report (the caller says so rather than guessing)."""
        return headless_result(stdout.strip())


def headless_result(text: str = "", input_tokens: Any = None, output_tokens: Any = None,
                    cost_usd: Any = None) -> dict[str, Any]:
    """The neutral shape of a headless run's output; counts that are not numbers become None."""
    def number(value: Any, kind: type) -> Any:
        return kind(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return {"text": text, "input_tokens": number(input_tokens, int), "output_tokens": number(output_tokens, int),
            "cost_usd": number(cost_usd, float)}


def last_result(stdout: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The last `{"type": "result", ...}` object of a JSON-lines stream and its `usage` object ({} when it has
    none), or None when the stream holds no result (the CLI failed before finishing)."""
    results = [item for item in json_lines(stdout) if item.get("type") == "result"]
    if not results:
        return None
    raw = results[-1].get("usage")
    return results[-1], (raw if isinstance(raw, dict) else {})


def json_lines(stdout: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines stream; other lines (warnings, progress) are skipped."""
    import json

    out = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
    return out


def known() -> list[str]:
    """The platform modules shipped with this runtime (by file name; nothing is imported)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return sorted(name[:-3] for name in os.listdir(here)
                  if name.endswith(".py") and not name.startswith("_") and name[:-3] not in _SHARED)


def get(name: str) -> Platform:
    """The platform module called `name`, imported on first use (only that one)."""
    if not _valid_name(name or "") or name in _SHARED:
        raise UnknownPlatformError(f"unknown platform {name!r}")
    try:  # `__import__`, not `importlib.import_module`: `importlib` loads `warnings`, on every hook call
        __import__(f"{__name__}.{name}")
        module = sys.modules[f"{__name__}.{name}"]
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise UnknownPlatformError(f"unknown platform {name!r}; known: {', '.join(known())}") from None
    platform: Platform = module.PLATFORM
    return platform


def protected_paths() -> tuple[str, ...]:
    """Every known platform's settings files: editing any of them could unhook the guard,
    whether or not that agent is in use today."""
    names = known()
    return (*(path for name in names for path in get(name).settings_files),
            *(path for name, paths in _NOT_YET_WIRED.items() if name not in names for path in paths))


def user_settings_files() -> tuple[str, ...]:
    """Every known platform's user-level settings files (unexpanded): an agent that writes one
    can switch its hooks off for every repository at once."""
    return tuple(path for name in known() for path in get(name).user_settings_files)


def project_env() -> tuple[str, ...]:
    """Every known platform's project-directory variables, for callers that do not know the agent."""
    return tuple(var for name in known() for var in get(name).project_env)
