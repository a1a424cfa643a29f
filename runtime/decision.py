# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a hook decides about one tool call, independent of any platform."""

from __future__ import annotations

ALLOW, WARN, DENY = "allow", "warn", "deny"
_RANK = {ALLOW: 0, WARN: 1, DENY: 2}


class Decision:
    """allow, warn (allow and tell the agent) or deny, with the reason the agent reads."""

    __slots__ = ("action", "reason", "rule")

    def __init__(self, action: str = ALLOW, reason: str = "", rule: str = "") -> None:
        self.action, self.reason, self.rule = action, reason, rule

    def __repr__(self) -> str:
        return f"Decision({self.action!r}, rule={self.rule!r}, reason={self.reason!r})"

    @property
    def denied(self) -> bool:
        return self.action == DENY


def combine(decisions: list[Decision]) -> Decision:
    """Deny beats warn beats allow; warnings are joined so none is lost."""
    worst = max(decisions, key=lambda d: _RANK[d.action], default=Decision())
    if worst.action != WARN:
        return worst
    notes = [d.reason for d in decisions if d.action == WARN and d.reason]
    return Decision(WARN, "\n".join(notes), ",".join(d.rule for d in decisions if d.action == WARN and d.rule))
