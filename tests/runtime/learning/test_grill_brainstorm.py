"""`grill add|show` (the Grill log in a plan) and `brainstorm write|list|done` (the spec `research` offers
to /plan and /session), on real git repositories in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import init_repo
from tests.runtime.loop_support import rt

PLAN = "# Plan: exports\n\n## Goals\n\n- export to CSV\n\n## Risks\n\n- large files\n"
SPEC = {
    "title": "CSV export",
    "problem": "Users copy results by hand.",
    "options": ["write CSV with the csv module", "shell out to a converter"],
    "decision": "The csv module: no new dependency.",
    "items": [{"id": "S1", "text": "calc --csv writes one row per result"},
              {"id": "S2", "text": "a header row names the columns"}],
    "out_of_scope": ["Excel files"],
    "open_questions": [],
}


def _repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text("# Repo\n\n## Session Config\n\n- enforcement: warn\n", encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs/plan.md").write_text(PLAN, encoding="utf-8")
    return repo


def _add(repo: Path, q: str, a: str, change: str = "") -> dict:
    result = rt(repo, "grill", "add", "--doc", "docs/plan.md", "--question", q, "--answer", a, "--change", change,
                "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_grill_appends_numbered_entries_after_the_last_section_and_reads_them_back(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert _add(repo, "How large is large?", "Up to 2 GB", "Risks names 2 GB")["n"] == 1
    assert _add(repo, "Who reads the file?", "Spreadsheets")["change"] == "none"
    text = (repo / "docs/plan.md").read_text(encoding="utf-8")
    assert text.startswith(PLAN)  # the plan above the log is untouched
    assert text[len(PLAN):] == ("\n## Grill log\n\n1. **Q:** How large is large?\n   **A:** Up to 2 GB\n"
                                "   **Change:** Risks names 2 GB\n\n2. **Q:** Who reads the file?\n"
                                "   **A:** Spreadsheets\n   **Change:** none\n")
    shown = json.loads(rt(repo, "grill", "show", "--doc", "docs/plan.md", "--json").stdout)
    assert [(e["n"], e["question"], e["change"]) for e in shown] == [
        (1, "How large is large?", "Risks names 2 GB"), (2, "Who reads the file?", "none")]


def test_grill_keeps_a_section_after_the_log(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _add(repo, "Q1", "A1", "C1")
    with (repo / "docs/plan.md").open("a", encoding="utf-8") as handle:
        handle.write("\n## Notes\n\nkept\n")
    _add(repo, "Q2", "A2", "C2")
    text = (repo / "docs/plan.md").read_text(encoding="utf-8")
    assert "   **Change:** C1\n\n2. **Q:** Q2\n   **A:** A2\n   **Change:** C2\n\n## Notes\n\nkept\n" in text


def test_grill_refuses_a_log_it_cannot_read_and_writes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _add(repo, "Q1", "A1", "C1")
    path = repo / "docs/plan.md"
    broken = path.read_text(encoding="utf-8").replace("   **A:** A1", "answer: A1")
    path.write_text(broken, encoding="utf-8")
    result = rt(repo, "grill", "add", "--doc", "docs/plan.md", "--question", "Q2", "--answer", "A2")
    assert result.returncode == 1
    line = broken.splitlines().index("answer: A1") + 1
    assert f"docs/plan.md:{line}:" in result.stderr
    assert path.read_text(encoding="utf-8") == broken
    missing = rt(repo, "grill", "add", "--doc", "docs/none.md", "--question", "Q", "--answer", "A")
    assert missing.returncode == 1 and "docs/none.md: no such document" in missing.stderr
    outside = rt(repo, "grill", "show", "--doc", "../elsewhere.md")
    assert outside.returncode == 1 and "inside the repository" in outside.stderr


def test_a_brainstorm_spec_is_offered_by_research_until_it_is_done(tmp_path: Path) -> None:
    """/plan and /session both start from `research`: the spec's items must be in what it prints."""
    repo = _repo(tmp_path)
    assert json.loads(rt(repo, "research", "--json").stdout)["specs"] == []
    written = rt(repo, "brainstorm", "write", "-", stdin=json.dumps(SPEC))
    assert written.returncode == 0, written.stderr
    path = repo / ".orchestrator/specs/csv-export.md"
    assert path.is_file() and "status: open" in path.read_text(encoding="utf-8")
    data = json.loads(rt(repo, "research", "--json").stdout)
    assert data["specs"] == [{"path": ".orchestrator/specs/csv-export.md", "slug": "csv-export",
                              "title": "CSV export", "status": "open",
                              "items": [{"id": "S1", "text": "calc --csv writes one row per result"},
                                        {"id": "S2", "text": "a header row names the columns"}]}]
    text = rt(repo, "research").stdout
    assert "Open spec from /brainstorm: .orchestrator/specs/csv-export.md: CSV export" in text
    assert "  S2: a header row names the columns" in text
    # a spec is a document to grill too
    assert rt(repo, "grill", "add", "--doc", ".orchestrator/specs/csv-export.md", "--question", "Q",
              "--answer", "A").returncode == 0
    assert [s["slug"] for s in json.loads(rt(repo, "brainstorm", "list", "--json").stdout)] == ["csv-export"]
    assert rt(repo, "brainstorm", "done", "csv-export").returncode == 0
    assert json.loads(rt(repo, "research", "--json").stdout)["specs"] == []
    assert "status: done" in path.read_text(encoding="utf-8")
    assert [s["status"] for s in json.loads(rt(repo, "brainstorm", "list", "--all", "--json").stdout)] == ["done"]


def test_brainstorm_rejects_a_spec_without_a_choice_and_writes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    one_option = {**SPEC, "options": ["only one"]}
    result = rt(repo, "brainstorm", "write", "-", stdin=json.dumps(one_option))
    assert result.returncode == 1 and "at least two approaches" in result.stderr
    bad_json = rt(repo, "brainstorm", "write", "-", stdin='{"title": ')
    assert bad_json.returncode == 1 and "standard input:1:" in bad_json.stderr
    assert not (repo / ".orchestrator/specs").exists()
    assert rt(repo, "brainstorm", "write", "-", stdin=json.dumps(SPEC)).returncode == 0
    again = rt(repo, "brainstorm", "write", "-", stdin=json.dumps(SPEC))
    assert again.returncode == 1 and "already exists" in again.stderr
