"""The learnings store and what the session start shows of it."""

from __future__ import annotations

from pathlib import Path

from runtime.learning import learnings
from tests.helpers import ROOT, commit_all, init_repo, runtime

PROGRAM = ROOT / "runtime"


def _learning(ident: str, confidence: float, *, kind: str = "gate-failure", status: str = "accepted",
              files: list[str] | None = None, statement: str | None = None) -> dict:
    return {"id": ident, "kind": kind, "subject": ident, "statement": statement or f"statement of {ident}",
            "evidence": {"sessions": ["S01", "S02"], "count": 2}, "files": files or [], "confidence": confidence,
            "first_seen": "2026-03-01T11:00:00Z", "last_seen": "2026-03-02T11:00:00Z", "status": status}


def _repo(tmp_path: Path, config: str = "") -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "CLAUDE.md").write_text(f"# Repo\n\n## Session Config\n\n- enforcement: warn\n{config}", encoding="utf-8")
    return repo


def test_last_record_by_id_is_the_current_state(tmp_path: Path) -> None:
    learnings.save(tmp_path, _learning("a", 0.5, status="proposed"))
    learnings.save(tmp_path, _learning("b", 0.4, status="proposed"))
    learnings.save(tmp_path, _learning("a", 0.6, status="accepted"))
    with learnings.path(tmp_path).open("a", encoding="utf-8") as handle:
        handle.write('{"id": "torn')  # a crash mid-write loses that line only
    state = learnings.current(tmp_path)
    assert list(state) == ["a", "b"]
    assert state["a"]["status"] == "accepted" and state["a"]["confidence"] == 0.6


def test_start_block_is_ranked_filtered_and_counted(tmp_path: Path) -> None:
    learnings.save(tmp_path, _learning("low", 0.3))
    learnings.save(tmp_path, _learning("high", 0.9))
    learnings.save(tmp_path, _learning("proposed", 0.99, status="proposed"))
    learnings.save(tmp_path, _learning("elsewhere", 0.95, kind="out-of-scope", files=["other.py"]))
    learnings.save(tmp_path, _learning("here", 0.5, kind="out-of-scope", files=["src/a.py"]))
    learnings.save(tmp_path, _learning("avoid", 0.2, kind="not-to-retry", statement="patching the parser"))
    lines = learnings.for_start(tmp_path, {"src/a.py"}, count=10, budget=2000)
    shown = "\n".join(lines)
    assert "proposed" not in shown and "elsewhere" not in shown
    assert [shown.index(f"statement of {name}") for name in ("high", "here", "low")] == sorted(
        shown.index(f"statement of {name}") for name in ("high", "here", "low"))
    assert lines[1].endswith("do not retry: patching the parser")
    assert [line.split("]")[0] for line in lines[2:]] == ["  [0.90", "  [0.50", "  [0.30"]
    limited = learnings.for_start(tmp_path, {"src/a.py"}, count=2, budget=2000)
    assert len(limited) == 1 + 2 + 1 and limited[-1] == "  ... 2 more"


def test_start_block_stays_within_its_character_budget(tmp_path: Path) -> None:
    for n in range(8):
        learnings.save(tmp_path, _learning(f"l{n}", 0.5 + n / 100, statement="word " * 60))
    for budget in (40, 120, 300, 800):
        lines = learnings.for_start(tmp_path, set(), count=5, budget=budget)
        assert len("\n".join(lines)) <= budget
        assert len(lines) - 1 <= 5
    assert learnings.for_start(tmp_path, set(), count=0, budget=800) == []


def test_banner_shows_learnings_for_the_likely_files(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "- learnings-at-start: 2\n- learnings-budget: 400\n")
    (repo / "src").mkdir()
    (repo / "src" / "recent.py").write_text("x = 1\n", encoding="utf-8")
    commit_all(repo, "Add recent")
    (repo / "dirty.py").write_text("y = 1\n", encoding="utf-8")
    for n, files in enumerate((["src/recent.py"], ["dirty.py"], ["untouched.py"], [], [])):
        learnings.save(repo, _learning(f"l{n}", 0.9 - n / 10, kind="out-of-scope" if files else "gate-failure",
                                       files=files))
    out = runtime(repo, "banner", program=PROGRAM)
    assert out.returncode == 0, out.stderr
    block = out.stdout.split("learnings (accepted", 1)[1]
    assert "statement of l0" in block and "statement of l1" in block
    assert "statement of l2" not in block and "statement of l3" not in block  # count 2 reached
    assert "... 2 more" in block


def test_banner_without_learnings_has_no_block(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = runtime(repo, "banner", program=PROGRAM)
    assert out.returncode == 0 and "learnings" not in out.stdout


def test_banner_says_when_learnings_wait_for_review(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    learnings.save(repo, _learning("p1", 0.6, status="proposed"))
    learnings.save(repo, _learning("p2", 0.6, status="proposed"))
    out = runtime(repo, "banner", program=PROGRAM)
    assert "learnings: 2 proposed, shown once accepted: /evolve review" in out.stdout
    assert "statement of p1" not in out.stdout
