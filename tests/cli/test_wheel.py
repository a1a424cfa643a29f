"""The built wheel, installed into a fresh virtual environment, works with no checkout and no network.

The wheel is built from this checkout with pip (build isolation fetches
setuptools from the configured index). The CLI's dependencies (copier, typer,
GitPython) are taken from the test environment through a plain path entry, so
the test needs no package download; session_orchestrator itself comes only
from the wheel, which the test checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from runtime import __version__ as runtime_version
from tests.helpers import GIT_ENV, ROOT, copy_example, git

# pip builds the wheel inside the checkout (build/, *.egg-info): one worker builds it, once.
pytestmark = pytest.mark.xdist_group("wheel-build")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel, and everything the build printed (-v: the backend's own warnings included)."""
    base = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-v", "-w",
                             str(base / "dist")], capture_output=True, text=True, cwd=base)
    assert result.returncode == 0, result.stderr[-2000:]
    return next((base / "dist").glob("session_orchestrator-*.whl")), result.stdout + result.stderr


def test_the_build_uses_current_metadata_and_warns_of_nothing_deprecated(built: tuple[Path, str]) -> None:
    wheel, log = built
    assert "Running command Building wheel" in log  # the backend's output is really in the log
    deprecated = [line.strip() for line in log.splitlines() if "deprecat" in line.lower()]
    assert deprecated == []
    metadata = zipfile.ZipFile(wheel).read(f"session_orchestrator-{runtime_version}.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()


@pytest.fixture(scope="module")
def installed(built: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    wheel, _ = built
    base = tmp_path_factory.mktemp("wheel-install")
    assert wheel.name.startswith(f"session_orchestrator-{runtime_version}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "session_orchestrator/_bundle/template/.orchestrator/runtime/__init__.py" in names
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GIT_ENV)
    env["SESSION_ORCHESTRATOR_CACHE"] = str(base / "cache")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    where = subprocess.run([str(python), "-c", "import session_orchestrator; print(session_orchestrator.__file__)"],
                           capture_output=True, text=True, env=env, cwd=base, check=True).stdout
    assert where.startswith(str(venv)), where
    return venv, env


def cli(venv: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "session-orchestrator"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_init_update_and_demo_from_the_wheel(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = installed
    version = cli(venv, env, tmp_path, "--version")
    assert version.stdout.startswith(f"session-orchestrator {runtime_version} "), version.stderr
    repo = copy_example(tmp_path / "calc")
    init = cli(venv, env, tmp_path, "init", str(repo), "--defaults")
    assert init.returncode == 0, init.stdout + init.stderr
    assert "Traceback" not in init.stderr
    answers = (repo / ".copier-answers.session-orchestrator.yml").read_text()
    assert f"_commit: v{runtime_version}" in answers and "_src_path: gh:" in answers
    assert str(ROOT) not in answers and str(tmp_path) not in answers
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add session-orchestrator")
    update = cli(venv, env, tmp_path, "update", str(repo))
    assert update.returncode == 0, update.stdout + update.stderr
    assert git(repo, "status", "--porcelain") == ""
    demo = cli(venv, env, tmp_path, "demo", "--force")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "Session Config from CLAUDE.md: valid" in demo.stdout
    assert (tmp_path / "demo" / "python-calc" / ".claude" / "skills" / "session" / "SKILL.md").is_file()
