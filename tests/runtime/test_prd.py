"""`plan-doc template|write|items|retro` and the PRD items `research` offers."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from runtime.core import telemetry
from runtime.learning import learnings
from tests.helpers import ROOT, git, init_repo, runtime
from tests.runtime.learning_support import session

PROGRAM = ROOT / "runtime"

FEATURE = {
    "title": "Power and root operations",
    "summary": "Users can raise to a power and take roots.",
    "problem": "calc has only add and subtract.",
    "goals": ["power and root work for integers"],
    "non_goals": ["complex numbers"],
    "requirements": [{"id": "R1", "text": "ops.power(a, b) returns a ** b"},
                     {"id": "R2", "text": "ops.root(a, n) returns the n-th root"}],
    "acceptance": [{"id": "A1", "text": "ops.power(2, 3) == 8 in a test", "requirement": "R1"},
                   {"id": "A2", "text": "ops.root(27, 3) == 3 in a test", "requirement": "R2"}],
    "open_questions": [],
}


def _repo(tmp_path: Path, config: str = "") -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text(f"# Repo\n\n## Session Config\n\n- enforcement: warn\n{config}", encoding="utf-8")
    return repo


def _rt(repo: Path, *args: str, stdin: str | None = None):
    return runtime(repo, *args, stdin=stdin, program=PROGRAM)


def test_template_is_valid_input_for_write(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for kind in ("feature", "new", "retro"):
        template = _rt(repo, "plan-doc", "template", "--kind", kind).stdout
        out = _rt(repo, "plan-doc", "write", "--kind", kind, "--force", stdin=template)
        assert out.returncode == 0, out.stderr
    assert len(list((repo / "docs" / "prd").glob("*.md"))) == 2  # feature and new share the template's title


def test_feature_prd_has_the_fixed_structure_and_research_offers_its_items(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = _rt(repo, "plan-doc", "write", "--kind", "feature", stdin=json.dumps(FEATURE))
    assert out.returncode == 0, out.stderr
    docs = list((repo / "docs" / "prd").glob("*-prd-power-and-root-operations.md"))
    assert len(docs) == 1
    text = docs[0].read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Problem", "## Goals", "## Non-goals", "## Requirements",
                        "## Acceptance criteria", "## Open questions"]
    assert "- [ ] R1: ops.power(a, b) returns a ** b" in text
    assert "- [ ] A1: ops.power(2, 3) == 8 in a test (R1)" in text
    research = _rt(repo, "research")
    assert "Open PRD items" in research.stdout and "R1: ops.power(a, b) returns a ** b" in research.stdout
    data = json.loads(_rt(repo, "research", "--json").stdout)
    assert [i["id"] for i in data["prd_items"]] == ["R1", "R2"]
    # a ticked item is no longer offered; a document marked done offers nothing
    docs[0].write_text(text.replace("- [ ] R1:", "- [x] R1:"), encoding="utf-8")
    assert [i["id"] for i in json.loads(_rt(repo, "research", "--json").stdout)["prd_items"]] == ["R2"]
    docs[0].write_text(text.replace("status: open", "status: done"), encoding="utf-8")
    assert json.loads(_rt(repo, "research", "--json").stdout)["prd_items"] == []


def test_location_is_the_session_config_key(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "- prd-dir: planning/docs\n")
    assert _rt(repo, "plan-doc", "write", stdin=json.dumps(FEATURE)).returncode == 0
    assert list((repo / "planning" / "docs").glob("*.md"))
    assert "R2" in _rt(repo, "plan-doc", "items").stdout


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "'title' must be a non-empty string"),
    ({"requirements": []}, "'requirements' must be a non-empty list"),
    ({"requirements": [{"id": "R1", "text": "a"}, {"id": "R1", "text": "b"}]}, "id 'R1' is used twice"),
    ({"acceptance": [{"id": "A1", "text": "x", "requirement": "R9"}]}, "names requirement 'R9'"),
    ({"acceptance": [{"id": "A1", "text": "x", "requirement": "R1"}]}, "R2 have no acceptance criterion"),
    ({"colour": "blue"}, "unknown field(s) colour"),
])
def test_invalid_documents_are_refused_with_the_field_named(tmp_path: Path, change: dict, message: str) -> None:
    repo = _repo(tmp_path)
    out = _rt(repo, "plan-doc", "write", stdin=json.dumps({**FEATURE, **change}))
    assert out.returncode == 1 and message in out.stderr and "Nothing was written" in out.stderr, out.stderr
    assert not (repo / "docs" / "prd").exists()


def test_broken_json_names_line_and_column(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = _rt(repo, "plan-doc", "write", stdin='{\n  "title": "x",\n  oops\n}')
    assert out.returncode == 1 and "standard input:3:3: not valid JSON" in out.stderr


def test_same_title_is_not_overwritten_without_force(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert _rt(repo, "plan-doc", "write", stdin=json.dumps(FEATURE)).returncode == 0
    again = _rt(repo, "plan-doc", "write", stdin=json.dumps(FEATURE))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert _rt(repo, "plan-doc", "write", "--force", stdin=json.dumps(FEATURE)).returncode == 0


def test_retro_history_since_a_date_or_a_tag(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for index in range(4):
        telemetry.record_session(repo, session(index, gate_failures=["lint"] if index == 3 else None))
    learnings.save(repo, {"id": "gate-failure-1", "kind": "gate-failure", "statement": "lint keeps failing",
                          "confidence": 0.6, "status": "accepted", "last_seen": "2026-03-04T11:00:00Z"})
    data = json.loads(_rt(repo, "plan-doc", "retro", "--since", "2026-03-03", "--json").stdout)
    assert [s["id"] for s in data["sessions"]] == ["S03", "S04"]
    assert data["totals"]["sessions"] == 2 and data["learnings"][0]["id"] == "gate-failure-1"
    env_date = "2026-03-02T12:00:00+00:00"
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "release"], cwd=repo, check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": env_date, "GIT_AUTHOR_DATE": env_date})
    git(repo, "tag", "v1")
    text = _rt(repo, "plan-doc", "retro", "--since", "v1").stdout
    assert "2 session(s)" in text and "S02" not in text and "S03" in text and "gate failures: lint" in text
    bad = _rt(repo, "plan-doc", "retro", "--since", "no-such-tag")
    assert bad.returncode == 1 and "neither a date" in bad.stderr


def test_retro_document_needs_acceptance_for_each_action(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    retro = json.loads(_rt(repo, "plan-doc", "template", "--kind", "retro").stdout)
    retro["actions"] = [{"id": "X1", "text": "shorter waves"}]
    out = _rt(repo, "plan-doc", "write", "--kind", "retro", stdin=json.dumps(retro))
    assert out.returncode == 1 and "missing for X1" in out.stderr
