"""Builders shared by the test suites: real git repositories and real renders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RUNTIME_CMD = "python3 .orchestrator/runtime"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                         env={**os.environ, **GIT_ENV})
    return out.stdout


def init_repo(path: Path) -> Path:
    """`git init` + one commit of whatever is in `path`."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", "initial")
    return path


def copy_example(dest: Path, name: str = "python-calc") -> Path:
    """A fresh git repository holding a copy of examples/<name>."""
    shutil.copytree(EXAMPLES / name, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return init_repo(dest)


def render(dest: Path, **answers: Any) -> Path:
    """Render this template (its working tree, uncommitted changes included) into `dest`."""
    from copier import run_copy

    run_copy(str(ROOT), str(dest), data=answers, defaults=True, unsafe=True, vcs_ref="HEAD", quiet=True)
    return dest


def runtime(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            check: bool = False, program: Path | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run the repo's vendored runtime the way hooks and command texts do.

    `program` runs another copy of the runtime against `repo` (the loop-engine
    tests use this checkout's `runtime/` on a repository that has no vendored copy).
    """
    full_env = {**os.environ, **GIT_ENV, "SO_PROJECT_DIR": str(repo), **(env or {})}
    full_env.pop("CLAUDE_PROJECT_DIR", None)
    program = program or repo / ".orchestrator" / "runtime"
    return subprocess.run(["python3", str(program), *args], cwd=repo, input=stdin, capture_output=True, text=True,
                          env=full_env, check=check, timeout=timeout)


def tagged_template(dest: Path, tag: str = "v1") -> Path:
    """A throwaway git repository holding this template's working tree, tagged `tag`.

    `copier update` needs a template with real commits and tags; this gives it one
    without touching the checkout under test.
    """
    ignore = shutil.ignore_patterns(".git", ".venv", "demo", "__pycache__", ".pytest_cache", ".ruff_cache",
                                    "*.egg-info")
    shutil.copytree(ROOT, dest, symlinks=True, ignore=ignore)
    init_repo(dest)
    git(dest, "tag", tag)
    return dest


def refresh_manifest(runtime_dir: Path) -> None:
    """Regenerate a runtime copy's MANIFEST.json, as every release does after changing a runtime file.

    A test that fakes a release by editing runtime files must do the same, or the
    rendered runtime is (rightly) reported as edited.
    """
    subprocess.run(["python3", "-m", "runtime.core.integrity"], cwd=runtime_dir.parent, check=True,
                   capture_output=True, text=True)


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
