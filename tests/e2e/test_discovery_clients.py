"""`/discovery` through the real Claude Code, Codex CLI and Pi: the runtime's findings reach the model.

Real: Copier's render of this template for one agent into the bundled example, a module
planted in it with no test and a TODO note, the pinned client expanding the rendered
command, its hooks judging each call, and the vendored runtime probing the repository and
filing the chosen finding into the carryover list (the repository has no remote). Scripted:
only the model, which makes the two runtime calls the command text asks for.

What is asserted is what the client sent back to the model as the shell call's result,
compared with the findings the same runtime prints when asked directly, never the script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_model import all_text, tool_result_text, tool_use_id
from tests.helpers import commit_all, copy_example, render, runtime

RT = "python3 -S .orchestrator/runtime"
LEDGER = "src/calc/ledger.py"
PLANTED = '"""Running totals."""\n\n\ndef total(entries: list[float]) -> float:\n' \
          "    # TODO: reject negative entries\n    return sum(entries)\n"
# the PATH every client gives its shell calls ends in these; the direct run must see the same tools
CLIENT_PATH = "/usr/local/bin:/usr/bin:/bin"


def _planted(tmp_path: Path, platform: str) -> tuple[Path, list[dict[str, Any]]]:
    """The example rendered for `platform` with the gap committed, and what discovery finds in it."""
    repo = render(copy_example(tmp_path / "calc"), platforms=[platform])
    commit_all(repo, f"Add session-orchestrator for {platform}")
    (repo / LEDGER).write_text(PLANTED, encoding="utf-8")
    commit_all(repo, "Running totals")
    direct = runtime(repo, "discovery", "all", "--json", env={"PATH": CLIENT_PATH})
    assert direct.returncode == 0, direct.stderr
    findings = json.loads(direct.stdout)["findings"]
    planted = {(f["category"], f["file"]) for f in findings}
    assert {("untested", LEDGER), ("recent-untested", LEDGER), ("todo", LEDGER)} <= planted, findings
    return repo, findings


def _steps(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chosen = next(f for f in findings if f["category"] == "untested" and f["file"] == LEDGER)
    return [{"shell": f"{RT} discovery all"}, {"shell": f"{RT} discovery file {chosen['id']}"},
            {"text": "Filed the untested module; the rest was skipped."}]


def _assert_findings_came_back(repo: Path, findings: list[dict[str, Any]], run: Any) -> None:
    text = all_text(run.requests)
    assert "Find what the repository needs next" in text, run.describe()  # the rendered command reached it
    assert f"{RT} discovery <scope>" in text  # and asks for exactly the call the model made
    probed = tool_result_text(run.requests, tool_use_id(0))
    assert probed.count("discovery (all): ") == 1, run.describe()
    assert f"{len(findings)} findings" in probed
    for finding in findings:
        assert f"{finding['id']}  {finding['title']}" in probed, (finding, probed)
    filed = tool_result_text(run.requests, tool_use_id(1))
    assert "discovery file:" in filed and "carryover" in filed, run.describe()
    carried = (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8")
    untested = next(f for f in findings if f["category"] == "untested" and f["file"] == LEDGER)
    assert carried.count("\n## open: ") == 1 and f"## open: [Discovery] {untested['title']}" in carried
    assert f"session=discovery item={untested['id']} -->" in carried


def test_discovery_through_claude_code(tmp_path: Path, run_claude) -> None:
    repo, findings = _planted(tmp_path, "claude")
    run = run_claude(repo, "/discovery all", {"steps": _steps(findings)})
    _assert_findings_came_back(repo, findings, run)


def test_discovery_through_pi(tmp_path: Path, run_pi) -> None:
    repo, findings = _planted(tmp_path, "pi")
    run = run_pi(repo, "/discovery all", {"steps": _steps(findings)})
    assert "Scope requested: `all`" in all_text(run.requests), "Pi substitutes the argument"
    _assert_findings_came_back(repo, findings, run)


@pytest.fixture
def codex_planted(tmp_path: Path, codex_bin: Path) -> tuple[Path, list[dict[str, Any]], Path]:
    """The planted repository for Codex, and a CODEX_HOME in which the user trusted it and its hooks."""
    from tests.e2e.runners import trust_like_a_user

    repo, findings = _planted(tmp_path, "codex")
    home = tmp_path / "user-home" / ".codex"
    hooks = trust_like_a_user(codex_bin, home, repo)
    assert {h["eventName"] for h in hooks if h["source"] == "project" and h["trustStatus"] == "trusted"} == {
        "preToolUse", "sessionStart"}, hooks
    return repo, findings, home


def test_discovery_through_codex(codex_planted: tuple[Path, list[dict[str, Any]], Path], run_codex) -> None:
    repo, findings, home = codex_planted
    run = run_codex(repo, "$discovery all", {"steps": _steps(findings)}, trust_project=False, trust_hooks=False,
                    codex_home=home)
    assert "<skill>\n<name>discovery</name>" in all_text(run.requests), run.describe()
    _assert_findings_came_back(repo, findings, run)
