"""The Session Config keys of learning, reconcile, the instruction budget and PRDs."""

from __future__ import annotations

import pytest

from runtime.core.config import ConfigError, parse_text


def _parse(line: str):
    return parse_text(f"## Session Config\n\n{line}\n", "CLAUDE.md")


def test_defaults() -> None:
    config = parse_text("## Session Config\n\n- waves: 5\n")
    assert config["evolve-min-sessions"] == 5 and config["learning-half-life"] == 10
    assert config["reconcile-confidence"] == 0.7 and config["learnings-at-start"] == 5
    assert config["learnings-budget"] == 800 and config["instruction-budget"] == 40000
    assert config["instruction-growth"] == 20 and config["prd-dir"] == "docs/prd"


@pytest.mark.parametrize(("line", "key", "value"), [
    ("- reconcile-confidence: 0.85", "reconcile-confidence", 0.85),
    ("- reconcile-confidence: 70%", "reconcile-confidence", 0.7),
    ("- prd-dir: planning/prd/", "prd-dir", "planning/prd"),
    ("- learnings-at-start: 0", "learnings-at-start", 0),
])
def test_accepted_values(line: str, key: str, value: object) -> None:
    assert _parse(line)[key] == value


@pytest.mark.parametrize(("line", "message"), [
    ("- reconcile-confidence: 1.5", "CLAUDE.md:3: error: reconcile-confidence must be from 0 to 1, got 1.5"),
    ("- reconcile-confidence: high", "reconcile-confidence must be a number from 0 to 1, got 'high'"),
    ("- prd-dir: ../elsewhere", "prd-dir must be a directory inside the repository"),
    ("- prd-dir: /etc/prd", "prd-dir must be a directory inside the repository"),
    ("- evolve-min-sessions: 0", "evolve-min-sessions must be 1 or more, got 0"),
    ("- learning-half-life: soon", "learning-half-life must be a whole number"),
])
def test_bad_values_name_the_line_and_the_fix(line: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _parse(line)
    assert message in str(info.value) and "fix:" in str(info.value)
