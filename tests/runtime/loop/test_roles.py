"""The wave engine's agent list is the catalog's: generated into the runtime, never written twice.

Regenerate `runtime/loop/agents.json` after changing the catalog's agents with
`.venv/bin/python -m tests.runtime.loop.test_roles` (then `python -m runtime.core.integrity`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from runtime.loop import roles
from runtime.loop.plan import PlanError, validate
from runtime.loop.state import new_state
from runtime.loop.waves import wave_entries
from tests.helpers import ROOT

CATALOG = ROOT / "template" / "_canonical" / "catalog.yml"
WRITE_TOOLS = {"edit", "write"}


def expected_agents_file() -> str:
    """agents.json as the catalog defines it: each agent's name, and read-only when it cannot edit or write."""
    agents = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["catalog"]["default"]["agents"]
    entries = [{"name": a["name"], "read_only": not WRITE_TOOLS & set(a.get("tools") or [])} for a in agents]
    return json.dumps({"generated_from": "template/_canonical/catalog.yml", "agents": entries}, indent=2) + "\n"


def test_the_runtime_agent_list_is_generated_from_the_catalog() -> None:
    assert roles.AGENTS_FILE.read_text(encoding="utf-8") == expected_agents_file(), (
        "runtime/loop/agents.json is stale: run .venv/bin/python -m tests.runtime.loop.test_roles")


def test_the_catalog_agents_are_what_plans_may_name(tmp_path: Path) -> None:
    agents = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["catalog"]["default"]["agents"]
    assert set(roles.known_agents()) == {a["name"] for a in agents}
    assert set(roles.read_only_agents()) == {a["name"] for a in agents if not WRITE_TOOLS & set(a["tools"])}
    assert roles.read_only_agents() and set(roles.read_only_agents()) < set(roles.known_agents())
    assert roles.first_agent(True) == next(a["name"] for a in agents if not WRITE_TOOLS & set(a["tools"]))
    assert roles.first_agent(False) == next(a["name"] for a in agents if WRITE_TOOLS & set(a["tools"]))


def test_a_plan_naming_an_agent_outside_the_catalog_is_refused(tmp_path: Path) -> None:
    state = new_state("S1", "feature", 5, "", "main")
    state["waves"] = wave_entries(5, "feature", 4)
    plan = {"items": [{"id": "I1", "title": "t", "acceptance": "a"}],
            "waves": [{"wave": w["wave"], "tasks": [{"id": f"T{w['wave']}", "agent": "wizard", "items": ["I1"],
                                                     "task": "do the work", "files": []}]}
                      for w in state["waves"]]}
    try:
        validate(plan, state, tmp_path)
    except PlanError as exc:
        text = str(exc)
    else:
        raise AssertionError("a plan with an unknown agent was accepted")
    assert "agent 'wizard' is unknown; use one of " + ", ".join(roles.known_agents()) in text


if __name__ == "__main__":
    roles.AGENTS_FILE.write_text(expected_agents_file(), encoding="utf-8")
    sys.stdout.write(f"wrote {roles.AGENTS_FILE}\n")
