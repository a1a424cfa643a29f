# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The neutral tool call: what every agent's payload is read into, and what every guard judges.

Each platform module reads its own wire format, then hands the tool's name and input to
`classify`, so a shell or write call means the same thing whichever agent made it.
"""

from __future__ import annotations

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
