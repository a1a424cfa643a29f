# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Everything a guard needs about the hook call it is judging: the payload, the agent, the Session Config.

Loading is lazy: the Session Config is only read when a handler asks for it,
so the allow path of a hook does no work it does not need.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

    from ..core.toolcall import ToolCall
    from ..platforms import Platform


class HookContext:
    def __init__(self, root: Path, platform: str, event: str, payload: dict[str, Any],
                 call: ToolCall | None = None, adapter: Platform | None = None) -> None:
        self.root = root
        self.platform = platform
        self.event = event
        self.payload = payload
        self.call = call
        self._config: Any = None
        self._problems: list[Any] = []
        self._held: list[str] = []
        self._adapter = adapter
        self.pin = True  # False: judge by the current Session Config alone (a command outside any session)

    @property
    def adapter(self) -> Platform:
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
            from ..core.config import load_or_defaults

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
