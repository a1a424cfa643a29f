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

import json
from pathlib import Path

ROLES = ("Discovery", "Impl-Core", "Impl-Polish", "Quality", "Finalization")

# The agents come from the template's catalog (template/_canonical/catalog.yml), the one place they are
# defined; agents.json beside this file is generated from it (a test fails when the two drift apart),
# because the runtime reads no YAML and the catalog itself is never rendered into a repository.
AGENTS_FILE = Path(__file__).with_name("agents.json")
_AGENTS: list[dict[str, bool]] = []  # filled on first use


def agents() -> dict[str, bool]:
    """Every agent the catalog defines, mapped to whether it is read-only (it has no edit or write tool)."""
    if not _AGENTS:
        data = json.loads(AGENTS_FILE.read_text(encoding="utf-8"))
        _AGENTS.append({str(entry["name"]): bool(entry["read_only"]) for entry in data["agents"]})
    return _AGENTS[0]


def known_agents() -> tuple[str, ...]:
    return tuple(agents())


def read_only_agents() -> tuple[str, ...]:
    return tuple(name for name, read_only in agents().items() if read_only)


def first_agent(read_only: bool) -> str:
    """The catalog's first read-only (or first writing) agent: the example a plan template offers."""
    return next(name for name, flag in agents().items() if flag == read_only)

def writing_agents() -> tuple[str, ...]:
    return tuple(name for name, read_only in agents().items() if not read_only)


# The agents a plan skeleton offers for each role, in order; a role not named here gets the catalog's first
# writing agent. The Quality wave closes test gaps, so it gets the test planner and the test writer.
ROLE_AGENTS = {"Quality": ("test-writer", "qa-strategist")}


def default_agents(roles: list[str], read_only: bool) -> list[str]:
    """The agents a plan skeleton offers a wave carrying `roles`: a read-only wave gets the first read-only
    agent; otherwise the first role with its own agents decides, and the first writing agent leads."""
    if read_only:
        return [first_agent(True)]
    for role in reversed(roles):  # a folded wave (Impl-Polish+Quality) is led by its last role
        named = [name for name in ROLE_AGENTS.get(role, ()) if name in agents()]
        if named:
            return named
    return [first_agent(False)]


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
