"""Guards and edit scope, end to end, with the real Claude Code CLI.

Real: the pinned Claude Code binary, the rendered template and its PreToolUse
hook, the vendored runtime's guard and scope check, git, the files on disk.
Scripted: the model, which asks for the dangerous or out-of-scope calls.

Each test proves a denial twice: by what the model was told (our reason and rule
id in the tool_result) and by the repository being unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.fake_model import tool_result_notes, tool_results, tool_use_id
from tests.e2e.hook_direct import deny_reason, received_reason
from tests.helpers import git


@pytest.fixture
def committed_repo(rendered_repo: Path) -> Path:
    """The rendered example with the template committed, as a user would have it."""
    git(rendered_repo, "add", "-A")
    git(rendered_repo, "commit", "-q", "-m", "Add session-orchestrator")
    return rendered_repo


def _set_enforcement(repo: Path, level: str) -> None:
    claude_md = repo / "CLAUDE.md"
    lines = claude_md.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith("- enforcement:")]
    assert len(hits) == 1, "the Session Config should hold exactly one enforcement line"
    lines[hits[0]] = f"- enforcement: {level}\n"
    claude_md.write_text("".join(lines), encoding="utf-8")


def _write_scope(repo: Path, enforcement: str) -> None:
    """An active Impl-Core wave allowed to change only src/calc/ops.py, in the shape `wave start` writes."""
    scope = repo / ".orchestrator" / "state" / "scope.json"
    scope.parent.mkdir(parents=True, exist_ok=True)
    record = {"session_id": "t", "wave": 2, "role": "Impl-Core", "enforcement": enforcement,
              "allowed": ["src/calc/ops.py"], "read_only": False}
    scope.write_text(json.dumps(record), encoding="utf-8")


def _single_result(run, turn: int) -> dict:
    results = tool_results(run.requests, tool_use_id(turn))
    assert len(results) == 1, run.describe()
    return results[0]


def test_shell_wrapped_rm_is_denied(committed_repo: Path, run_claude) -> None:
    files = sorted(p.name for p in (committed_repo / "src" / "calc").iterdir())
    script = {"steps": [{"tool": "Bash", "input": {"command": 'bash -c "rm -rf src"'}}, {"text": "ok"}]}
    run = run_claude(committed_repo, "tidy the tree", script)

    result = _single_result(run, 0)
    assert result["is_error"], result
    assert "rm-recursive-force" in result["text"], result
    assert received_reason(result["text"], "Bash") == deny_reason(committed_repo, "Bash",
                                                                  {"command": 'bash -c "rm -rf src"'})
    assert sorted(p.name for p in (committed_repo / "src" / "calc").iterdir()) == files


def test_git_reset_hard_is_denied_and_work_survives(committed_repo: Path, run_claude) -> None:
    ops = committed_repo / "src" / "calc" / "ops.py"
    ops.write_text(ops.read_text(encoding="utf-8") + "\n\ndef negate(a):\n    return -a\n", encoding="utf-8")
    git(committed_repo, "commit", "-q", "-am", "Add negate")
    head = git(committed_repo, "rev-parse", "HEAD").strip()
    readme = committed_repo / "README.md"
    edited = readme.read_text(encoding="utf-8") + "\nAn uncommitted note.\n"
    readme.write_text(edited, encoding="utf-8")

    script = {"steps": [{"tool": "Bash", "input": {"command": "git reset --hard HEAD~1"}}, {"text": "ok"}]}
    run = run_claude(committed_repo, "undo the last commit", script)

    result = _single_result(run, 0)
    assert result["is_error"], result
    assert "git-reset-hard" in result["text"], result
    assert received_reason(result["text"], "Bash") == deny_reason(committed_repo, "Bash",
                                                                  {"command": "git reset --hard HEAD~1"})
    assert git(committed_repo, "rev-parse", "HEAD").strip() == head
    assert readme.read_text(encoding="utf-8") == edited
    assert "def negate" in ops.read_text(encoding="utf-8")


@pytest.fixture
def strict_wave_repo(committed_repo: Path) -> Path:
    """Strict enforcement with an Impl-Core wave whose scope is the single file src/calc/ops.py.

    The scope file is written in the shape the wave commands produce; the full
    loop through the runtime CLI is covered by test_claude_loop.py.
    """
    _set_enforcement(committed_repo, "strict")
    _write_scope(committed_repo, "strict")
    return committed_repo


def test_strict_scope_denies_write_outside_the_wave(strict_wave_repo: Path, run_claude) -> None:
    readme = strict_wave_repo / "README.md"
    before = readme.read_bytes()
    # Read first: otherwise Claude's own read-before-write check answers before our hook runs.
    script = {"steps": [{"tool": "Read", "input": {"file_path": str(readme)}},
                        {"tool": "Write", "input": {"file_path": str(readme), "content": "replaced\n"}},
                        {"text": "ok"}]}
    run = run_claude(strict_wave_repo, "rewrite the readme", script)

    assert not _single_result(run, 0)["is_error"]  # reading outside the scope is fine
    result = _single_result(run, 1)
    assert result["is_error"], result
    assert "session-orchestrator scope (strict): Blocked" in result["text"], result
    assert "README.md" in result["text"] and "may change only" in result["text"], result
    assert received_reason(result["text"], "Write") == deny_reason(strict_wave_repo, "Write",
                                                                   {"file_path": str(readme), "content": "x"})
    assert readme.read_bytes() == before


def test_strict_scope_allows_write_inside_the_wave(strict_wave_repo: Path, run_claude) -> None:
    ops = strict_wave_repo / "src" / "calc" / "ops.py"
    new_text = ops.read_text(encoding="utf-8") + "\n\ndef negate(a):\n    return -a\n"
    # Claude's Write tool refuses to overwrite a file the model has not read first.
    script = {"steps": [{"tool": "Read", "input": {"file_path": str(ops)}},
                        {"tool": "Write", "input": {"file_path": str(ops), "content": new_text}},
                        {"text": "ok"}]}
    run = run_claude(strict_wave_repo, "add negate", script)

    result = _single_result(run, 1)
    assert not result["is_error"], result
    assert ops.read_text(encoding="utf-8") == new_text


def test_warn_scope_allows_the_write_and_tells_the_model(committed_repo: Path, run_claude) -> None:
    """Under `warn` the out-of-scope write happens, and the warning reaches the model as hook context."""
    _set_enforcement(committed_repo, "warn")
    _write_scope(committed_repo, "warn")
    readme = committed_repo / "README.md"
    script = {"steps": [{"tool": "Read", "input": {"file_path": str(readme)}},
                        {"tool": "Write", "input": {"file_path": str(readme), "content": "replaced\n"}},
                        {"text": "ok"}]}
    run = run_claude(committed_repo, "rewrite the readme", script)

    result = _single_result(run, 1)
    assert not result["is_error"], result
    assert readme.read_text(encoding="utf-8") == "replaced\n"
    notes = "\n".join(tool_result_notes(run.requests, tool_use_id(1)))
    assert "hook additional context" in notes, run.describe()
    assert "session-orchestrator scope (warn): Allowed with a warning" in notes
    assert "README.md" in notes


def _src_files(repo: Path) -> list[str]:
    return sorted(str(p.relative_to(repo)) for p in (repo / "src").rglob("*"))


def test_megabyte_command_cannot_time_the_guard_out(committed_repo: Path, run_claude) -> None:
    """A 1 MB command ending in `; rm -rf src`: before, the guard took minutes, the CLI gave up on the hook
    and ran the command. Now the guard answers within its deadline and `src/` survives."""
    _set_enforcement(committed_repo, "strict")
    before = _src_files(committed_repo)
    command = "echo " + "a" * 1_000_000 + "; rm -rf src"
    script = {"steps": [{"tool": "Bash", "input": {"command": command}}, {"text": "ok"}]}
    run = run_claude(committed_repo, "print a long line", script)

    result = _single_result(run, 0)
    assert result["is_error"], run.describe()
    assert "rm-recursive-force" in result["text"], result
    assert _src_files(committed_repo) == before


def test_long_heredoc_cannot_hide_a_later_rm(committed_repo: Path, run_claude) -> None:
    _set_enforcement(committed_repo, "strict")
    before = _src_files(committed_repo)
    lines = "\n".join(f"{i:064x}  data/file-{i}.bin" for i in range(1000))
    command = f"cat <<'EOF' > /tmp/so-e2e-checksums.txt\n{lines}\nEOF\nrm -rf src"
    script = {"steps": [{"tool": "Bash", "input": {"command": command}}, {"text": "ok"}]}
    run = run_claude(committed_repo, "record the checksums", script)

    result = _single_result(run, 0)
    assert result["is_error"], run.describe()
    assert "rm-recursive-force" in result["text"], result
    assert _src_files(committed_repo) == before


def test_apostrophe_in_a_commit_heredoc_cannot_hide_a_force_push(committed_repo: Path, tmp_path: Path,
                                                                  run_claude) -> None:
    """The commit form agents write every day, with "Don't" in the message, followed by a force push.

    The remote is a local bare repository, so nothing can leave the machine.
    """
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(committed_repo, "remote", "add", "origin", str(remote))
    branch = git(committed_repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(committed_repo, "push", "-q", "origin", branch)
    remote_head = git(remote, "rev-parse", branch).strip()
    local_head = git(committed_repo, "rev-parse", "HEAD").strip()

    command = ("git commit --amend -m \"$(cat <<'EOF'\nRewrite the intro\n\nDon't keep the old wording; "
               f"it's wrong.\nEOF\n)\" && git push --force origin {branch}")
    script = {"steps": [{"tool": "Bash", "input": {"command": command}}, {"text": "ok"}]}
    run = run_claude(committed_repo, "reword and publish", script)

    result = _single_result(run, 0)
    assert result["is_error"], run.describe()
    assert "git-push-force" in result["text"], result
    assert git(remote, "rev-parse", branch).strip() == remote_head
    assert git(committed_repo, "rev-parse", "HEAD").strip() == local_head
