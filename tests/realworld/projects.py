"""Real open-source projects from PyPI, pinned, as fixtures for end-to-end gate tests.

Network use: PyPI only (through pip and its configured index). Each sdist is
downloaded once, with `pip download --no-deps --no-binary :all: NAME==VERSION`, into
a cache directory (`SO_SDIST_CACHE`, default `~/.cache/session-orchestrator/sdists`)
and unpacked fresh for every test into `tmp_path` as a git repository. Projects whose
tests need the package installed get a `.venv` built inside the test with
`python -m venv .venv && .venv/bin/pip install -e . pytest ...`, from the package
index (pip's own wheel cache makes repeat runs fast). Nothing is downloaded by hand
and nothing else leaves the machine.

Chosen because each is small, pure Python, ships its own tests in the sdist, and
runs its suite in about a second:
- cachetools: src layout with tox.ini, ruff and pyright configured;
- python-slugify: flat layout with tox.ini; its tests import an installed dependency
  (text-unidecode), so they only pass inside the project's `.venv`; mypy configured;
- pluggy: src layout, ruff and mypy configured (pytest itself depends on it, so a
  broken edit can break the runner, not just a test);
- six (`SIX`, used by test_lost_tests.py only): one module and one test module at the
  top level, about 200 tests, some parametrized.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import git


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    tests: str  # the folder holding the project's tests
    tools: tuple[str, ...]  # what the project's own config asks for, installed into .venv
    # a one-module regression and a test it breaks (found by running the suite)
    module: str
    before: str
    after: str
    broken_test: str
    # Session Config lines a user sets when doctor reports a tool that cannot run here
    adjust: dict[str, str] = field(default_factory=dict)
    doctor_failure: str = ""
    # what mypy checks when the config names nothing: `.` unless it then stops on duplicate module names
    mypy_targets: tuple[str, ...] = (".",)

    @property
    def dist(self) -> str:
        return f"{self.name.replace('-', '_')}-{self.version}"


PROJECTS = [
    Project("cachetools", "8.0.1", "tests", ("ruff",), "src/cachetools/keys.py",
            "    return key + tuple(map(type, args))", "    return key",
            "tests/test_cached.py::DictTest::test_decorator_typed",
            adjust={"typecheck-command": "skip"},
            doctor_failure="typecheck gate cannot run: .venv/bin/python -m pyright"),
    Project("python-slugify", "9.2.0", "tests", ("mypy",), "slugify/special.py",
            "        char_list.insert(0, upper_dict)", "        pass",
            "tests/test_add_uppercase_error.py::TestAddUppercaseCharAtomicity::"
            "test_successful_processing_modifies_list", mypy_targets=("slugify", "tests")),
    Project("pluggy", "1.7.0", "testing", ("ruff", "mypy"), "src/pluggy/_manager.py",
            '    return f"{func.__name__}{inspect.signature(func)}"',
            '    return f"{func.__name__} {inspect.signature(func)}"',
            "testing/test_helpers.py::test_formatdef",
            adjust={"typecheck-command": ".venv/bin/mypy src testing"},
            doctor_failure="typecheck gate cannot run: .venv/bin/mypy . (auto: mypy is configured in "
                           "pyproject.toml [tool.mypy]", mypy_targets=("src", "testing")),
]


SIX = Project("six", "1.17.0", ".", (), "six.py", "        return iter(d.items(**kw))",
              "        return iter(d.values(**kw))", "test_six.py::test_dictionary_iterators")


def cache_dir() -> Path:
    return Path(os.environ.get("SO_SDIST_CACHE") or Path.home() / ".cache" / "session-orchestrator" / "sdists")


def _cached(cache: Path, project: Project) -> list[Path]:
    names = {f"{project.dist}.tar.gz", f"{project.name}-{project.version}.tar.gz"}
    return sorted(path for name in names for path in cache.glob(name))


def sdist(project: Project) -> Path:
    """The pinned sdist, downloaded on first use."""
    cache = cache_dir()
    found = _cached(cache, project)
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".download.lock").open("w") as lock:  # parallel workers download each sdist once
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _cached(cache, project)[0] if _cached(cache, project) else _download(cache, project)


def _download(cache: Path, project: Project) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    f"{project.name}=={project.version}", "-d", str(cache)], check=True, capture_output=True,
                   timeout=300)
    found = _cached(cache, project)
    assert found, f"pip downloaded no sdist for {project.name}=={project.version} into {cache}"
    return found[0]


def unpack(project: Project, dest: Path) -> Path:
    """The sdist's tree as a fresh git repository at `dest`."""
    with tarfile.open(sdist(project)) as archive:
        archive.extractall(dest.parent / "unpack", filter="data")
    top = next((dest.parent / "unpack").iterdir())
    top.rename(dest)
    (dest / ".gitignore").open("a", encoding="utf-8").write("\n.venv/\n*.egg-info/\n__pycache__/\n")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", f"{project.name} {project.version} from its sdist")
    return dest


def make_venv(repo: Path, project: Project) -> None:
    """The project's own environment, the way its contributors set it up."""
    subprocess.run([sys.executable, "-m", "venv", str(repo / ".venv")], check=True, timeout=300)
    subprocess.run([str(repo / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", "-e", ".", "pytest", *project.tools],
                   cwd=repo, check=True, capture_output=True, timeout=600)


def clean_env() -> dict[str, str]:
    """PATH without the test suite's own virtualenv, so only the project's environment supplies tools."""
    prefix = str(Path(sys.prefix).resolve())
    keep = [p for p in os.environ.get("PATH", "").split(os.pathsep)
            if p and not str(Path(p).resolve()).startswith(prefix)]
    return {"PATH": os.pathsep.join(keep), "VIRTUAL_ENV": ""}
