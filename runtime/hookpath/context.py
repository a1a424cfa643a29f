# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Everything a hook handler needs about the call it is judging.

Loading is lazy: the Session Config is only read when a handler asks for it,
so the allow path of a hook does no work it does not need.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

SHELL, WRITE, READ, DISPATCH, OTHER = "shell", "write", "read", "dispatch", "other"


class ToolCall:
    """A tool call normalised across platforms.

    kind: shell | write | read | dispatch (starting a subagent) | other. `command` is set for shell calls,
    `paths` for writes (as the agent gave them: absolute or relative).
    """

    __slots__ = ("command", "input", "kind", "name", "paths", "writes")

    def __init__(self, kind: str, name: str, tool_input: dict[str, Any], command: str | None = None,
                 paths: list[str] | None = None) -> None:
        self.kind, self.name, self.input = kind, name, tool_input
        self.command, self.paths = command, paths or []
        self.writes = False  # a shell call the scope check saw write a file (the loop guard counts it as a write)


def classify(kinds: dict[str, str], name: str, tool_input: dict[str, Any], path_keys: tuple[str, ...],
             command_keys: tuple[str, ...] = ("command",)) -> ToolCall:
    """The ToolCall for a tool named `name`, from the agent's own table of tool kinds and the input
    keys it uses for a command and a written path. Every platform reads its payload's envelope its
    own way, then hands the tool's input here, so a shell or write call is judged the same on all."""
    kind = kinds.get(name, OTHER)
    if kind == SHELL:
        command = next((tool_input[key] for key in command_keys if key in tool_input), None)
        return ToolCall(SHELL, name, tool_input, command=command if isinstance(command, str) else None)
    if kind == WRITE:
        path = next((tool_input[key] for key in path_keys if tool_input.get(key)), None)
        return ToolCall(WRITE, name, tool_input,
                        paths=[path.strip()] if isinstance(path, str) and path.strip() else [])
    return ToolCall(kind, name, tool_input)


class HookContext:
    def __init__(self, root: Path, platform: str, event: str, payload: dict[str, Any],
                 call: ToolCall | None = None, adapter: Any = None) -> None:
        self.root = root
        self.platform = platform
        self.event = event
        self.payload = payload
        self.call = call
        self._config: Any = None
        self._problems: list[Any] = []
        self._held: list[str] = []
        self._adapter: Any = adapter
        self.pin = True  # False: judge by the current Session Config alone (a command outside any session)

    @property
    def adapter(self) -> Any:
        """The platform module that reads this payload (imported once, on first use)."""
        if self._adapter is None:
            from ..platforms import get

            self._adapter = get(self.platform)
        return self._adapter

    @property
    def session_id(self) -> str:
        return self.adapter.session_id(self.payload) if isinstance(self.payload, dict) else ""

    @property
    def agent_id(self) -> str | None:
        """The subagent making the call, when the platform says so."""
        return self.adapter.agent_id(self.payload) if isinstance(self.payload, dict) else None

    @property
    def cwd(self) -> Path:
        cwd = self.payload.get("cwd")
        return Path(cwd) if isinstance(cwd, str) and cwd else self.root

    @property
    def config(self) -> Any:
        """The Session Config this call is judged by: per enforcement key the stricter of the value
        fixed when the agent's session started and the current one (hookpath/pinning.py)."""
        if self._config is None:
            from ..config import load_or_defaults

            raw, self._problems = load_or_defaults(self.root)
            self._config = raw
            if self.pin:
                from .pinning import apply

                self._config, self._held = apply(self.root, self.platform, self.session_id, self.event, raw,
                                                 self._problems)
        return self._config

    @property
    def held_back(self) -> list[str]:
        """Weaker Session Config values found after the session started, not honoured until the next one."""
        _ = self.config
        return self._held

    @property
    def config_problems(self) -> list[Any]:
        _ = self.config
        return self._problems

    @property
    def enforcement(self) -> str:
        """The Session Config's level; "strict" when the config cannot even be read (fail closed)."""
        try:
            return str(self.config.get("enforcement", "warn"))
        except Exception:
            return "strict"
