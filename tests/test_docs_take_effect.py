"""The user guide and the Session Config reference say one thing about when a changed value takes effect.

The rule: the enforcement a session runs under is fixed when the agent's session starts; a weaker value
found later is reported on every hook call and takes effect at the next session start; a stricter value
takes effect at once. Every other key is read afresh on the next command or hook call.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT

PAGES = ["docs/user-guide.md", "docs/session-config.md"]
# What the pages used to say, each of which contradicts the rule for `enforcement`.
CONTRADICTIONS = ["the next tool call uses the new value",
                  "so a change takes effect on the next command or hook call",
                  "not until `wave start`"]


def text(page: str) -> str:
    return " ".join((ROOT / page).read_text(encoding="utf-8").split())


@pytest.mark.parametrize("page", PAGES)
def test_each_page_states_the_rule(page: str) -> None:
    body = text(page)
    assert "fixed when the agent's session starts" in body
    assert re.search(r"weaker [^.]*reported on every hook call and takes effect only (at|when you start) the next "
                     r"session", body), page
    assert re.search(r"stricter (value|level|one) takes effect at once|stricter one at once", body), page


@pytest.mark.parametrize("page", PAGES)
def test_no_page_says_otherwise(page: str) -> None:
    body = text(page)
    assert [phrase for phrase in CONTRADICTIONS if phrase in body] == []
