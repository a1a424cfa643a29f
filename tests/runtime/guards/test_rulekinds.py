"""Rule kinds live in one registry: the policy accepts exactly the kinds `rulekinds.KINDS` holds, with the
keys each handler declares, and `guard.evaluate` asks that same handler which command a match hits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runtime.guards import guard, policy, rulekinds
from runtime.guards.shell import parse


class _VerbLength(rulekinds.RuleKind):
    """A kind made up for the test: a command whose verb has at least `min_length` characters."""

    keys = frozenset({"kind", "min_length"})

    def problem(self, alt: dict[str, Any]) -> str:
        return "" if isinstance(alt.get("min_length"), int) else "a verb-length match needs \"min_length\""

    def first_match(self, alt: dict[str, Any], view: Any) -> Any:
        return next((c for c in view.commands if len(c.verb) >= alt["min_length"]), None)


RULE = {"id": "long-verb", "severity": "block", "why": "a test rule", "safer": "a shorter verb",
        "match": {"kind": "verb-length", "min_length": 12}}


def test_a_kind_added_to_the_registry_is_validated_and_dispatched(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    assert "verb-length" in policy.validate(RULE)  # not registered: refused, naming the registered kinds
    assert all(kind in policy.validate(RULE) for kind in rulekinds.KINDS)
    monkeypatch.setitem(rulekinds.KINDS, "verb-length", _VerbLength())
    assert policy.validate(RULE) == ""
    assert "min_length" in policy.validate({**RULE, "match": {"kind": "verb-length"}})
    assert "unknown match key(s) verb" in policy.validate({**RULE, "match": {**RULE["match"], "verb": "x"}})
    parsed = parse("ls && sudo averyveryverylongverb --now")
    hits = guard.evaluate(parsed, "", [RULE], tmp_path, str(tmp_path))
    assert [(h.rule["id"], h.command.verb if h.command else "") for h in hits] == [("long-verb",
                                                                                   "averyveryverylongverb")]
    assert guard.evaluate(parse("ls -la"), "", [RULE], tmp_path, str(tmp_path)) == []


def test_every_shipped_kind_has_a_handler_and_every_handler_is_used() -> None:
    floor = policy.load(Path("/nonexistent-root")).rules
    used = {alt.get("kind", "command") for rule in floor
            for alt in (rule["match"] if isinstance(rule["match"], list) else [rule["match"]])}
    assert used == set(rulekinds.KINDS)
