# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Learning and planning across sessions: learnings, evolve, reconcile, PRDs, the
instruction budget, and the research a session starts from.
"""
