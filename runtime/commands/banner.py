# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`banner`: print the session-start banner, exactly as the hook would."""

from __future__ import annotations

from typing import Any

from ..core.config import load_or_defaults
from ..core.paths import project_root
from ..hookpath.banner import banner


def add_arguments(parser: Any) -> None:
    pass


def run(args: Any) -> int:
    root = project_root()
    config, problems = load_or_defaults(root)
    print(banner(root, config, problems))
    return 0
