"""`/dispatcher` through the real Claude Code: the ranking and the claim come back from the runtime.

Real: Copier's render of this template into the bundled example, a sibling repository with
carryover waiting (so it ranks first), the pinned client expanding the rendered command and
its hooks judging each call, the vendored runtime ranking both and taking the lease. Scripted:
only the model, which makes the calls the command text asks for.
"""

from __future__ import annotations

from pathlib import Path

from runtime.core import lease
from runtime.loop import carryover
from tests.e2e.fake_model import all_text, tool_result_text, tool_use_id
from tests.helpers import commit_all, copy_example, render

RT = "python3 -S .orchestrator/runtime"


def test_dispatcher_through_claude_code(tmp_path: Path, run_claude) -> None:
    root = tmp_path / "src"
    here = render(copy_example(root / "calc"), platforms=["claude"])
    commit_all(here, "Add session-orchestrator")
    other = copy_example(root / "shop")
    (other / ".orchestrator").mkdir()
    carryover.write(other, [{"state": "open", "ref": "", "title": "Refunds", "session": "s1", "item": "I1",
                             "body": f"left over\n\n{carryover.marker('s1', 'I1')}"}])
    steps = [{"shell": f"{RT} dispatcher"}, {"shell": f"{RT} dispatcher --claim --holder desk-1"},
             {"text": "You have shop."}]
    run = run_claude(here, "/dispatcher", {"steps": steps})
    assert "# Pick the repository to work on next" in all_text(run.requests), run.describe()
    ranked = tool_result_text(run.requests, tool_use_id(0))
    shop = other.resolve().as_posix()
    assert f"  1. shop  (score 2) {shop}" in ranked and "1 carryover item waiting" in ranked, run.describe()
    assert f"recommended: shop ({shop})" in ranked
    claimed = tool_result_text(run.requests, tool_use_id(1))
    assert f"claimed: {shop} as desk-1 until " in claimed, run.describe()
    held = lease.read(other / ".orchestrator" / "state" / "lease")
    assert held is not None and held["holder"] == "desk-1" and lease.status(held) == "held"
    assert lease.read(here / ".orchestrator" / "state" / "lease") is None
