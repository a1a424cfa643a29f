"""Gates never write: checks run in check mode, and a check that writes anyway blocks and is named."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

from runtime.loop import state as st
from runtime.loop.readonly import check_mode
from tests.helpers import commit_all
from tests.runtime.loop_support import calc_repo, rt

RUFF = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")


@pytest.mark.parametrize(("command", "expected"), [
    ("ruff check .", "ruff check --no-fix ."),
    (".venv/bin/ruff check --fix src", ".venv/bin/ruff check --no-fix src"),
    ("ruff check --no-fix .", "ruff check --no-fix ."),
    ("uv run ruff check . && uv run ruff format .", "uv run ruff check --no-fix . && uv run ruff format --check ."),
    ("npx eslint --fix .", "npx eslint ."),
    ("black src", "black --check src"),
    ("isort .", "isort --check-only ."),
    ("npx prettier --write .", "npx prettier --check ."),
    ("npm run lint", "npm run lint"),  # a script: what it runs is not visible here; the tree check covers it
    ("mypy src", "mypy src"),
])
def test_lint_and_format_commands_run_in_check_mode(command: str, expected: str) -> None:
    assert check_mode("lint", command)[0] == expected


def test_test_commands_are_never_rewritten() -> None:
    assert check_mode("test", "black --fix") == ("black --fix", "")


def _files(repo: Path) -> dict[str, str]:
    """Every project file's content hash (the runtime's own records and git's store left out)."""
    out = {}
    for path in repo.rglob("*"):
        rel = path.relative_to(repo).as_posix()
        if path.is_file() and not rel.startswith((".git/", ".orchestrator/")) and "__pycache__" not in rel \
                and ".ruff_cache" not in rel and ".pytest_cache" not in rel:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _lint_repo(tmp_path: Path, lint: str, test: str = "true") -> Path:
    repo = calc_repo(tmp_path)
    text = (repo / "CLAUDE.md").read_text()
    text = text.replace("lint-command: skip", f"lint-command: {lint}")
    text = text.replace("test-command: python3 -m pytest -q -p no:cacheprovider", f"test-command: {test}")
    (repo / "CLAUDE.md").write_text(text)
    commit_all(repo, "lint command")
    assert rt(repo, "session", "start", "feature").returncode == 0
    return repo


WRITER = "sleep 0.4 && python3 -c \"open('src/calc/ops.py', 'a').write('# touched')\""


def test_a_check_that_writes_blocks_and_is_named(tmp_path: Path) -> None:
    repo = _lint_repo(tmp_path, WRITER)
    gate = rt(repo, "gate", "baseline")
    assert gate.returncode == 2, gate.stdout
    assert f"WROTE: the lint check ({WRITER}) changed 1 file: src/calc/ops.py" in gate.stdout
    wrote = st.load(repo)["baseline"]["wrote"]
    assert wrote["files"] == ["src/calc/ops.py"] and wrote["by"][0]["checks"] == ["lint"]


def test_a_write_while_two_checks_ran_names_both_never_one_by_guess(tmp_path: Path) -> None:
    repo = _lint_repo(tmp_path, WRITER, test="sleep 1.5")
    gate = rt(repo, "gate", "baseline")
    assert gate.returncode == 2
    assert "WROTE: one of the checks that were running then: test (sleep 1.5), lint (" in gate.stdout
    assert "changed 1 file: src/calc/ops.py" in gate.stdout


def test_a_write_after_the_early_check_ended_names_only_the_one_still_running(tmp_path: Path) -> None:
    repo = _lint_repo(tmp_path, "sleep 0.01", test="sleep 0.6 && touch new-output.txt")
    gate = rt(repo, "gate", "baseline")
    assert gate.returncode == 2
    assert "WROTE: the test check (sleep 0.6 && touch new-output.txt) changed 1 file: new-output.txt" in gate.stdout


def test_tool_caches_are_not_project_files(tmp_path: Path) -> None:
    repo = _lint_repo(tmp_path, "mkdir -p .mypy_cache/x && touch .mypy_cache/x/y.json src/calc/z.pyc")
    (repo / ".gitignore").write_text("")  # nothing ignored: the cache rule alone must keep them out
    commit_all(repo, "no ignores")
    assert rt(repo, "gate", "baseline").returncode == 0


def _ruff_repo(tmp_path: Path, lint: str) -> Path:
    repo = _lint_repo(tmp_path, lint)
    (repo / "pyproject.toml").write_text((repo / "pyproject.toml").read_text()
                                         + "\n[tool.ruff]\nfix = true\n[tool.ruff.lint]\nselect = ['F']\n")
    commit_all(repo, "ruff fixes by default")
    return repo


def test_ruff_with_fix_true_in_its_config_reports_and_never_fixes(tmp_path: Path) -> None:
    repo = _ruff_repo(tmp_path, f"{RUFF} check .")
    before = _files(repo)
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 0, base.stdout
    assert f"{RUFF} check --no-fix ." in st.load(repo)["baseline"]["checks"]["lint"]["command"]
    assert _files(repo) == before
    (repo / "src" / "calc" / "extra.py").write_text("import os\n\n\ndef f():\n    return 1\n")
    before = _files(repo)
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "NEW: lint: 1 new finding" in gate.stdout
    assert "src/calc/extra.py:1: F401" in gate.stdout
    assert _files(repo) == before, "the gate must not fix what it reports"


def test_a_fixing_command_the_gate_cannot_rewrite_is_caught_by_the_tree_check(tmp_path: Path) -> None:
    lint = "sh lint.sh"  # what the script runs is not visible to the gate, like an npm script
    repo = _ruff_repo(tmp_path, lint)
    # It writes only after the test check (`true`) has surely ended, so one check was running at the write:
    # under load, two checks that overlap are named together (never guessed), which another test covers.
    (repo / "lint.sh").write_text(f"sleep 1\n{RUFF} check --fix .\n")
    (repo / "src" / "calc" / "extra.py").write_text("import os\n\n\ndef f():\n    return 1\n")
    commit_all(repo, "an unused import")
    gate = rt(repo, "gate", "baseline")
    assert gate.returncode == 2, gate.stdout
    assert f"WROTE: the lint check ({lint}) changed 1 file: src/calc/extra.py" in gate.stdout
