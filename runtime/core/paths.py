# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Where things live in a consumer repository.

Everything the runtime writes sits under `.orchestrator/`, whichever agent is in
use, so a session started in one agent can be resumed from another.
"""

from __future__ import annotations

import os

from .lightpath import Path

ORCH_DIR = ".orchestrator"



def project_root(start: str | os.PathLike[str] | None = None, env: tuple[str, ...] | None = None) -> Path:
    """Find the repository the runtime serves.

    Order: `$SO_PROJECT_DIR`; the vendored location (`<root>/.orchestrator/runtime`),
    which is always right for a vendored copy, even when an agent's terminal
    exports another project's directory variable; the project variables in `env`
    (the hook path passes its platform's; otherwise every platform's); then the
    nearest ancestor of `start` (or cwd) holding `.orchestrator` or `.git`.
    """
    explicit = os.environ.get("SO_PROJECT_DIR")
    if explicit and os.path.isdir(explicit):
        return Path(explicit)
    here = Path(__file__).resolve().parent.parent  # the runtime directory (this file is in core/)
    if here.parent.name == ORCH_DIR and start is None:
        return here.parent.parent
    if env is None:
        from ..platforms import project_env

        env = project_env()
    for name in env:
        value = os.environ.get(name)
        if value and os.path.isdir(value):
            return Path(value)
    cur = Path(start or os.getcwd()).resolve()
    for candidate in (cur, *cur.parents):
        if (candidate / ORCH_DIR).is_dir() or (candidate / ".git").exists():
            return candidate
    return cur


def orch_dir(root: Path) -> Path:
    return root / ORCH_DIR


def state_dir(root: Path) -> Path:
    """Machine-local state: locks, loop-guard history, scope file. Git-ignored."""
    return root / ORCH_DIR / "state"


def metrics_dir(root: Path) -> Path:
    return root / ORCH_DIR / "metrics"


def state_file(root: Path) -> Path:
    return root / ORCH_DIR / "STATE.md"
