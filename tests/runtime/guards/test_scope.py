"""Edit scope: resolved paths, strict/warn/off, shell writes, runtime-owned files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.guards import scope
from runtime.guards.context import HookContext
from runtime.guards.shell import parse


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src" / "calc").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "calc" / "ops.py").write_text("x = 1\n")
    return root


def _scope(root: Path, enforcement: str = "strict", **extra: object) -> None:
    data = {"session_id": "s", "wave": 2, "role": "Impl-Core", "enforcement": enforcement,
            "allowed": ["src/calc/", "tests/test_cli.py", "docs/**/*.md"], **extra}
    path = root / scope.SCOPE_REL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def _ctx(root: Path, cwd: Path | None = None, **payload: object) -> HookContext:
    return HookContext(root, "claude", "pre-tool-use", {"cwd": str(cwd or root), **payload})


def _write(root: Path, path: str, cwd: Path | None = None, **payload: object) -> str:
    return scope.check_paths(_ctx(root, cwd, **payload), [path]).action


def _shell(root: Path, command: str) -> str:
    return scope.check_shell(_ctx(root), parse(command).commands).action


def test_no_scope_file_means_no_wave(repo: Path) -> None:
    assert _write(repo, "anything/at/all.py") == "allow"
    assert _write(repo, "/etc/passwd") == "allow"


@pytest.mark.parametrize(("path", "expected"), [
    ("src/calc/ops.py", "allow"),
    ("src/calc/new/deeper/module.py", "allow"),  # new file in new directories
    ("tests/test_cli.py", "allow"),
    ("docs/guide.md", "allow"),
    ("docs/a/b/c.md", "allow"),
    ("docs/a/b/c.txt", "deny"),
    ("tests/test_other.py", "deny"),
    ("src/calcx/ops.py", "deny"),
    ("src/calc/../other.py", "deny"),
    ("src/calc/../../../etc/passwd", "deny"),
    ("../outside.py", "deny"),
    ("/etc/passwd", "deny"),
    ("README.md", "deny"),
])
def test_strict_relative_paths(repo: Path, path: str, expected: str) -> None:
    _scope(repo)
    assert _write(repo, path) == expected


def test_absolute_paths_inside_root(repo: Path) -> None:
    _scope(repo)
    assert _write(repo, str(repo / "src/calc/ops.py")) == "allow"
    assert _write(repo, str(repo / "tests/x.py")) == "deny"


def test_relative_to_the_calls_cwd(repo: Path) -> None:
    _scope(repo)
    assert _write(repo, "ops.py", cwd=repo / "src" / "calc") == "allow"
    assert _write(repo, "../helper.py", cwd=repo / "src" / "calc") == "deny"


def test_symlink_escaping_root_is_out_of_scope(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (repo / "src" / "calc" / "escape").symlink_to(outside)
    _scope(repo)
    assert _write(repo, "src/calc/escape/evil.py") == "deny"
    assert "outside the repository" in scope.check_paths(_ctx(repo), ["src/calc/escape/evil.py"]).reason


def test_symlink_inside_root_is_judged_by_its_target(repo: Path) -> None:
    (repo / "alias").symlink_to(repo / "src" / "calc")
    (repo / "tests" / "link.py").symlink_to(repo / "src" / "calc" / "ops.py")
    (repo / "src" / "calc" / "to_tests").symlink_to(repo / "tests")
    _scope(repo)
    assert _write(repo, "alias/new.py") == "allow"
    assert _write(repo, "tests/link.py") == "allow"
    assert _write(repo, "src/calc/to_tests/test_x.py") == "deny"


def test_levels(repo: Path) -> None:
    _scope(repo, "warn")
    warned = scope.check_paths(_ctx(repo), ["tests/x.py"])
    assert warned.action == "warn" and "src/calc/" in warned.reason
    _scope(repo, "off")
    assert _write(repo, "tests/x.py") == "warn"  # the Session Config's default (warn) is stricter than the wave's
    (repo / "CLAUDE.md").write_text("## Session Config\n\n- enforcement: off\n")
    assert _write(repo, "tests/x.py") == "allow"
    _scope(repo, "strict")
    denied = scope.check_paths(_ctx(repo), ["tests/x.py"])
    assert denied.denied and "wave 2 (Impl-Core)" in denied.reason and "scope.json" not in denied.reason


def test_read_only_and_empty_scopes_deny_every_write(repo: Path) -> None:
    _scope(repo, read_only=True)
    assert _write(repo, "src/calc/ops.py") == "deny"
    _scope(repo, allowed=[])
    assert _write(repo, "src/calc/ops.py") == "deny"


def test_per_agent_scope(repo: Path) -> None:
    _scope(repo, agents={"impl-a": ["src/calc/ops.py"]})
    assert _write(repo, "src/calc/ops.py", agent_type="impl-a") == "allow"
    assert _write(repo, "src/calc/other.py", agent_type="impl-a") == "deny"
    assert _write(repo, "src/calc/other.py", agent_type="impl-b") == "allow"  # no entry: wave union
    assert _write(repo, "src/calc/other.py") == "allow"


@pytest.mark.parametrize("enforcement", ["strict", "warn"])
def test_runtime_owned_files_are_never_agent_writable(repo: Path, enforcement: str) -> None:
    (repo / "CLAUDE.md").write_text(f"## Session Config\n\n- enforcement: {enforcement}\n")
    for path in (".orchestrator/STATE.md", ".orchestrator/metrics/sessions.jsonl", ".orchestrator/state/scope.json"):
        assert _write(repo, path) == "deny", path
    assert _shell(repo, "echo '{}' > .orchestrator/state/scope.json") == "deny"
    assert _shell(repo, "rm .orchestrator/STATE.md") == "deny"


def test_runtime_owned_allowed_when_off(repo: Path) -> None:
    (repo / "CLAUDE.md").write_text("## Session Config\n\n- enforcement: off\n")
    assert _write(repo, ".orchestrator/STATE.md") == "allow"


@pytest.mark.parametrize(("enforcement", "expected"), [("strict", "deny"), ("warn", "warn"), ("off", "allow")])
def test_corrupt_scope_file(repo: Path, enforcement: str, expected: str) -> None:
    (repo / "CLAUDE.md").write_text(f"## Session Config\n\n- enforcement: {enforcement}\n")
    path = repo / scope.SCOPE_REL
    path.parent.mkdir(parents=True)
    path.write_text('{"allowed": [\n')
    decision = scope.check_paths(_ctx(repo), ["src/calc/ops.py"])
    assert decision.action == expected
    if expected != "allow":
        assert "scope.json:2" in decision.reason


@pytest.mark.parametrize(("command", "expected"), [
    ("echo x > tests/out.txt", "deny"),
    ("echo x >> tests/out.txt", "deny"),
    ("echo x | tee tests/out.txt", "deny"),
    ("echo x | tee -a README.md", "deny"),
    ("sed -i 's/a/b/' README.md", "deny"),
    ("cp src/calc/ops.py tests/copy.py", "deny"),
    ("mv src/calc/ops.py tests/", "deny"),
    ("mv README.md src/calc/", "deny"),  # moving removes README.md from where it was
    ("bash -c 'echo x > tests/out.txt'", "deny"),
    ("echo x > ../outside.txt", "deny"),
    ("echo x > src/calc/out.txt", "allow"),
    ("sed -i 's/a/b/' src/calc/ops.py", "allow"),
    ("cp tests/test_cli.py src/calc/fixture.py", "allow"),
    ("pytest -q > /dev/null 2>&1", "allow"),
    ("pytest -q > /tmp/pytest-log.txt", "allow"),
    ("cat src/calc/ops.py", "allow"),
])
def test_shell_writes_under_strict(repo: Path, command: str, expected: str) -> None:
    _scope(repo)
    assert _shell(repo, command) == expected


def test_shell_writes_warn_under_warn(repo: Path) -> None:
    _scope(repo, "warn")
    assert _shell(repo, "echo x > tests/out.txt") == "warn"


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("src/", "src", True), ("src/", "src/a/b.py", True), ("src/", "srcx/a.py", False),
    ("src/*.py", "src/a.py", True), ("src/*.py", "src/a/b.py", False),
    ("src/**/*.py", "src/a.py", True), ("src/**/*.py", "src/a/b/c.py", True),
    ("README.md", "README.md", True), ("README.md", "docs/README.md", False),
    ("\\*", "*", True), ("\\*", "main", False),
])
def test_glob(pattern: str, path: str, expected: bool) -> None:
    assert scope.glob_match(pattern, path) is expected


@pytest.mark.parametrize(("command", "expected"), [
    ("cd docs && echo x > src/calc/ops.py", "deny"),  # judged as docs/src/calc/ops.py
    ("cd src && echo x > calc/ops.py", "allow"),
    ("cd src/calc && echo x > new.py", "allow"),
    ("cd src/calc && echo x > ../../README.md", "deny"),
    ("pushd src && echo x > calc/a.py; popd && echo x > calc/b.py", "deny"),
    ("(cd src && echo x > calc/a.py)", "allow"),
    ("cd $(mktemp -d) && echo x > out.txt", "deny"),  # directory only known at run time
    ("python3 -c \"open('README.md', 'w').write('x')\"", "deny"),
    ("python3 -c \"open('src/calc/new.py', 'w').write('x')\"", "allow"),
    ("node -e \"require('fs').writeFileSync('README.md', 'x')\"", "deny"),
    ("ruby -e 'File.write(\"README.md\", \"x\")'", "deny"),
    ("perl -e 'open(my $f, \">\", \"README.md\")'", "deny"),
    ("curl -sSLo README.md https://example.invalid/x", "deny"),
    ("curl -o src/calc/data.json https://example.invalid/x", "allow"),
    ("wget -O README.md https://example.invalid/x", "deny"),
    ("wget https://example.invalid/x", "deny"),  # lands in the cwd, the repository root
    ("git mv README.md src/calc/README.md", "deny"),
    ("git mv src/calc/ops.py src/calc/ops2.py", "allow"),
    ("git checkout -- README.md", "deny"),
    ("git checkout HEAD -- src/calc/ops.py", "allow"),
    ("git restore README.md", "deny"),
    ("tar -xzf archive.tgz", "deny"),
    ("tar -xzf archive.tgz -C src/calc", "allow"),
    ("tar xf archive.tar -C tests", "deny"),
    ("unzip pkg.zip -d tests", "deny"),
    ("unzip pkg.zip -d src/calc/vendor", "allow"),
    ("patch README.md fix.patch", "deny"),
    ("patch -p1 < fix.patch", "deny"),  # patches files named inside the patch: cwd is the root
    ("x=README.md; echo hi > $x", "deny"),
    ("echo hi > $PWD/README.md", "deny"),
])
def test_scope_parity_for_shell_writes(repo: Path, command: str, expected: str) -> None:
    _scope(repo)
    assert _shell(repo, command) == expected, command


@pytest.mark.parametrize("enforcement", ["strict", "warn"])
@pytest.mark.parametrize("with_wave", [True, False])
def test_guard_files_are_protected_at_every_level(repo: Path, enforcement: str, with_wave: bool) -> None:
    (repo / "CLAUDE.md").write_text(f"## Session Config\n\n- enforcement: {enforcement}\n")
    if with_wave:
        _scope(repo, enforcement, allowed=["**"])
    for path in (".orchestrator/runtime/guards/guard.py", ".orchestrator/runtime/guards/policy.json",
                 ".orchestrator/policy/guard.json", ".claude/settings.json", ".claude/settings.local.json",
                 ".codex/hooks.json"):
        decision = scope.check_paths(_ctx(repo), [path])
        assert decision.denied and decision.rule == "self-protection", (path, decision)
    for command in ("echo '{}' > .claude/settings.json", "sed -i s/strict/off/ .orchestrator/policy/guard.json",
                    "tee .orchestrator/runtime/hooks.py < /dev/null", "cp /tmp/x .claude/settings.local.json",
                    "mv .claude /tmp/old-claude", "rm -f .orchestrator/runtime/guard.py",
                    "python3 -c \"open('.claude/settings.json', 'w').write('{}')\"",
                    "cd .orchestrator && echo x > runtime/guards/policy.json", "rm -r .orchestrator",
                    "x=.claude/settings.json; echo '{}' > $x", "echo '{}' > $REPO/.claude/settings.json",
                    "cd $(git rev-parse --show-toplevel) && echo x > .orchestrator/policy/guard.json",
                    "chmod 000 .orchestrator/runtime/__main__.py", "cp -r /tmp/evil/.claude .",
                    "ln -sf /dev/null .claude/settings.json"):
        decision = scope.check_shell(_ctx(repo), parse(command).commands)
        assert decision.denied and decision.rule == "self-protection", (command, decision)
    # neighbours stay writable
    assert scope.check_paths(_ctx(repo), [".claude/agents/helper.md"]).rule != "self-protection"
    assert scope.check_shell(_ctx(repo), parse("echo x > .orchestrator/tmp/notes.txt").commands).rule \
        != "self-protection"


def test_guard_files_stay_protected_when_enforcement_is_off(repo: Path) -> None:
    """Lowering the level is one of the things self-protection guards, so `off` does not lift it."""
    (repo / "CLAUDE.md").write_text("## Session Config\n\n- enforcement: off\n")
    assert _write(repo, ".claude/settings.json") == "deny"
    assert _shell(repo, "echo '{}' > .orchestrator/policy/guard.json") == "deny"
