"""Suite-wide settings: a pinned git identity so commits work on any machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, copy_example, render


@pytest.fixture(autouse=True, scope="session")
def _git_identity() -> None:
    os.environ.update(GIT_ENV)


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A git repository holding a fresh copy of examples/python-calc."""
    return copy_example(tmp_path / "calc")


@pytest.fixture
def rendered_repo(example_repo: Path) -> Path:
    """The example repository with the template rendered in with default answers."""
    return render(example_repo)
