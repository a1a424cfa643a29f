"""Suite-wide settings: a pinned git identity, private caches per worker, one render per session.

The suite runs in parallel (pytest-xdist, `-n auto` in pyproject.toml). Each
worker is its own process with its own session fixtures and its own
`tmp_path_factory` base, so what is cached here is cached once per worker.
Shared caches that outlive a run (the pinned agent CLIs, downloaded sdists)
take a file lock where they are filled.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, copy_example, render


@pytest.fixture(autouse=True, scope="session")
def _git_identity() -> None:
    os.environ.update(GIT_ENV)


@pytest.fixture(autouse=True, scope="session")
def _private_xdg_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each worker gets its own XDG cache, config, data and state directories, so no two
    test processes write one file in the user's home; the long-lived caches keep their place."""
    home = Path.home()
    os.environ.setdefault("SO_CLIENTS_DIR", str(home / ".cache" / "session-orchestrator" / "clients"))
    os.environ.setdefault("SO_SDIST_CACHE", str(home / ".cache" / "session-orchestrator" / "sdists"))
    os.environ.setdefault("SO_RUNNERS_DIR", str(home / ".cache" / "session-orchestrator" / "runners"))
    base = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        path = base / name.lower()
        path.mkdir()
        os.environ[name] = str(path)


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A git repository holding a fresh copy of examples/python-calc."""
    return copy_example(tmp_path / "calc")


@pytest.fixture(scope="session")
def rendered_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository with the template rendered in with default answers, once per session:
    a `copier copy` costs over a second, and most tests only need its result."""
    return render(copy_example(tmp_path_factory.mktemp("rendered-defaults") / "calc"))


@pytest.fixture
def rendered_repo(rendered_once: Path, tmp_path: Path) -> Path:
    """A private copy of the session's render (git history included), free to change."""
    return Path(shutil.copytree(rendered_once, tmp_path / "calc", symlinks=True))
