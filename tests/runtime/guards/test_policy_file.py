"""The shipped policy file says each thing once: no rule repeats a match alternative, and the `about`
text repeats no sentence. A duplicate changes no decision, so nothing else would notice it; it only
makes the floor longer to read and to review."""

from __future__ import annotations

import json
import re
from typing import Any

from runtime.guards import policy


def repeats(floor: dict[str, Any]) -> list[str]:
    """Every duplicate in a policy document: alternatives of one rule equal as JSON (key order does
    not matter), and sentences the `about` text says more than once."""
    found: list[str] = []
    for rule in floor.get("rules", []):
        match = rule.get("match")
        seen: set[str] = set()
        for index, alt in enumerate(match if isinstance(match, list) else [match]):
            key = json.dumps(alt, sort_keys=True)
            if key in seen:
                found.append(f"rule {rule.get('id')}: match[{index}] repeats an earlier alternative: {key}")
            seen.add(key)
    about = floor.get("about", "")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(about) if isinstance(about, list) else about)]
    said: set[str] = set()
    for sentence in sentences:
        if sentence and sentence in said:
            found.append(f"about: repeats the sentence {sentence!r}")
        said.add(sentence)
    return found


def test_the_shipped_policy_says_each_thing_once() -> None:
    floor = json.loads(policy.FLOOR_PATH.read_text(encoding="utf-8"))
    assert repeats(floor) == []


def test_a_repeated_alternative_or_sentence_is_found() -> None:
    """The check itself, on planted duplicates (so it cannot pass by reading nothing)."""
    alt = {"verb": "git", "sub": ["checkout"], "flags": [["-f"]]}
    planted = {"about": "One. Two words here. One.",
               "rules": [{"id": "r", "match": [alt, {"flags": [["-f"]], "sub": ["checkout"], "verb": "git"}]},
                         {"id": "s", "match": alt}]}
    found = repeats(planted)
    assert len(found) == 2
    assert found[0].startswith("rule r: match[1]") and found[1] == "about: repeats the sentence 'One.'"
    assert repeats({"about": "One. Two.", "rules": [{"id": "r", "match": [alt, {**alt, "flags": [["-F"]]}]}]}) == []
