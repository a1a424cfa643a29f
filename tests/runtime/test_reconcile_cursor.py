"""`reconcile` writes Cursor rules as `.mdc` files whose frontmatter Cursor reads (real render)."""

from __future__ import annotations

from pathlib import Path

import yaml

from runtime.learning import learnings
from tests.helpers import copy_example, render, runtime


def _learning(ident: str, files: list[str], kind: str, subject: str) -> dict:
    return {"id": ident, "kind": kind, "subject": subject, "statement": f"rule text of {ident}: keep it small",
            "evidence": {"sessions": ["S01", "S02", "S03"], "count": 3}, "files": files, "confidence": 0.9,
            "first_seen": "2026-03-01T11:00:00Z", "last_seen": "2026-03-03T11:00:00Z", "status": "accepted"}


def _frontmatter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:].partition("\n---\n")[0])


def test_cursor_rules_carry_description_globs_and_always_apply(tmp_path: Path) -> None:
    repo = render(copy_example(tmp_path / "calc"), platforms=["cursor"])
    learnings.save(repo, _learning("out-of-scope-aaaa", ["src/calc/cli.py", "src/calc/ops.py"], "out-of-scope",
                                   "src/calc/cli.py"))
    learnings.save(repo, _learning("gate-failure-bbbb", [], "gate-failure", "lint"))
    proposed = runtime(repo, "reconcile", "propose")
    assert "+++ b/.cursor/rules/out-of-scope-src-calc-cli-py.mdc" in proposed.stdout, proposed.stdout
    applied = runtime(repo, "reconcile", "apply", "out-of-scope-aaaa", "gate-failure-bbbb")
    assert applied.returncode == 0, applied.stderr
    rules = repo / ".cursor" / "rules"
    scoped = _frontmatter(rules / "out-of-scope-src-calc-cli-py.mdc")
    assert scoped == {"description": "rule text of out-of-scope-aaaa: keep it small",
                      "globs": "src/calc/cli.py, src/calc/ops.py", "alwaysApply": False}
    everywhere = _frontmatter(rules / "gate-failure-lint.mdc")
    assert everywhere == {"description": "rule text of gate-failure-bbbb: keep it small", "alwaysApply": True}
