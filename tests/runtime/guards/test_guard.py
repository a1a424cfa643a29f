"""The destructive-command guard against a table of real commands.

guard_corpus.tsv holds one command per line with the expected outcome and, for
blocks and warnings, the rule that must fire. Adding a case is adding a line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runtime.guards import guard, policy
from runtime.guards.context import HookContext
from runtime.guards.shell import parse

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


def _git(root: Path, *args: str) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with ignored build output, a tracked file inside an ignored
    directory, and tracked sources."""
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("build/\ndist/\n.pytest_cache/\nnode_modules/\ntarget/\nvendor/\n")
    for d in ("build/lib", "dist", ".pytest_cache", "target/debug", "vendor"):
        (root / d).mkdir(parents=True)
        (root / d / "f").write_text("out\n")
    _git(root, "init", "-q")
    _git(root, "add", ".gitignore", "src/app.py")
    _git(root, "add", "-f", "vendor/f")  # tracked although the directory is ignored
    _git(root, "commit", "-qm", "init")
    return root


@pytest.mark.parametrize("command", [
    "rm -rf build/ dist/",
    "rm -rf .pytest_cache target",
    "rm -rf ./build/lib",
    "rm -fr build dist .pytest_cache",
])
def test_rm_of_ignored_build_output_is_allowed(repo: Path, command: str) -> None:
    assert guard.check_command(command, _ctx(repo)).action == "allow", command


@pytest.mark.parametrize("command", [
    "rm -rf src",            # tracked, not ignored
    "rm -rf vendor",         # ignored, but holds a tracked file
    "rm -rf build src",      # one operand is enough to refuse
    "rm -rf .",              # the root
    "rm -rf .git",           # the repository itself
    "rm -rf build/../src",   # lexically inside build only until normalised
    "rm -rf *",              # a glob is judged by what it matches: src is tracked
    "rm -rf $OUT",           # neither are variables
])
def test_rm_of_tracked_or_unknown_paths_stays_blocked(repo: Path, command: str) -> None:
    assert guard.check_command(command, _ctx(repo)).denied, command


def test_ignored_output_is_judged_after_resolving_symlinks(repo: Path) -> None:
    (repo / "build" / "lib" / "f").unlink()
    (repo / "build" / "lib").rmdir()
    (repo / "build" / "lib").symlink_to(repo / "src")
    assert guard.check_command("rm -rf build/lib", _ctx(repo)).denied
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (repo / "dist" / "link").symlink_to(outside)
    assert guard.check_command("rm -rf dist/link", _ctx(repo)).denied


def test_ignored_output_needs_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "build").mkdir(parents=True)
    (root / ".gitignore").write_text("build/\n")
    assert guard.check_command("rm -rf build", _ctx(root)).denied


def test_rules_use_the_directory_each_command_runs_in(repo: Path) -> None:
    """The guard resolves paths with shell.resolve_cwd: a command that runs in the temp
    directory may clear scratch space there; an unknown directory allow-lists nothing."""
    scratch = Path("/tmp") / f"so-guard-cd-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    try:
        pol = policy.load(repo)
        for cwd, expected in ((str(scratch), "allow"), (None, "deny"), ("src", "deny"), ("build", "allow")):
            parsed = parse("rm -rf lib" if cwd == "build" else "rm -rf scratch-build")
            parsed.commands[0].cwd = cwd
            decision = guard.decide(guard.evaluate(parsed, "", pol.rules, repo, str(repo)), parsed)
            assert decision.action == expected, (cwd, decision)
    finally:
        scratch.rmdir()


def test_aliases_already_in_git_config_are_expanded(repo: Path) -> None:
    _git(repo, "config", "alias.nuke", "reset --hard")
    _git(repo, "config", "alias.wipe", "!rm -rf src")
    _git(repo, "config", "alias.lg", "log --oneline")
    assert guard.check_command("git nuke", _ctx(repo)).rule == "git-reset-hard"
    assert guard.check_command("git WIPE", _ctx(repo)).rule == "rm-recursive-force"
    assert guard.check_command("git lg -3", _ctx(repo)).action == "allow"


def test_checkout_of_an_existing_path_but_not_of_a_branch(repo: Path) -> None:
    assert guard.check_command("git checkout src", _ctx(repo)).rule == "git-checkout-discard"
    _git(repo, "branch", "build")  # also a directory; git treats the name as the branch
    assert guard.check_command("git checkout build", _ctx(repo)).action == "allow"
    assert guard.check_command("git checkout no-such-thing", _ctx(repo)).action == "allow"


def test_sql_files_are_read_from_the_repository(repo: Path) -> None:
    (repo / "down.sql").write_text("-- undo\nDROP TABLE users;\n")
    (repo / "seed.sql").write_text("INSERT INTO t VALUES ('drop table x');\n")
    (repo / "huge.sql").write_text("SELECT 1;\n" * 200_000)
    assert guard.check_command("psql -f down.sql", _ctx(repo)).rule == "sql-drop"
    assert guard.check_command("psql mydb < down.sql", _ctx(repo)).rule == "sql-drop"
    assert guard.check_command("cat down.sql | mysql shop", _ctx(repo)).rule == "sql-drop"
    assert guard.check_command("psql --file=seed.sql", _ctx(repo)).action == "allow"
    assert guard.check_command("sqlite3 app.db < seed.sql", _ctx(repo)).action == "allow"
    assert guard.check_command("psql -f huge.sql", _ctx(repo)).denied  # too large to read: not judged safe


def test_a_fifo_fed_to_a_client_is_not_read(repo: Path) -> None:
    """Opening a FIFO blocks until a writer comes; the guard must answer at once and refuse."""
    os.mkfifo(repo / "pipe.sql")
    assert guard.check_command("psql -f pipe.sql", _ctx(repo)).denied
    assert guard.check_command("sqlite3 app.db < pipe.sql", _ctx(repo)).denied
