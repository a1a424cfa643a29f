"""`reconcile propose|apply` on a real render: diffs first, files only on approval."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.learning import learnings
from tests.helpers import runtime


def _learning(ident: str, confidence: float, *, status: str = "accepted", files: list[str] | None = None,
              kind: str = "out-of-scope", subject: str = "src/calc/cli.py") -> dict:
    return {"id": ident, "kind": kind, "subject": subject, "statement": f"rule text of {ident}",
            "evidence": {"sessions": ["S01", "S02", "S03"], "count": 3}, "files": files or [],
            "confidence": confidence, "first_seen": "2026-03-01T11:00:00Z", "last_seen": "2026-03-03T11:00:00Z",
            "status": status}


def _rules(repo: Path) -> list[str]:
    directory = repo / ".claude" / "rules"
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def test_propose_shows_a_diff_and_writes_nothing_apply_writes(rendered_repo: Path) -> None:
    repo = rendered_repo
    learnings.save(repo, _learning("out-of-scope-aaaa", 0.8, files=["src/calc/cli.py"]))
    learnings.save(repo, _learning("gate-failure-bbbb", 0.9, kind="gate-failure", subject="lint"))
    learnings.save(repo, _learning("low-cccc", 0.5, subject="low"))
    learnings.save(repo, _learning("proposed-dddd", 0.99, status="proposed", subject="prop"))
    before = sorted(p.as_posix() for p in repo.rglob("*") if ".git/" not in p.as_posix())
    out = runtime(repo, "reconcile", "propose")
    assert out.returncode == 0, out.stderr
    assert "+++ b/.claude/rules/out-of-scope-src-calc-cli-py.md" in out.stdout
    assert "+++ b/.claude/rules/gate-failure-lint.md" in out.stdout
    assert "--- /dev/null" in out.stdout and "+rule text of out-of-scope-aaaa" in out.stdout
    assert '+  - "src/calc/cli.py"' in out.stdout and "+paths:" in out.stdout
    assert "low-cccc" not in out.stdout and "proposed-dddd" not in out.stdout
    assert out.stdout.index("gate-failure-bbbb") < out.stdout.index("out-of-scope-aaaa")  # most confident first
    after = sorted(p.as_posix() for p in repo.rglob("*") if ".git/" not in p.as_posix())
    assert after == before and _rules(repo) == []

    applied = runtime(repo, "reconcile", "apply", "out-of-scope-aaaa")
    assert applied.returncode == 0, applied.stderr
    assert _rules(repo) == ["out-of-scope-src-calc-cli-py.md"]
    rule = (repo / ".claude" / "rules" / "out-of-scope-src-calc-cli-py.md").read_text(encoding="utf-8")
    assert rule.startswith('---\npaths:\n  - "src/calc/cli.py"\n---\n') and "rule text of out-of-scope-aaaa" in rule
    again = runtime(repo, "reconcile", "propose")
    assert "out-of-scope-aaaa" not in again.stdout and "gate-failure-bbbb" in again.stdout


def test_a_rule_already_present_is_not_proposed_again_even_when_renamed(rendered_repo: Path) -> None:
    repo = rendered_repo
    learnings.save(repo, _learning("gate-failure-bbbb", 0.9, kind="gate-failure", subject="lint"))
    assert runtime(repo, "reconcile", "apply", "gate-failure-bbbb").returncode == 0
    rules = repo / ".claude" / "rules"
    (rules / "gate-failure-lint.md").rename(rules / "my-own-name.md")
    out = runtime(repo, "reconcile", "propose")
    assert "nothing to propose" in out.stdout


def test_apply_refuses_what_is_not_a_pending_proposal(rendered_repo: Path) -> None:
    learnings.save(rendered_repo, _learning("low-cccc", 0.5))
    out = runtime(rendered_repo, "reconcile", "apply", "low-cccc")
    assert out.returncode == 1 and "not a pending proposal" in out.stderr and "Traceback" not in out.stderr
    assert _rules(rendered_repo) == []


def test_the_threshold_is_the_session_config_key(rendered_repo: Path) -> None:
    learnings.save(rendered_repo, _learning("low-cccc", 0.5))
    claude = rendered_repo / "CLAUDE.md"
    claude.write_text(claude.read_text(encoding="utf-8") + "- reconcile-confidence: 0.4\n", encoding="utf-8")
    assert "low-cccc" in runtime(rendered_repo, "reconcile", "propose").stdout


def test_section_style_platform_data_adds_bullets_to_one_file(tmp_path: Path) -> None:
    """A platform whose rules live in AGENTS.md, described only by its data in install.json."""
    from tests.helpers import ROOT

    repo = tmp_path
    (repo / ".orchestrator").mkdir()
    manifest = {"platforms": {"codex": {"rules": {"style": "section", "file": "AGENTS.md",
                                                  "heading": "## Learned rules"}}}}
    (repo / ".orchestrator" / "install.json").write_text(json.dumps(manifest), encoding="utf-8")
    (repo / "AGENTS.md").write_text("# Agents\n\n## Session Config\n\n- enforcement: warn\n", encoding="utf-8")
    learnings.save(repo, _learning("a-1", 0.9, subject="a"))
    learnings.save(repo, _learning("b-2", 0.8, subject="b"))
    out = runtime(repo, "reconcile", "propose", program=ROOT / "runtime")
    assert "--- a/AGENTS.md" in out.stdout and "+- rule text of a-1" in out.stdout
    assert (repo / "AGENTS.md").read_text(encoding="utf-8").count("Learned") == 0
    assert runtime(repo, "reconcile", "apply", "a-1", "b-2", program=ROOT / "runtime").returncode == 0
    text = (repo / "AGENTS.md").read_text(encoding="utf-8")
    assert text.count("## Learned rules") == 1 and "rule text of a-1" in text and "rule text of b-2" in text
    assert text.startswith("# Agents\n\n## Session Config\n\n- enforcement: warn\n")
    assert "nothing to propose" in runtime(repo, "reconcile", "propose", program=ROOT / "runtime").stdout
