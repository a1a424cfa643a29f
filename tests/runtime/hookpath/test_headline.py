"""The one line a person sees when a hook blocks or warns says the verdict once.

Claude Code shows `systemMessage` in its status line and Cursor shows `user_message`; both come from
`Decision.headline`. Reasons that already say "blocked" or "allowed" get no second verdict in front.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runtime.core.decision import DENY, WARN, Decision, cannot_judge
from tests.runtime.hookpath.test_hooks import _bash, _hook, _repo, _write_payload

VERDICTS = re.compile(r"allowed with a warning|blocked|denied|allowed|warning", re.IGNORECASE)


def _scope(repo: Path, enforcement: str) -> None:
    scope_file = repo / ".orchestrator/state/scope.json"
    scope_file.parent.mkdir(parents=True, exist_ok=True)
    scope_file.write_text(json.dumps({"wave": 2, "role": "Impl-Core", "enforcement": enforcement,
                                      "allowed": ["src/calc/"]}))


@pytest.mark.parametrize("enforcement", ["strict", "warn"])
def test_an_out_of_scope_write_is_announced_with_one_verdict(tmp_path: Path, enforcement: str) -> None:
    repo = _repo(tmp_path, enforcement)
    _scope(repo, enforcement)
    out, _ = _hook(repo, _write_payload(repo / "README.md"))
    assert out is not None
    message = out["systemMessage"]
    assert len(VERDICTS.findall(message)) == 1, message
    assert message.startswith(f"session-orchestrator scope ({enforcement}): ")


def test_a_destructive_command_is_announced_with_one_verdict(tmp_path: Path) -> None:
    out, _ = _hook(_repo(tmp_path), _bash("rm -rf src"))
    assert out is not None
    assert len(VERDICTS.findall(out["systemMessage"])) == 1, out["systemMessage"]


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Decision(DENY, "session-orchestrator: 'x' belongs to the guard itself.\nmore", "r"),
         "Blocked: session-orchestrator: 'x' belongs to the guard itself."),
        (Decision(WARN, "session-orchestrator loop guard: the same call 3 times.", "loop"),
         "Warning: session-orchestrator loop guard: the same call 3 times."),
        (Decision(DENY, "session-orchestrator blocked this command (rule r).\nSegment: x", "r"),
         "session-orchestrator blocked this command (rule r)."),
        (cannot_judge("read the scope", "bad JSON", "warn", "scope-unreadable"),
         "session-orchestrator could not read the scope: bad JSON. It was allowed (enforcement: warn)."),
    ],
    ids=["says-nothing", "warn-says-nothing", "says-blocked", "says-allowed"],
)
def test_the_verdict_goes_in_front_only_when_the_reason_does_not_say_it(decision: Decision, expected: str) -> None:
    assert decision.headline == expected
