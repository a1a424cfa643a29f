"""The loop's gates on real projects from PyPI, end to end.

For each pinned project (see projects.py for the sdist cache and the network use):
render this template with default answers, let `doctor` prove the checks can run,
record the real suite as the baseline, then show that a regression seeded in one
module is blocked by the failing test's name, that a failure already present at the
baseline is not, and that a broken environment (the venv's pytest removed) blocks
with the cause and the fix instead of passing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import git, render, runtime
from tests.realworld.projects import PROJECTS, Project, clean_env, make_venv, unpack
from tests.runtime.loop_support import plan_for


def rt(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return runtime(repo, *args, stdin=stdin, env=clean_env(), timeout=600)


def set_config(repo: Path, key: str, value: str) -> None:
    claude = repo / "CLAUDE.md"
    lines = claude.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(f"- {key}:") for line in lines), f"no {key} in the rendered Session Config"
    claude.write_text("\n".join(f"- {key}: {value}" if line.startswith(f"- {key}:") else line for line in lines)
                      + "\n", encoding="utf-8")


def add_known_failure(repo: Path, project: Project) -> str:
    path = repo / project.tests / "test_known_broken_here.py"
    path.write_text("def test_was_already_broken():\n    assert 1 + 1 == 3\n", encoding="utf-8")
    return f"{project.tests}/test_known_broken_here.py::test_was_already_broken"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_gates_on_a_real_project(tmp_path: Path, project: Project) -> None:
    repo = unpack(project, tmp_path / project.name)
    known = add_known_failure(repo, project)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a test that already fails")
    make_venv(repo, project)
    render(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "session-orchestrator")

    doctor = rt(repo, "doctor")
    assert "test gate: .venv/bin/python -m pytest -q (auto: .venv/ exists" in doctor.stdout, doctor.stdout
    assert "probe collects tests" in doctor.stdout
    if project.doctor_failure:
        assert doctor.returncode == 1 and project.doctor_failure in doctor.stdout, doctor.stdout
        for key, value in project.adjust.items():
            set_config(repo, key, value)
        doctor = rt(repo, "doctor")
    assert doctor.returncode == 0, doctor.stdout

    assert rt(repo, "session", "start", "feature").returncode == 0
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 0, base.stdout
    record = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert record["baseline"]["blocked"] is False
    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert rt(repo, "plan", "set", "-", stdin=json.dumps(plan_for(status["waves"]))).returncode == 0
    from runtime.loop import state as st

    checks = st.load(repo)["baseline"]["checks"]
    assert checks["test"]["status"] == "failed" and checks["test"]["counts"]["passed"] > 100
    assert checks["test"]["failed_tests"] == [known]

    assert rt(repo, "wave", "start", "1").returncode == 0
    assert rt(repo, "wave", "done", "1", "--task", "T1=done").returncode == 0
    assert rt(repo, "wave", "start", "2").returncode == 0
    module = repo / project.module
    source = module.read_text(encoding="utf-8")
    assert project.before in source
    module.write_text(source.replace(project.before, project.after), encoding="utf-8")
    assert rt(repo, "wave", "done", "2", "--task", "T2=done").returncode == 0

    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert f"REGRESSION: {project.broken_test}" in gate.stdout
    assert f"REGRESSION: {known}" not in gate.stdout
    refused = rt(repo, "wave", "start", "3")
    assert refused.returncode == 2 and project.broken_test in refused.stderr

    module.write_text(source, encoding="utf-8")
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 0, gate.stdout
    assert "pre-existing failures (not blocking): 1" in gate.stdout and "REGRESSION" not in gate.stdout

    subprocess.run([str(repo / ".venv" / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "pytest"],
                   check=True, capture_output=True)
    gate = rt(repo, "gate", "full")
    assert gate.returncode == 2, gate.stdout
    assert "BROKEN: test could not run: the interpreter has no module 'pytest'" in gate.stdout
    assert "fix: install it there ('.venv/bin/python -m pip install pytest')" in gate.stdout, gate.stdout
    assert "PASS" not in gate.stdout
    doctor = rt(repo, "doctor")
    assert doctor.returncode == 1 and "no module 'pytest'" in doctor.stdout
