# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The vendored session-orchestrator runtime.

Copied into consumer repositories as `.orchestrator/runtime/` and run as
`python3 .orchestrator/runtime <command>`. Standard library only: consumer
repositories install nothing for it. Hooks run it on every tool call, so this
file stays empty of imports.
"""

__version__ = "0.1.0"
