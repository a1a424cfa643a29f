"""The instruction budget, measured on a real render (the platform data comes from install.json)."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.core.config import SessionConfig, defaults
from runtime.learning import budget
from tests.helpers import runtime


def _config(**values: object) -> SessionConfig:
    merged = defaults()
    merged.update(values)
    return SessionConfig(merged, None, {}, [])


def test_measures_what_the_platform_data_names(rendered_repo: Path) -> None:
    sizes = budget.measure(rendered_repo)
    assert sizes["CLAUDE.md"] == len((rendered_repo / "CLAUDE.md").read_text(encoding="utf-8"))
    described = [name for name in sizes if name.endswith("SKILL.md#description")]
    assert ".claude/skills/session/SKILL.md#description" in described
    assert all(0 < sizes[name] < 1600 for name in described)  # the description, not the whole skill body
    rules = rendered_repo / ".claude" / "rules"
    rules.mkdir(parents=True)
    (rules / "x.md").write_text("keep it short\n", encoding="utf-8")
    assert budget.measure(rendered_repo)[".claude/rules/x.md"] == 14


def test_over_budget_warns_and_names_the_largest(rendered_repo: Path) -> None:
    lines = budget.check(rendered_repo, _config(**{"instruction-budget": 100}))
    assert len(lines) == 1 and "over the instruction-budget of 100" in lines[0] and "CLAUDE.md" in lines[0]
    assert budget.check(rendered_repo, _config()) == []


def test_growth_since_the_last_start_names_the_files_that_grew(rendered_repo: Path) -> None:
    assert budget.check(rendered_repo, _config()) == []  # first measurement: nothing to compare with
    stored = json.loads((rendered_repo / ".orchestrator" / "state" / "instruction-budget.json").read_text())
    total = stored["total"]
    rules = rendered_repo / ".claude" / "rules"
    rules.mkdir(parents=True)
    (rules / "big.md").write_text("r" * (total // 2), encoding="utf-8")
    lines = budget.check(rendered_repo, _config())
    assert len(lines) == 1, lines
    assert "grew 50%" in lines[0] and ".claude/rules/big.md +" in lines[0] and "(new)" in lines[0]
    assert budget.check(rendered_repo, _config()) == []  # measured against the new size now
    claude = rendered_repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "x" * 100, encoding="utf-8")
    assert budget.check(rendered_repo, _config(**{"instruction-growth": 0})) != []


def test_session_start_banner_carries_the_warning(rendered_repo: Path) -> None:
    claude = rendered_repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "- instruction-budget: 50\n", encoding="utf-8")
    out = runtime(rendered_repo, "hook", "claude", "session-start", stdin="{}")
    assert out.returncode == 0
    assert "over the instruction-budget of 50" in out.stdout


def test_a_corrupt_measurement_is_replaced_not_fatal(rendered_repo: Path) -> None:
    store = rendered_repo / ".orchestrator" / "state" / "instruction-budget.json"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("{not json", encoding="utf-8")
    assert budget.check(rendered_repo, _config()) == []
    assert json.loads(store.read_text())["total"] > 0


def test_without_a_manifest_the_config_files_are_measured(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("# a\n", encoding="utf-8")
    assert budget.measure(tmp_path) == {"AGENTS.md": 4}


def test_imported_files_count_and_their_growth_is_named(rendered_repo: Path) -> None:
    claude = rendered_repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "\nSee @AGENTS.md and `@not-this.md`.\n",
                      encoding="utf-8")
    (rendered_repo / "AGENTS.md").write_text("# Agents\n@docs/deep.md\n```\n@docs/fenced.md\n```\n",
                                             encoding="utf-8")
    (rendered_repo / "docs").mkdir(exist_ok=True)
    (rendered_repo / "docs" / "deep.md").write_text("deep\n", encoding="utf-8")
    (rendered_repo / "docs" / "fenced.md").write_text("fenced\n", encoding="utf-8")
    (rendered_repo / "not-this.md").write_text("no\n", encoding="utf-8")
    sizes = budget.measure(rendered_repo)
    assert sizes["AGENTS.md"] > 0 and sizes["docs/deep.md"] == 5
    assert "docs/fenced.md" not in sizes and "not-this.md" not in sizes
    assert budget.check(rendered_repo, _config()) == []
    (rendered_repo / "docs" / "deep.md").write_text("deep\n" * 4000, encoding="utf-8")
    lines = budget.check(rendered_repo, _config())
    assert len(lines) == 1 and "grew: docs/deep.md +" in lines[0]
