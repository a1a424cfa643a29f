# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The bottom layer: the vocabulary and plumbing every other package is written in.

The neutral tool call and decision, paths, atomic files, processes, JSON lines, the
Session Config reader, the telemetry logs and the git tree state. Nothing here imports
from another runtime package (tests/runtime/test_layout.py checks the arrows).
"""
