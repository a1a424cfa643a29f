"""The wave engine's agent list is the catalog's: generated into the runtime, never written twice.

Regenerate the runtime's `agents.json` after changing the catalog's agents with
`.venv/bin/python scripts/generate_agents_json.py` (a script, not this test: it says what to run next).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from runtime.loop import roles
from runtime.loop.plan import PlanError, validate
from runtime.loop.state import new_state
from runtime.loop.waves import wave_entries
from scripts.generate_agents_json import CATALOG, WRITE_TOOLS, agents_file, expected_agents_file


def test_the_runtime_agent_list_is_generated_from_the_catalog() -> None:
    assert agents_file() == roles.AGENTS_FILE  # the script writes the file the runtime reads
    assert roles.AGENTS_FILE.read_text(encoding="utf-8") == expected_agents_file(), (
        "runtime/loop/agents.json is stale: run .venv/bin/python scripts/generate_agents_json.py")


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
