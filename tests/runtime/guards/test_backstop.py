"""The git backstop in real repositories, with real `git commit`, beside real hook managers.

Every test builds a git repository with the runtime vendored at `.orchestrator/runtime`,
installs the backstop with the runtime's own commands, and commits with git itself:
the hook git runs is the one under test, never a call into Python. Sessions are
started with the real `session start`; the wave's scope file is written in the
format `wave start` writes (`waves.build_scope`), because a real wave needs a plan
and a gate that have nothing to do with what is tested here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ROOT, git, init_repo, runtime

SOURCES = [f"src/m{i}.py" for i in range(6)]
CONFIG = "# App\n\n## Session Config\n\n- enforcement: strict\n"
MANIFEST = {"platforms": {}, "session_config": {"enforcement": "strict"}, "instruction_files": []}


def make_repo(path: Path, config: str = CONFIG) -> Path:
    """Six source files among nine tracked outside .orchestrator/ (so deleting the six is most of the tree),
    the runtime, a Session Config."""
    for name in SOURCES:
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(f"VALUE = {name!r}\n", encoding="utf-8")
    (path / "docs").mkdir()
    (path / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (path / ".gitignore").write_text(".orchestrator/state/\nnode_modules/\n", encoding="utf-8")
    (path / "CLAUDE.md").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "runtime", path / ".orchestrator" / "runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (path / ".orchestrator" / "install.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    return init_repo(path)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "app")


def commit(repo: Path, message: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", "-m", message, *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, **(env or {})})


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def start_session(repo: Path, allowed: list[str] | None = None, enforcement: str = "strict") -> None:
    out = runtime(repo, "session", "start", "feature")
    assert out.returncode == 0, out.stderr + out.stdout
    if allowed is not None:
        scope = {"wave": 2, "role": "Impl-Core", "allowed": allowed, "enforcement": enforcement}
        start_wave(repo, scope)


def start_wave(repo: Path, scope: dict[str, object], status: str = "active") -> None:
    """What `wave start` leaves behind: the scope file, and the wave marked active in the session record."""
    (repo / ".orchestrator" / "state" / "scope.json").write_text(json.dumps(scope), encoding="utf-8")
    record = repo / ".orchestrator" / "state" / "session.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    for wave in data["waves"]:
        if wave["wave"] == scope["wave"]:
            wave["status"] = status
    record.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def end_wave(repo: Path) -> None:
    (repo / ".orchestrator" / "state" / "scope.json").unlink(missing_ok=True)


def hook_files(repo: Path) -> dict[str, bytes]:
    """Every file in the hooks directory git uses (and the framework's legacy file), by name."""
    where = git(repo, "rev-parse", "--git-path", "hooks").strip()
    hooks = (repo / where).resolve()
    return {p.name: p.read_bytes() for p in sorted(hooks.iterdir()) if p.is_file() and not p.name.endswith(".sample")}


def assert_refuses_three_cases(repo: Path, marker: Path | None = None) -> None:
    """Out of scope under strict, a protected file, most of the tree deleted: each refused, nothing committed;
    an in-scope commit goes through, and the repository's own hook ran for it."""
    start_session(repo, allowed=["src/m0.py"])
    before = head(repo)

    (repo / "docs" / "guide.md").write_text("# Guide\nchanged\n", encoding="utf-8")
    git(repo, "add", "docs/guide.md")
    out = commit(repo, "out of scope")
    assert out.returncode != 0, out.stdout
    assert "outside wave 2 (Impl-Core)'s scope" in out.stderr and "docs/guide.md" in out.stderr
    assert "git restore --staged" in out.stderr
    assert head(repo) == before
    git(repo, "reset", "-q", "HEAD", "--", "docs/guide.md")

    (repo / "src" / "m0.py").write_text("VALUE = 1\n", encoding="utf-8")
    git(repo, "add", "src/m0.py")
    if marker is not None:
        marker.unlink(missing_ok=True)
    out = commit(repo, "in scope")
    assert out.returncode == 0, out.stderr
    assert head(repo) != before
    if marker is not None:
        assert marker.exists(), "the repository's own pre-commit hook did not run"
    before = head(repo)
    end_wave(repo)

    (repo / ".claude").mkdir(exist_ok=True)
    (repo / ".claude" / "settings.json").write_text('{"disableAllHooks": true}\n', encoding="utf-8")
    git(repo, "add", ".claude/settings.json")
    out = commit(repo, "protected")
    assert out.returncode != 0
    assert "guard's own files" in out.stderr and ".claude/settings.json" in out.stderr
    assert head(repo) == before
    git(repo, "rm", "-q", "--cached", ".claude/settings.json")

    git(repo, "rm", "-q", *SOURCES)
    out = commit(repo, "wipe")
    assert out.returncode != 0
    assert re.search(r"deletes 6 of the \d+ files tracked at HEAD outside \.orchestrator/", out.stderr), out.stderr
    assert "src/m1.py" in out.stderr
    assert head(repo) == before
    git(repo, "reset", "-q", "--hard")
    shutil.rmtree(repo / ".claude")
    out = runtime(repo, "session", "pause")
    assert out.returncode == 0, out.stderr


def deselect(repo: Path) -> subprocess.CompletedProcess[str]:
    """The user turns the backstop off the documented way: the Session Config key, then `install`."""
    (repo / "CLAUDE.md").write_text(CONFIG + "- git-backstop: false\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "backstop off")
    out = runtime(repo, "install")
    assert out.returncode == 0, out.stderr
    return out


def assert_backstop_gone(repo: Path) -> None:
    """With the backstop deselected, a session no longer stops a protected change."""
    out = runtime(repo, "session", "start", "feature", "--resume")
    assert out.returncode == 0, out.stderr
    (repo / ".claude").mkdir(exist_ok=True)
    (repo / ".claude" / "settings.json").write_text("{}\n", encoding="utf-8")
    git(repo, "add", ".claude/settings.json")
    out = commit(repo, "allowed now")
    assert out.returncode == 0, out.stderr


# --- where the hook goes -------------------------------------------------------------------------------------


def test_no_hook_yet_ours_is_the_whole_file_and_goes_again(repo: Path) -> None:
    out = runtime(repo, "backstop", "install")
    assert out.returncode == 0 and "installed in .git/hooks/pre-commit" in out.stdout
    assert_refuses_three_cases(repo)
    deselect(repo)
    assert hook_files(repo) == {}
    assert_backstop_gone(repo)


def test_install_is_idempotent(repo: Path) -> None:
    runtime(repo, "backstop", "install")
    first = hook_files(repo)
    out = runtime(repo, "backstop", "install")
    assert "installed in" in out.stdout and "updated" not in out.stdout
    assert hook_files(repo) == first


def test_plain_shell_hook_keeps_running_and_comes_back_byte_for_byte(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "plain-ran"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(f'#!/bin/bash\n# the team\'s hook\necho ran >> "{marker}"\n[ "$0" = .git/hooks/pre-commit ]\n'
                     .encode())
    hook.chmod(0o750)
    before = hook_files(repo)
    runtime(repo, "backstop", "install")
    assert hook.read_bytes().startswith(b"#!/bin/bash\n# >>> session-orchestrator git backstop >>>\n")
    assert_refuses_three_cases(repo, marker)
    deselect(repo)
    assert hook_files(repo) == before
    assert oct(hook.stat().st_mode & 0o777) == oct(0o750)
    marker.unlink()
    assert_backstop_gone(repo)
    assert marker.exists()


def test_a_program_hook_is_chained_and_restored(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "python-ran"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/usr/bin/env python3\nopen({str(marker)!r}, 'a').write('ran')\n", encoding="utf-8")
    hook.chmod(0o755)
    before = hook_files(repo)
    out = runtime(repo, "backstop", "install")
    assert "pre-commit.before-session-orchestrator" in out.stdout
    assert_refuses_three_cases(repo, marker)
    deselect(repo)
    assert hook_files(repo) == before


def test_a_tracked_hooks_directory_is_not_touched(repo: Path, tmp_path: Path) -> None:
    hooks = repo / ".githooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (hooks / "pre-commit").chmod(0o755)
    git(repo, "add", ".githooks")
    git(repo, "commit", "-q", "-m", "hooks")
    git(repo, "config", "core.hooksPath", ".githooks")
    out = runtime(repo, "backstop", "install")
    assert "not installed: .githooks/pre-commit is tracked by git" in out.stdout
    assert "# >>> session-orchestrator git backstop >>>" in out.stdout  # the lines to add by hand
    assert (hooks / "pre-commit").read_text(encoding="utf-8") == "#!/bin/sh\nexit 0\n"
    assert git(repo, "status", "--porcelain") == ""


def test_an_untracked_custom_hooks_path_is_used(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "custom-ran"
    hooks = tmp_path / "shared-hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text(f'#!/bin/sh\necho ran >> "{marker}"\n', encoding="utf-8")
    (hooks / "pre-commit").chmod(0o755)
    git(repo, "config", "core.hooksPath", str(hooks))
    before = hook_files(repo)
    runtime(repo, "backstop", "install")
    assert "session-orchestrator" in (hooks / "pre-commit").read_text(encoding="utf-8")
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert_refuses_three_cases(repo, marker)
    deselect(repo)
    assert hook_files(repo) == before


# --- the pre-commit framework, husky, lefthook (the real tools) ---------------------------------------------


def pre_commit_repo(repo: Path, marker: Path) -> dict[str, str]:
    """A `repo: local` hook (no network) that leaves a mark outside the repository when it runs."""
    config = ("repos:\n- repo: local\n  hooks:\n  - id: mark\n    name: mark\n    language: system\n"
              f"    entry: sh -c 'echo ran >> {marker}'\n    pass_filenames: false\n    always_run: true\n")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "pre-commit config")
    return {"PRE_COMMIT_HOME": str(marker.parent / "pre-commit-home")}


@pytest.mark.parametrize("order", ["framework first", "backstop first"])
def test_pre_commit_framework(repo: Path, tmp_path: Path, order: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.runtime.guards.hook_managers import pre_commit

    exe = pre_commit()
    marker = tmp_path / "framework-ran"
    for key, value in pre_commit_repo(repo, marker).items():
        monkeypatch.setenv(key, value)
    if order == "framework first":
        subprocess.run([str(exe), "install"], cwd=repo, check=True, capture_output=True)
        before = hook_files(repo)
        out = runtime(repo, "backstop", "install")
        assert "installed in .git/hooks/pre-commit.legacy (the pre-commit framework runs it" in out.stdout
    else:
        runtime(repo, "backstop", "install")
        before = None
        out = subprocess.run([str(exe), "install"], cwd=repo, check=True, capture_output=True, text=True)
        assert "legacy" in out.stdout.lower()  # the framework itself keeps ours, as its legacy hook
    status = runtime(repo, "backstop", "status")
    assert status.returncode == 0 and "run by the pre-commit framework" in status.stdout
    assert_refuses_three_cases(repo, marker)
    deselect(repo)
    files = hook_files(repo)
    assert "pre-commit.legacy" not in files
    if before is not None:
        assert files == before
    marker.unlink()
    assert_backstop_gone(repo)
    assert marker.exists(), "the framework's hook stopped running"


def test_husky(repo: Path, tmp_path: Path) -> None:
    from tests.runtime.guards.hook_managers import husky

    exe = husky()
    marker = tmp_path / "husky-ran"
    subprocess.run([str(exe)], cwd=repo, check=True, capture_output=True)  # what `npm install` runs (prepare)
    (repo / ".husky" / "pre-commit").write_text(f'echo ran >> "{marker}"\n', encoding="utf-8")
    git(repo, "add", ".husky/pre-commit")
    git(repo, "commit", "-q", "-m", "husky")
    assert marker.exists()
    before = hook_files(repo)
    out = runtime(repo, "backstop", "install")
    assert "installed in .husky/_/pre-commit beside the husky hook" in out.stdout
    assert_refuses_three_cases(repo, marker)

    # `npm install` runs husky again, which rewrites its stubs: the next session start puts ours back
    subprocess.run([str(exe)], cwd=repo, check=True, capture_output=True)
    assert runtime(repo, "backstop", "status").returncode == 1
    assert "git backstop: installed" in runtime(repo, "session", "start", "feature", "--resume").stdout
    assert runtime(repo, "backstop", "status").returncode == 0
    runtime(repo, "session", "pause")

    deselect(repo)
    assert hook_files(repo) == before
    assert git(repo, "config", "core.hooksPath").strip() == ".husky/_"
    marker.unlink()
    assert_backstop_gone(repo)
    assert marker.exists(), "husky's hook stopped running"


def test_lefthook(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.runtime.guards.hook_managers import lefthook

    exe = lefthook()
    marker = tmp_path / "lefthook-ran"
    (repo / "lefthook.yml").write_text(f"pre-commit:\n  commands:\n    mark:\n      run: echo ran >> {marker}\n",
                                       encoding="utf-8")
    git(repo, "add", "lefthook.yml")
    git(repo, "commit", "-q", "-m", "lefthook")
    subprocess.run([str(exe), "install"], cwd=repo, check=True, capture_output=True)
    before = hook_files(repo)
    out = runtime(repo, "backstop", "install")
    assert "beside the lefthook hook" in out.stdout
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")  # the runner looks on PATH
    assert_refuses_three_cases(repo, marker)
    deselect(repo)
    assert hook_files(repo) == before
    marker.unlink()
    assert_backstop_gone(repo)
    assert marker.exists(), "lefthook's hook stopped running"


# --- what counts, and when it acts ------------------------------------------------------------------------


@pytest.fixture
def guarded(repo: Path) -> Path:
    out = runtime(repo, "backstop", "install")
    assert out.returncode == 0, out.stderr
    return repo


def test_no_session_no_check(guarded: Path) -> None:
    """Between sessions a person commits whatever they like (after `copier update`, say)."""
    (guarded / ".orchestrator" / "runtime" / "core" / "words.py").write_text("# updated\n", encoding="utf-8")
    git(guarded, "rm", "-q", *SOURCES)
    out = commit(guarded, "update and wipe", "-a")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""


def test_a_paused_session_does_not_check(guarded: Path) -> None:
    start_session(guarded)
    assert runtime(guarded, "session", "pause").returncode == 0
    git(guarded, "rm", "-q", *SOURCES)
    assert commit(guarded, "wipe").returncode == 0


def test_commit_all_is_judged_by_what_it_will_record(guarded: Path) -> None:
    """`git commit -a` stages into a temporary index; the hook must read that one, not the plain index."""
    start_session(guarded, allowed=["src/"])
    (guarded / "docs" / "guide.md").write_text("changed\n", encoding="utf-8")
    out = commit(guarded, "all", "-a")
    assert out.returncode != 0 and "docs/guide.md" in out.stderr


def test_scope_patterns_and_runtime_records(guarded: Path) -> None:
    start_session(guarded, allowed=["src/**", "docs/guide.md"])
    (guarded / "src" / "m0.py").write_text("x = 1\n", encoding="utf-8")
    (guarded / "src" / "new" / "deep.py").parent.mkdir()
    (guarded / "src" / "new" / "deep.py").write_text("y = 2\n", encoding="utf-8")
    git(guarded, "add", "src", ".orchestrator/STATE.md")  # STATE.md is the runtime's, committed at /close
    assert commit(guarded, "in scope").returncode == 0


def test_warn_lets_it_through_with_the_files_named(guarded: Path) -> None:
    start_session(guarded, allowed=["src/"], enforcement="warn")
    (guarded / "docs" / "guide.md").write_text("changed\n", encoding="utf-8")
    out = commit(guarded, "warned", "-a")
    assert out.returncode == 0
    assert "allowed with a warning" in out.stderr and "docs/guide.md" in out.stderr


def test_a_read_only_wave_refuses_any_change(guarded: Path) -> None:
    start_session(guarded)
    start_wave(guarded, {"wave": 1, "role": "Discovery", "allowed": [], "read_only": True, "enforcement": "strict"})
    (guarded / "src" / "m0.py").write_text("x = 1\n", encoding="utf-8")
    out = commit(guarded, "ro", "-a")
    assert out.returncode != 0 and "Wave 1 (Discovery) is read-only." in out.stderr


def test_enforcement_off_lifts_scope_and_protection_but_not_the_deletion_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "app", CONFIG.replace("strict", "off"))
    runtime(repo, "backstop", "install")
    start_session(repo, allowed=["src/"], enforcement="off")
    (repo / "docs" / "guide.md").write_text("changed\n", encoding="utf-8")
    assert commit(repo, "scope off", "-a").returncode == 0
    end_wave(repo)
    (repo / ".orchestrator" / "runtime" / "core" / "words.py").write_text("# mine\n", encoding="utf-8")
    assert commit(repo, "protection off", "-a").returncode == 0
    git(repo, "rm", "-q", *SOURCES)
    out = commit(repo, "wipe")
    assert out.returncode != 0 and "most of the tree" in out.stderr


def test_allow_destructive_ops_lifts_the_deletion_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "app", CONFIG + "- allow-destructive-ops: true\n")
    runtime(repo, "backstop", "install")
    start_session(repo)
    git(repo, "rm", "-q", *SOURCES)
    assert commit(repo, "wipe").returncode == 0


def test_half_the_tree_is_not_most_and_a_rename_is_not_a_deletion(guarded: Path) -> None:
    start_session(guarded)
    git(guarded, "mv", "src", "lib")
    git(guarded, "rm", "-q", "docs/guide.md")
    out = commit(guarded, "moved")
    assert out.returncode == 0, out.stderr
    git(guarded, "rm", "-q", "lib/m0.py", "lib/m1.py", "lib/m2.py", "lib/m3.py")  # 4 of 8 left: half, not most
    assert commit(guarded, "half").returncode == 0
    git(guarded, "rm", "-q", "lib/m4.py", "lib/m5.py", "CLAUDE.md")  # 3 of 4
    assert commit(guarded, "most").returncode != 0


def test_a_merge_is_judged_by_what_it_changes_itself(guarded: Path) -> None:
    """What the other branch brings in was judged where it was committed; the resolution is judged here."""
    git(guarded, "checkout", "-q", "-b", "other")
    (guarded / "docs" / "guide.md").write_text("from the other branch\n", encoding="utf-8")
    (guarded / "src" / "m0.py").write_text("theirs = 1\n", encoding="utf-8")
    git(guarded, "commit", "-q", "-am", "other work")
    git(guarded, "checkout", "-q", "main")
    (guarded / "src" / "m0.py").write_text("ours = 1\n", encoding="utf-8")
    git(guarded, "commit", "-q", "-am", "main work")
    start_session(guarded, allowed=["src/m0.py"])
    merge = subprocess.run(["git", "merge", "other"], cwd=guarded, capture_output=True, text=True)
    assert merge.returncode != 0  # a conflict in src/m0.py: the commit that concludes it runs pre-commit
    (guarded / "src" / "m0.py").write_text("both = 1\n", encoding="utf-8")
    git(guarded, "add", "src/m0.py")
    out = commit(guarded, "merge")
    assert out.returncode == 0, out.stderr
    assert len(git(guarded, "log", "-1", "--format=%P").split()) == 2


def test_an_unreadable_session_record_counts_as_active(guarded: Path) -> None:
    start_session(guarded)
    (guarded / ".orchestrator" / "state" / "session.json").write_text("{not json", encoding="utf-8")
    git(guarded, "rm", "-q", *SOURCES)
    out = commit(guarded, "wipe")
    assert out.returncode != 0
    assert ".orchestrator/state/session.json is not valid JSON" in out.stderr


def test_a_deleted_session_record_still_counts_while_state_md_says_active(guarded: Path) -> None:
    start_session(guarded)
    (guarded / ".orchestrator" / "state" / "session.json").unlink()
    git(guarded, "rm", "-q", *SOURCES)
    out = commit(guarded, "wipe")
    assert out.returncode != 0 and "its record" in out.stderr


def test_a_fresh_clone_with_an_active_state_md_commits_freely(guarded: Path, tmp_path: Path) -> None:
    """STATE.md can be committed mid-session; the record never is, so another clone has no session."""
    start_session(guarded)
    git(guarded, "add", "-f", ".orchestrator/STATE.md")
    assert commit(guarded, "state").returncode == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(guarded), str(clone))
    runtime(clone, "backstop", "install")
    git(clone, "rm", "-q", *SOURCES)
    assert commit(clone, "wipe").returncode == 0


def test_runtime_missing_or_broken(guarded: Path) -> None:
    """Not the agent's doing between sessions: the commit goes ahead (the runtime is not even started then;
    doctor reports a broken one). During a session the backstop cannot tell, so the commit is refused."""
    backstop = guarded / ".orchestrator" / "runtime" / "guards" / "backstop.py"
    text = backstop.read_text(encoding="utf-8")
    backstop.write_text(text + "\n<<<<<<< HEAD\n", encoding="utf-8")
    (guarded / "docs" / "guide.md").write_text("x\n", encoding="utf-8")
    out = commit(guarded, "broken, no session", "docs/guide.md")
    assert out.returncode == 0 and out.stderr == ""
    backstop.write_text(text, encoding="utf-8")
    start_session(guarded)
    backstop.write_text(text + "\n<<<<<<< HEAD\n", encoding="utf-8")
    (guarded / "docs" / "guide.md").write_text("y\n", encoding="utf-8")
    out = commit(guarded, "broken, session", "docs/guide.md")
    assert out.returncode != 0 and "could not run (exit 1) while a session is active" in out.stderr
    shutil.rmtree(guarded / ".orchestrator" / "runtime")
    out = commit(guarded, "missing, session", "docs/guide.md")
    assert out.returncode != 0 and "(.orchestrator/runtime is missing) while a session is active" in out.stderr
    assert runtime(guarded, "session", "pause", program=ROOT / "runtime").returncode == 0
    out = commit(guarded, "missing, no session", "docs/guide.md")
    assert out.returncode == 0 and out.stderr == ""


def test_environment_cannot_point_the_check_elsewhere(guarded: Path, tmp_path: Path) -> None:
    start_session(guarded)
    git(guarded, "rm", "-q", *SOURCES)
    empty = tmp_path / "empty"
    empty.mkdir()
    out = commit(guarded, "wipe", env={"SO_PROJECT_DIR": str(empty), "CLAUDE_PROJECT_DIR": str(empty)})
    assert out.returncode != 0


def test_uninstall_waits_for_the_session_to_end(guarded: Path) -> None:
    start_session(guarded)
    out = runtime(guarded, "backstop", "uninstall")
    assert out.returncode == 1 and "stays while a session is active" in out.stderr
    assert runtime(guarded, "backstop", "status").returncode == 0
    runtime(guarded, "session", "pause")
    assert runtime(guarded, "backstop", "uninstall").returncode == 0
    assert runtime(guarded, "backstop", "status").returncode == 1


def test_deselecting_during_a_session_waits_for_it_to_end(guarded: Path) -> None:
    start_session(guarded)
    (guarded / "CLAUDE.md").write_text(CONFIG + "- git-backstop: false\n", encoding="utf-8")
    out = runtime(guarded, "install")
    assert "stays installed until the session ends" in out.stdout
    assert runtime(guarded, "backstop", "status").returncode == 0


def test_lefthook_moving_ours_aside_is_repaired(repo: Path) -> None:
    """lefthook moves a hook it did not write to `.old` and never runs it; session start notices and fixes it."""
    from tests.runtime.guards.hook_managers import lefthook

    runtime(repo, "backstop", "install")
    (repo / "lefthook.yml").write_text("pre-commit:\n  commands:\n    ok:\n      run: 'true'\n", encoding="utf-8")
    subprocess.run([str(lefthook()), "install"], cwd=repo, check=True, capture_output=True)
    status = runtime(repo, "backstop", "status")
    assert status.returncode == 1 and "moved aside to pre-commit.old" in status.stdout
    out = runtime(repo, "session", "start", "feature")
    assert "beside the lefthook hook" in out.stdout and "pre-commit.old" in out.stdout
    assert not (repo / ".git" / "hooks" / "pre-commit.old").exists()
    assert runtime(repo, "backstop", "status").returncode == 0


def test_a_render_installs_it_and_doctor_reports_it(rendered_repo: Path) -> None:
    out = runtime(rendered_repo, "doctor")
    assert "ok    git backstop: installed in .git/hooks/pre-commit; it runs" in out.stdout
    (rendered_repo / ".git" / "hooks" / "pre-commit").unlink()
    out = runtime(rendered_repo, "doctor")
    assert "warn  git backstop: not in .git/hooks/pre-commit" in out.stdout
    assert "backstop install" in out.stdout


def test_a_hooks_path_from_the_global_config_is_not_changed(repo: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A global core.hooksPath serves every repository of the user: ours is not added there."""
    shared = tmp_path / "global-hooks"
    shared.mkdir()
    (shared / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\thooksPath = {shared}\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    out = runtime(repo, "backstop", "install")
    assert "core.hooksPath comes from your global or system git config" in out.stdout
    assert (shared / "pre-commit").read_text(encoding="utf-8") == "#!/bin/sh\nexit 0\n"
    assert "warn  git backstop: not checked" in runtime(repo, "doctor").stdout
    git(repo, "config", "--local", "core.hooksPath", ".git/hooks")
    assert "installed in .git/hooks/pre-commit" in runtime(repo, "backstop", "install").stdout


def test_a_level_fixed_at_session_start_is_a_floor(guarded: Path) -> None:
    """A Session Config weakened mid-session (a write no hook saw) does not lower the level the session
    record fixed when it started."""
    start_session(guarded)
    record = guarded / ".orchestrator" / "state" / "session.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**data, "enforcement": "strict"}, indent=1), encoding="utf-8")
    (guarded / "CLAUDE.md").write_text(CONFIG.replace("strict", "off"), encoding="utf-8")
    (guarded / ".orchestrator" / "runtime" / "core" / "words.py").write_text("# mine\n", encoding="utf-8")
    out = commit(guarded, "weakened", "-a")
    assert out.returncode != 0 and ".orchestrator/runtime/core/words.py" in out.stderr


def test_a_finished_wave_no_longer_limits_the_commit(guarded: Path) -> None:
    """After the last `wave done` its scope file stays until /close, whose commit holds every wave's work."""
    start_session(guarded)
    start_wave(guarded, {"wave": 5, "role": "Finalization", "allowed": ["docs/"], "enforcement": "strict"}, "done")
    (guarded / "src" / "m0.py").write_text("x = 1\n", encoding="utf-8")
    out = commit(guarded, "the session's work", "-a")
    assert out.returncode == 0, out.stderr


def test_the_real_loop_sets_the_scope_and_wave_start_repairs_the_hook(tmp_path: Path) -> None:
    """`session start`, `plan set`, `wave start` and `wave done` as the command texts run them: the scope the
    backstop judges is the one `wave start` wrote, and `wave start` puts back a hook another tool rewrote."""
    from tests.runtime.loop_support import calc_repo, finish, plan_for

    repo = calc_repo(tmp_path, "- enforcement: strict\n", commit_config=False)
    shutil.copytree(ROOT / "runtime", repo / ".orchestrator" / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / ".gitignore").write_text(".orchestrator/state/\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "vendor the runtime")
    assert runtime(repo, "session", "start", "feature").returncode == 0
    assert runtime(repo, "gate", "baseline").returncode == 0
    status = json.loads(runtime(repo, "session", "status", "--json").stdout)
    assert runtime(repo, "plan", "set", "-", stdin=json.dumps(plan_for(status["waves"]))).returncode == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.exists()  # session start installed it
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # a hook manager rewrote the file
    out = runtime(repo, "wave", "start", "1")
    assert out.returncode == 0, out.stderr
    assert "git backstop: installed in .git/hooks/pre-commit beside the existing hook" in out.stdout
    (repo / "README.md").write_text("changed during discovery\n", encoding="utf-8")
    refused = commit(repo, "discovery writes", "-a")
    assert refused.returncode != 0 and "Wave 1 (Discovery) is read-only." in refused.stderr
    git(repo, "checkout", "--", "README.md")
    finish(repo, 1, "T1=done")
    out = runtime(repo, "wave", "start", "2")
    assert out.returncode == 0, out.stdout + out.stderr
    (repo / "README.md").write_text("out of scope\n", encoding="utf-8")
    refused = commit(repo, "readme", "-a")
    assert refused.returncode != 0 and "README.md" in refused.stderr
    assert "may change only: src/calc/ops.py, tests/test_ops.py" in refused.stderr
    git(repo, "checkout", "--", "README.md")
    with (repo / "src" / "calc" / "ops.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef power(a, b):\n    return a ** b\n")
    out = commit(repo, "power", "-a")
    assert out.returncode == 0, out.stderr


def test_a_block_whose_end_was_edited_away_is_left_alone(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho team\n", encoding="utf-8")
    hook.chmod(0o755)
    runtime(repo, "backstop", "install")
    edited = hook.read_text(encoding="utf-8").replace("# <<< session-orchestrator git backstop <<<\n", "")
    hook.write_text(edited, encoding="utf-8")
    assert "without its end marker" in runtime(repo, "backstop", "install").stdout
    assert "without its end marker" in runtime(repo, "backstop", "uninstall").stdout
    assert hook.read_text(encoding="utf-8") == edited


def test_a_hook_running_under_sh_e_and_u_keeps_working(repo: Path, tmp_path: Path) -> None:
    """Our block runs inside the team's shell, with its flags: nothing in it may trip `-e` or `-u`."""
    marker = tmp_path / "strict-ran"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh -eu\necho ran >> "{marker}"\n', encoding="utf-8")
    hook.chmod(0o755)
    runtime(repo, "backstop", "install")
    (repo / "docs" / "guide.md").write_text("no session\n", encoding="utf-8")
    assert commit(repo, "no session", "-a").returncode == 0 and marker.exists()
    assert_refuses_three_cases(repo, marker)
