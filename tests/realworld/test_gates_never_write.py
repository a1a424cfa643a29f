"""Gates never write, on a real project whose ruff config says `fix = true`.

humanize (pinned sdist from PyPI, see projects.py for the cache and the network use) sets
`[tool.ruff] fix = true`, so a plain `ruff check .` rewrites its files on every run. The
gate must run ruff in check mode, report a fixable finding added in a wave by name and
block on it, and leave every project file byte for byte as it was, after every gate
(baseline included).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from runtime.loop import state as st
from tests.helpers import git, render
from tests.realworld.projects import Project, make_venv, unpack
from tests.realworld.test_pypi_projects import rt, set_config
from tests.runtime.loop_support import plan_for

HUMANIZE = Project("humanize", "4.17.0", "tests", ("ruff", "freezegun", "pytest-codspeed"),
                   "src/humanize/number.py", "", "", "")
OUT_OF_SCOPE = (".git/", ".venv/", ".orchestrator/state/", ".orchestrator/metrics/", ".orchestrator/STATE.md")
CACHES = ("__pycache__", ".pytest_cache", ".ruff_cache", ".codspeed")


def project_files(repo: Path) -> dict[str, str]:
    """Every file of the project with its content hash (the runtime's own records and tool caches left out)."""
    out = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if path.is_file() and not rel.startswith(OUT_OF_SCOPE) and not any(c in rel.split("/") for c in CACHES):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_ruff_fix_true_project_is_never_rewritten_and_a_fixable_finding_blocks(tmp_path: Path) -> None:
    repo = unpack(HUMANIZE, tmp_path / "humanize")
    assert "fix = true" in (repo / "pyproject.toml").read_text()
    make_venv(repo, HUMANIZE)
    render(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "session-orchestrator")
    set_config(repo, "typecheck-command", "skip")  # mypy is configured but not installed here
    git(repo, "commit", "-q", "-am", "no type check")

    assert rt(repo, "session", "start", "feature").returncode == 0
    files = project_files(repo)
    base = rt(repo, "gate", "baseline")
    assert base.returncode == 0, base.stdout
    lint = st.load(repo)["baseline"]["checks"]["lint"]
    assert lint["command"] == ".venv/bin/ruff check --no-fix ."
    assert project_files(repo) == files, "the baseline changed project files"

    status = json.loads(rt(repo, "session", "status", "--json").stdout)
    assert rt(repo, "plan", "set", "-", stdin=json.dumps(plan_for(status["waves"]))).returncode == 0
    for step in (("wave", "start", "1"), ("wave", "done", "1", "--task", "T1=done"), ("wave", "start", "2")):
        assert rt(repo, *step).returncode == 0
    module = repo / HUMANIZE.module
    source = module.read_text()
    module.write_text(source.replace("from __future__ import annotations\n",
                                     "from __future__ import annotations\n\nimport textwrap\n", 1))
    assert rt(repo, "wave", "done", "2", "--task", "T2=done").returncode == 0
    files = project_files(repo)
    gate = rt(repo, "gate", "incremental")
    assert gate.returncode == 2, gate.stdout
    assert "NEW: lint: 1 new finding" in gate.stdout
    assert "src/humanize/number.py" in gate.stdout and "F401" in gate.stdout
    assert "WROTE" not in gate.stdout
    assert project_files(repo) == files, "the gate fixed (rewrote) what it should only report"
    assert "import textwrap" in module.read_text()

    module.write_text(source)
    files = project_files(repo)
    assert rt(repo, "gate", "incremental").returncode == 0
    assert project_files(repo) == files
