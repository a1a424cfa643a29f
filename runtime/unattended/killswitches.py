# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The kill-switches of an unattended run, each one a pure function of observed facts.

Users of unattended agents report runs that stalled silently for hours, spent a hundred million
tokens, or waited forever on a question. Each switch below answers one of those on its own: it
looks at the facts the loop observed (counts, usage read from the agent CLI's own output, the
breaker's state, the STOP file) and returns why the run must stop, or None. None of them reads a
file or a clock itself, so each can be tested, and reasoned about, alone; `first_stop` asks them
in a fixed order and the loop records the answer with its reason.

A switch whose fact is unknown (a CLI that reports no tokens or cost) does not fire: the record
says the fact was not reported, and the other switches hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STOP_FILE = ".orchestrator/STOP"


@dataclass
class Limits:
    """What the user allowed (None: no cap). Hours and stall minutes may be fractions."""

    max_sessions: int | None = None
    max_hours: float | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    stall_minutes: float | None = 20.0
    max_gate_failures: int | None = 3
    max_carryover_share: float | None = None


@dataclass
class Facts:
    """What the loop has observed so far in this run."""

    sessions: int = 0  # sessions run (each a started agent process)
    elapsed_s: float = 0.0
    tokens: int | None = None  # input + output, None while no session reported any
    cost_usd: float | None = None
    stalled_s: float | None = None  # set by the runner when it stopped an agent for want of progress
    blocked_gates: int = 0  # consecutive blocked gates, across sessions
    breakers: list[dict[str, Any]] = field(default_factory=list)  # tripped circuit breakers
    items: int = 0  # items attempted
    carried: int = 0  # of those, carried over (not verified done)
    stop_file: bool = False
    stop_text: str = ""


def stop_file(limits: Limits, facts: Facts) -> str | None:
    if not facts.stop_file:
        return None
    said = facts.stop_text.strip().splitlines()[0][:200] if facts.stop_text.strip() else ""
    return f"{STOP_FILE} exists" + (f": {said}" if said else "")


def breaker(limits: Limits, facts: Facts) -> str | None:
    if not facts.breakers:
        return None
    last = facts.breakers[-1]
    return (f"a circuit breaker is tripped ({last.get('kind', '?')}: {last.get('reason', '')}); "
            "the user acknowledges it with 'breaker ack --reason ...'")


def stall(limits: Limits, facts: Facts) -> str | None:
    if facts.stalled_s is None or limits.stall_minutes is None:
        return None
    return (f"no commit, state change or telemetry event for {facts.stalled_s / 60:.1f} minutes "
            f"(limit {limits.stall_minutes:g}); the agent was stopped")


def gate_failures(limits: Limits, facts: Facts) -> str | None:
    if limits.max_gate_failures is None or facts.blocked_gates < limits.max_gate_failures:
        return None
    return f"{facts.blocked_gates} gates blocked in a row (limit {limits.max_gate_failures})"


def hours(limits: Limits, facts: Facts) -> str | None:
    if limits.max_hours is None or facts.elapsed_s < limits.max_hours * 3600:
        return None
    return f"ran {facts.elapsed_s / 3600:.2f} hours (limit {limits.max_hours:g})"


def tokens(limits: Limits, facts: Facts) -> str | None:
    if limits.max_tokens is None or facts.tokens is None or facts.tokens < limits.max_tokens:
        return None
    return f"used {facts.tokens} tokens (limit {limits.max_tokens})"


def cost(limits: Limits, facts: Facts) -> str | None:
    if limits.max_cost is None or facts.cost_usd is None or facts.cost_usd < limits.max_cost:
        return None
    return f"spent {facts.cost_usd:.4f} USD (limit {limits.max_cost:g})"


def carryover_share(limits: Limits, facts: Facts) -> str | None:
    if limits.max_carryover_share is None or not facts.items:
        return None
    share = facts.carried / facts.items
    if share <= limits.max_carryover_share:
        return None
    return (f"{facts.carried} of {facts.items} items carried over ({share:.0%}; "
            f"limit {limits.max_carryover_share:.0%})")


def sessions(limits: Limits, facts: Facts) -> str | None:
    if limits.max_sessions is None or facts.sessions < limits.max_sessions:
        return None
    return f"ran {facts.sessions} sessions (limit {limits.max_sessions})"


# Name -> switch, in the order they are asked: a human's STOP and the safety switches first, the
# budget caps after, the planned end (the session count) last.
SWITCHES: dict[str, Callable[[Limits, Facts], str | None]] = {
    "stop-file": stop_file,
    "breaker": breaker,
    "stall": stall,
    "gate-failures": gate_failures,
    "hours": hours,
    "tokens": tokens,
    "cost": cost,
    "carryover-share": carryover_share,
    "sessions": sessions,
}


def first_stop(limits: Limits, facts: Facts) -> tuple[str, str] | None:
    """(switch name, reason) of the first switch that fires, or None: the run may go on."""
    for name, switch in SWITCHES.items():
        reason = switch(limits, facts)
        if reason:
            return name, reason
    return None


def unenforceable(limits: Limits, reports: tuple[str, ...]) -> list[str]:
    """The caps the agent CLI's output cannot back (it reports no tokens, or no cost), said plainly."""
    out = []
    if limits.max_tokens is not None and "tokens" not in reports:
        out.append("--max-tokens cannot be enforced: this agent CLI does not report token usage")
    if limits.max_cost is not None and "cost" not in reports:
        out.append("--max-cost cannot be enforced: this agent CLI does not report cost")
    return out
