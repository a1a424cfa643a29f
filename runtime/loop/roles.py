# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Wave roles and agent names: the vocabulary the plan and the wave engine share.

Kept apart from both so neither imports the other for it.
"""

from __future__ import annotations

ROLES = ("Discovery", "Impl-Core", "Impl-Polish", "Quality", "Finalization")

READ_ONLY_AGENTS = ("explorer", "session-reviewer")
KNOWN_AGENTS = ("explorer", "implementer", "session-reviewer")

# accepted spellings of folded roles, mapped to the canonical name
ALIASES = {"impl": "Impl-Core+Impl-Polish", "implementation": "Impl-Core+Impl-Polish"}


def canonical_role(name: str) -> str:
    text = name.strip()
    lowered = text.lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    by_lower = {r.lower(): r for r in ROLES}
    parts = [by_lower.get(p.strip().lower(), p.strip()) for p in text.split("+")]
    return "+".join(parts)
