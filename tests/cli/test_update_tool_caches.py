"""`update` after the user's own tools have run over the repository, caches and all.

A real `ruff check .` from the repository root makes the runtime's nested ruff.toml a project root
and leaves `.orchestrator/runtime/.ruff_cache/`; running the runtime leaves `__pycache__/`. Neither is
an edit to the runtime. Real template clone, real repository, real ruff; nothing is mocked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from session_orchestrator.cli import app
from tests.helpers import GIT_ENV, commit_all, copy_example, git, refresh_manifest, runtime, tagged_template

runner = CliRunner()


def ruff_over_the_repository(repo: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install -e '.[test]'"
    subprocess.run([ruff, "check", "."], cwd=repo, capture_output=True, text=True, env={**GIT_ENV, "PATH": ""})
    assert (repo / ".orchestrator" / "runtime" / ".ruff_cache").is_dir()  # what ruff really does
    runtime(repo, "config")  # and Python writes the runtime's bytecode when it runs


def update(repo: Path, template: Path, *extra: str) -> str:
    result = runner.invoke(app, ["update", str(repo), "--template", str(template), *extra])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def dry_run_names(output: str) -> set[str]:
    return set(re.findall(r"^  \w+\s+(\S+)$", output, re.MULTILINE))


def status_names(repo: Path) -> set[str]:
    return {line[3:] for line in git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()}


def test_update_after_ruff_saves_nothing_reports_nothing_and_matches_its_dry_run(tmp_path: Path) -> None:
    template = tagged_template(tmp_path / "template", "v1")
    repo = copy_example(tmp_path / "calc")
    result = runner.invoke(app, ["init", str(repo), "--template", str(template), "--vcs-ref", "v1", "--defaults"])
    assert result.exit_code == 0, result.output
    commit_all(repo, "add session-orchestrator")
    backup = repo / ".orchestrator" / "backup"

    for _ in range(2):  # the same version: nothing to do, twice
        ruff_over_the_repository(repo)
        assert "the update would change nothing" in update(repo, template, "--dry-run")
        output = update(repo, template)
        assert "your edits" not in output and "backup" not in output, output
        assert not backup.exists()
        assert status_names(repo) == set()

    # A release that changes a runtime file and a command text: the dry run names what the update changes.
    doctor_py = template / "runtime" / "commands" / "doctor.py"
    doctor_py.write_text(doctor_py.read_text() + "\n# v2\n")
    refresh_manifest(template / "runtime")
    session = template / "template" / "_canonical" / "commands" / "session.md"
    session.write_text(session.read_text().replace("## 5. Record the plan", "## 5. Record the agreed plan"))
    commit_all(template, "v2")
    git(template, "tag", "v2")
    ruff_over_the_repository(repo)
    planned = dry_run_names(update(repo, template, "--vcs-ref", "v2", "--dry-run"))
    output = update(repo, template, "--vcs-ref", "v2")
    assert "your edits" not in output and not backup.exists(), output
    changed = status_names(repo)
    assert ".orchestrator/runtime/commands/doctor.py" in changed
    assert planned == changed
