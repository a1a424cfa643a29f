"""Evasion families and the ordinary deletes an agent makes all day, end to end with the real Claude Code CLI.

Real: the pinned Claude Code binary, the rendered template and its PreToolUse hook, the vendored
runtime's guard, git, npm-free shell commands, the files on disk. Scripted: the model, which asks for
the calls. A denial is proven by the reason the model was told and by the files still being there;
a pass by the command having run (the ignored build output is gone, the sources are not).
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.fake_model import tool_results, tool_use_id
from tests.helpers import git


def _strict_repo(repo: Path) -> Path:
    claude_md = repo / "CLAUDE.md"
    text = claude_md.read_text(encoding="utf-8")
    lines = [("- enforcement: strict" if line.startswith("- enforcement:") else line) for line in text.splitlines()]
    claude_md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (repo / ".gitignore").write_text("build/\n*.pyc\n__pycache__/\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add session-orchestrator")
    (repo / "build" / "lib").mkdir(parents=True)
    (repo / "build" / "lib" / "out.o").write_text("o\n")
    (repo / "src" / "__pycache__").mkdir(exist_ok=True)
    (repo / "src" / "__pycache__" / "x.cpython-311.pyc").write_text("c\n")
    return repo


def _sources(repo: Path) -> list[str]:
    return sorted(str(p.relative_to(repo)) for p in (repo / "src").rglob("*.py"))


def test_a_symlink_made_on_the_line_cannot_pass_src_off_as_build_output(rendered_repo: Path, run_claude) -> None:
    repo = _strict_repo(rendered_repo)
    before = _sources(repo)
    command = "rm -rf build && ln -sfn src build && rm -rf build/"
    script = {"steps": [{"tool": "Bash", "input": {"command": command}}, {"text": "ok"}]}
    run = run_claude(repo, "clean the build", script)

    results = tool_results(run.requests, tool_use_id(0))
    assert len(results) == 1 and results[0]["is_error"], run.describe()
    assert "rm-recursive-force" in results[0]["text"], results[0]
    assert _sources(repo) == before and before


def test_ignored_build_output_and_bytecode_are_deleted_without_asking(rendered_repo: Path, run_claude) -> None:
    repo = _strict_repo(rendered_repo)
    before = _sources(repo)
    command = "rm -rf build/ && find . -name '*.pyc' -delete && echo cleaned"
    script = {"steps": [{"tool": "Bash", "input": {"command": command}}, {"text": "ok"}]}
    run = run_claude(repo, "clean the build", script)

    results = tool_results(run.requests, tool_use_id(0))
    assert len(results) == 1 and not results[0]["is_error"], run.describe()
    assert "cleaned" in results[0]["text"], results[0]
    assert not (repo / "build").exists()
    assert not list(repo.rglob("*.pyc"))
    assert _sources(repo) == before and before
