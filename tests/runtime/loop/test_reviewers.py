"""The review step's reviewers come from the wave's real git diff and the rule table in
runtime/loop/reviewers.json: security for auth, crypto, SQL and secrets; architecture for layout,
public interfaces, new modules and dependencies; neither for documentation or tests alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.core.treestate import tree_id
from runtime.loop.reviewers import ReviewersError, diff, load_rules, select
from tests.runtime.loop_support import begin, calc_repo, finish, rt, start_with_plan

OPS = "src/calc/ops.py"


def _edit(repo: Path, path: str, text: str, append: bool = True) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    before = target.read_text(encoding="utf-8") if append and target.exists() else ""
    target.write_text(before + text, encoding="utf-8")


def _reviewers(repo: Path) -> list[str]:
    """The reviewers for everything changed since HEAD, read from git as the review step reads it."""
    return [r["agent"] for r in select(diff(repo, "HEAD", tree_id(repo)), load_rules())]


CASES = {
    "a SQL query": ({OPS: '\n\ndef _total(db):\n    return db.execute("SELECT sum(x) FROM t").fetchone()\n'},
                    ["session-reviewer", "security-reviewer"]),
    "a secret": ({"src/calc/cli.py": '\n_API_KEY = "sk-live-123"\n'}, ["session-reviewer", "security-reviewer"]),
    "password hashing": ({OPS: "\n\nimport hashlib\n_seen = hashlib.sha256(b'x')\n"},
                         ["session-reviewer", "security-reviewer"]),
    "a token store by its path": ({"src/calc/token_store.json": "{}\n"}, ["session-reviewer", "security-reviewer"]),
    "a dependency": ({"pyproject.toml": '\n[project.optional-dependencies]\nfast = ["numpy>=2"]\n'},
                     ["session-reviewer", "architect-reviewer"]),
    "a new module": ({"src/calc/stats.py": "def mean(values):\n    return sum(values) / len(values)\n"},
                     ["session-reviewer", "architect-reviewer"]),
    "the package layout": ({"src/calc/__init__.py": "\nVERSION = '2'\n"}, ["session-reviewer", "architect-reviewer"]),
    "a documentation change about auth and SQL": (
        {"README.md": "\nThe password is never stored; run SELECT id FROM users to check.\n",
         "docs/auth.md": "# Auth\n\nTokens use hmac.\n"}, ["session-reviewer"]),
    "a test change": ({"tests/test_ops.py": "\n\ndef test_secret_password_hash():\n    assert 'password'\n"},
                      ["session-reviewer"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_diff_decides_the_reviewers(case: str, tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    files, expected = CASES[case]
    for path, text in files.items():
        _edit(repo, path, text)
    assert _reviewers(repo) == expected


def test_a_changed_public_signature_adds_the_architect_and_a_new_private_helper_does_not(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    ops = repo / OPS
    ops.write_text(ops.read_text(encoding="utf-8") + "\n\ndef _clamp(x):\n    return x\n", encoding="utf-8")
    assert _reviewers(repo) == ["session-reviewer"]
    ops.write_text(ops.read_text(encoding="utf-8").replace("def add(a: float, b: float)",
                                                           "def add(a: float, b: float, c: float = 0)"),
                   encoding="utf-8")
    plan = select(diff(repo, "HEAD", tree_id(repo)), load_rules())
    assert [r["agent"] for r in plan] == ["session-reviewer", "architect-reviewer"]
    assert any("a removed line matches" in reason and "def add" in reason for reason in plan[1]["reasons"])


def test_the_wave_diff_starts_where_the_wave_started_and_is_read_from_git(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    start_with_plan(repo)
    assert begin(repo, 1).returncode == 0
    finish(repo, 1, "T1=done")
    # a SQL change made before wave 2 starts is not wave 2's to review
    _edit(repo, OPS, '\n\ndef _rows(db):\n    return db.execute("SELECT * FROM t")\n')
    assert begin(repo, 2).returncode == 0
    quiet = json.loads(rt(repo, "review", "plan", "--wave", "2", "--json").stdout)
    assert [r["agent"] for r in quiet["reviewers"]] == ["session-reviewer"] and quiet["files"] == []
    _edit(repo, "src/calc/power.py", "def power(a, b):\n    return a ** b\n")
    result = rt(repo, "review", "plan", "--wave", "2", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["files"] == ["src/calc/power.py"]
    assert [r["agent"] for r in plan["reviewers"]] == ["session-reviewer", "architect-reviewer"]
    assert plan["reviewers"][1]["reasons"] == ["src/calc/power.py: a new file matching **/*.py"]
    text = rt(repo, "review", "plan", "--wave", "2").stdout
    assert "architect-reviewer" in text and f"git diff {plan['start']} {plan['end']}" in text
    # the recorded range is a real git diff anyone can rerun
    names = rt(repo, "review", "plan", "--wave", "1", "--json")
    assert names.returncode == 0, names.stderr


def test_a_broken_rule_table_names_the_file_and_the_pattern(tmp_path: Path) -> None:
    rules = tmp_path / "reviewers.json"
    rules.write_text(json.dumps({"always": "session-reviewer",
                                 "rules": [{"agent": "security-reviewer", "lines": ["(unclosed"]}]}))
    with pytest.raises(ReviewersError) as info:
        load_rules(rules)
    assert str(rules) in str(info.value) and "'(unclosed'" in str(info.value) and "security-reviewer" in str(info.value)


def test_every_rule_names_a_read_only_agent_of_the_catalog() -> None:
    from runtime.loop.roles import read_only_agents

    rules = load_rules()
    assert rules["always"] in read_only_agents()
    assert {r["agent"] for r in rules["rules"]} == {"security-reviewer", "architect-reviewer"}
    assert all(r["agent"] in read_only_agents() for r in rules["rules"])


def test_a_deleted_module_adds_the_architect(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path)
    (repo / "src" / "calc" / "cli.py").unlink()
    plan = select(diff(repo, "HEAD", tree_id(repo)), load_rules())
    assert [r["agent"] for r in plan] == ["session-reviewer", "architect-reviewer"]
    assert "src/calc/cli.py: a deleted file matching **/*.py" in plan[1]["reasons"]
