# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What one judgement may cost: the deadline clock the parser and the rules share, and the size and
nesting budgets.

The hook gives up after its timeout and the agent then runs the command, so every judgement must end
well before that. A text longer than `MAX_CHARS` is not read at all; nesting deeper than `MAX_DEPTH`
or more than `MAX_PARSES` nested texts in one line marks the parse exhausted; and one `Clock`,
started by each parse, is ticked by every loop that could run long, raising `OvertimeError` when
its deadline passes. The guard denies all three at every enforcement level.
"""

from __future__ import annotations

import time

MAX_DEPTH = 6
MAX_PARSES = 48
MAX_CHARS = 2_000_000  # longer commands are refused unjudged: split them
DEADLINE_SECONDS = 0.8  # the hook's timeout (30 s) is far larger, so this always fires first
_CHECK_EVERY = 2048


class OvertimeError(Exception):
    """Raised inside the parser or the guard when the deadline has passed."""


class Clock:
    """One deadline shared by the parser and the rules; checked every few thousand steps."""

    __slots__ = ("deadline", "ticks")

    def __init__(self, seconds: float = DEADLINE_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds
        self.ticks = 0

    def tick(self, steps: int = 1) -> None:
        self.ticks += steps
        if self.ticks >= _CHECK_EVERY:
            self.ticks = 0
            if time.monotonic() > self.deadline:
                raise OvertimeError

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise OvertimeError


_CLOCK = Clock(3600.0)  # until the first parse starts one


def start(seconds: float) -> Clock:
    """Start the deadline of a new parse; the rules that judge its commands keep ticking it."""
    global _CLOCK
    _CLOCK = Clock(seconds)
    return _CLOCK


def clock() -> Clock:
    """The deadline of the parse in progress, shared with the guard's rules."""
    return _CLOCK
