"""The destructive-command guard against a table of real commands.

guard_corpus.tsv holds one command per line with the expected outcome and, for
blocks and warnings, the rule that must fire. Adding a case is adding a line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runtime import guard, policy
from runtime.context import HookContext
from runtime.shell import parse

CORPUS = Path(__file__).with_name("guard_corpus.tsv")


def _load_corpus() -> list[tuple[str, str, str, int]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, rule, command = line.split("\t", 2)
        rows.append((expected, rule, command.replace("<NL>", "\n"), number))
    return rows


ROWS = _load_corpus()


def test_corpus_is_big_enough() -> None:
    counts = {kind: sum(1 for r in ROWS if r[0] == kind) for kind in ("block", "allow", "warn")}
    assert len(ROWS) >= 150 and counts["block"] >= 80 and counts["allow"] >= 70, counts
    floor = policy.load(Path("/nonexistent")).rules
    assert {r[1] for r in ROWS if r[0] == "block"} == {r["id"] for r in floor if r["severity"] == "block"}
    assert {r[1] for r in ROWS if r[0] == "warn"} == {r["id"] for r in floor if r["severity"] == "warn"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guard") / "repo"
    (root / "src").mkdir(parents=True)
    return root


@pytest.mark.parametrize(("expected", "rule", "command", "line"), ROWS,
                         ids=[f"L{r[3]}-{r[0]}" for r in ROWS])
def test_corpus(project: Path, expected: str, rule: str, command: str, line: int) -> None:
    pol = policy.load(project)
    parsed = parse(command)
    decision = guard.decide(guard.evaluate(parsed, command, pol.rules, project, str(project)), parsed)
    got = {"deny": "block"}.get(decision.action, decision.action)
    assert got == expected, f"line {line}: {command!r} -> {decision!r}"
    if rule != "-":
        assert decision.rule.split(",")[0] == rule, f"line {line}: {command!r} -> {decision!r}"


def test_deny_reason_names_rule_segment_and_safer_route(project: Path) -> None:
    decision = guard.check_command('bash -c "git reset --hard HEAD~1"', _ctx(project))
    assert decision.denied and decision.rule == "git-reset-hard"
    assert "git reset --hard HEAD~1" in decision.reason and "bash -c" in decision.reason
    assert "Safer: 'git stash'" in decision.reason
    for text in ("allow-destructive-ops", "disable", "delete the guard"):
        assert text not in decision.reason


def _ctx(root: Path, cwd: Path | None = None) -> HookContext:
    return HookContext(root, "claude", "pre-tool-use", {"cwd": str(cwd or root)})


def _config(root: Path, *lines: str) -> None:
    (root / "CLAUDE.md").write_text("# P\n\n## Session Config\n\n" + "\n".join(lines) + "\n")


def test_allow_destructive_ops_lifts_the_guard(tmp_path: Path) -> None:
    _config(tmp_path, "- allow-destructive-ops: true")
    assert guard.check_command("git reset --hard", _ctx(tmp_path)).action == "allow"
    _config(tmp_path, "- allow-destructive-ops: false")
    assert guard.check_command("git reset --hard", _ctx(tmp_path)).denied


def test_temp_allowlist_resolves_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    outside = Path(os.path.expanduser("~")) if not str(Path.home()).startswith("/tmp") else None
    scratch = Path("/tmp") / f"so-guard-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    try:
        assert guard.is_temp_path(str(scratch / "x"), root, str(root))
        if outside is not None:  # a link in /tmp pointing home is not scratch space
            link = scratch / "home-link"
            link.symlink_to(outside)
            assert not guard.is_temp_path(str(link / "x"), root, str(root))
        assert not guard.is_temp_path("/tmp", root, str(root))
        assert not guard.is_temp_path("/tmp/../etc", root, str(root))
        assert not guard.is_temp_path(str(root / "src"), root, str(root))  # the repo itself sits in /tmp here
    finally:
        for p in sorted(scratch.rglob("*"), reverse=True):
            p.unlink()
        scratch.rmdir()


def test_relative_rm_inside_temp_cwd_is_allowed_but_not_inside_repo(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    scratch = Path("/tmp") / f"so-guard-cwd-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    try:
        assert guard.check_command("rm -rf build", _ctx(root, scratch)).action == "allow"
        assert guard.check_command("rm -rf build", _ctx(root, root)).denied
    finally:
        scratch.rmdir()


def test_cache_allowlist_sees_through_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "node_modules").mkdir()
    assert guard.check_command("rm -rf node_modules", _ctx(root)).action == "allow"
    (root / "node_modules").rmdir()
    (root / "node_modules").symlink_to(root / "src")
    assert guard.check_command("rm -rf node_modules", _ctx(root)).denied
