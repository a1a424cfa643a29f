"""`audit` on a real consumer repository: examples/python-calc in git, rendered with the real `copier copy`
for two agents (their hooks wired by the template's own install task), with a CI workflow committed.

The score must be the same on every run over the same repository (the JSON byte for byte, apart
from its timestamp), and move by the points of exactly the check that is broken on purpose:
a hook taken out of an agent's settings, the runtime's hook program removed, the Session
Config broken, the CI file deleted, an unfiled carryover entry. `report` shows the trend.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import commit_all, copy_example, render, runtime

_BUILT: dict[str, Path] = {}
CI = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


@pytest.fixture
def repo(tmp_path_factory: Any, tmp_path: Path) -> Path:
    """A fresh copy of the rendered repository (rendered once per worker: copier takes seconds)."""
    if "repo" not in _BUILT:
        built = copy_example(tmp_path_factory.mktemp("audit") / "calc")
        render(built, platforms=["claude", "codex"])
        (built / ".github" / "workflows").mkdir(parents=True)
        (built / ".github" / "workflows" / "ci.yml").write_text(CI, encoding="utf-8")
        commit_all(built, "session-orchestrator for two agents; CI")
        _BUILT["repo"] = built
    copy = tmp_path / "calc"
    shutil.copytree(_BUILT["repo"], copy, symlinks=True)
    return copy


def audit(repo: Path, *args: str) -> tuple[str, dict[str, Any]]:
    result = runtime(repo, "audit", "--json", *args, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, json.loads(result.stdout)


def failed(data: dict[str, Any]) -> dict[str, int]:
    return {c["id"]: c["max"] for c in data["checks"] if not c["ok"]}


def test_the_score_is_the_same_on_every_run(repo: Path) -> None:
    first, data = audit(repo)
    second, _ = audit(repo)
    without_time = re.compile(r'"ts": "[^"]+"')
    assert without_time.sub("", first) == without_time.sub("", second)
    assert (data["score"], data["max"], failed(data)) == (100, 100, {}), data
    assert [c["id"] for c in data["checks"]] == ["config", "hooks-wired", "hooks-firing", "gates", "tests", "budget",
                                                 "ci", "carryover"]
    hooks = next(c for c in data["checks"] if c["id"] == "hooks-firing")
    assert hooks["reason"].count("allows 'ls', denies 'rm -rf ./build'") == 2, hooks
    records = (repo / ".orchestrator" / "metrics" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["score"] for line in records] == [100, 100]
    audit(repo, "--no-record")
    assert len((repo / ".orchestrator" / "metrics" / "audit.jsonl").read_text().splitlines()) == 2


def test_an_unwired_hook_costs_the_wiring_points(repo: Path) -> None:
    settings = repo / ".claude" / "settings.json"
    data = json.loads(settings.read_text(encoding="utf-8"))
    del data["hooks"]["PreToolUse"]
    settings.write_text(json.dumps(data, indent=2), encoding="utf-8")
    _, result = audit(repo)
    assert (result["score"], failed(result)) == (85, {"hooks-wired": 15}), result
    wired = next(c for c in result["checks"] if c["id"] == "hooks-wired")
    assert "not wired for" in wired["reason"] and "install" in wired["fix"]


def test_a_hook_program_that_cannot_answer_costs_the_firing_points(repo: Path) -> None:
    (repo / ".orchestrator" / "runtime" / "hookpath" / "hooks.py").unlink()
    _, result = audit(repo)
    assert (result["score"], failed(result)) == (85, {"hooks-firing": 15}), result


def test_a_broken_session_config_costs_its_points_and_the_gates(repo: Path) -> None:
    claude = repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "- waves: two\n", encoding="utf-8")
    _, result = audit(repo)
    assert (result["score"], failed(result)) == (70, {"config": 15, "gates": 15}), result
    config = next(c for c in result["checks"] if c["id"] == "config")
    assert "CLAUDE.md" in config["reason"] and "waves" in config["reason"], config


def test_deleting_the_ci_file_costs_the_ci_points(repo: Path) -> None:
    shutil.rmtree(repo / ".github")
    _, result = audit(repo)
    assert (result["score"], failed(result)) == (90, {"ci": 10}), result


def test_unfiled_carryover_costs_its_points(repo: Path) -> None:
    from runtime.loop import carryover

    carryover.write(repo, [{"state": "open", "ref": "", "title": "finish the parser", "body": "left over\n\n"
                            + carryover.marker("2026-01-01-0001", "1"), "session": "2026-01-01-0001", "item": "1"}])
    _, result = audit(repo)
    assert (result["score"], failed(result)) == (90, {"carryover": 10}), result


def test_the_report_shows_the_trend(repo: Path, tmp_path: Path) -> None:
    audit(repo)
    shutil.rmtree(repo / ".github")
    audit(repo)
    table = runtime(repo, "report")
    assert table.returncode == 0, table.stderr
    assert "harness audit: 90/100" in table.stdout and "(failed: ci); last 2: 100 -> 90" in table.stdout
    page = tmp_path / "report.html"
    assert runtime(repo, "report", "--html", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "<h2>Harness audit</h2>" in html and 'data-value="100"' in html and 'data-value="90"' in html
