# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The hook path: the entry for every tool call, what it knows about the call, and what it decides.

It runs on every tool call, so its modules import lazily and `benchmarks/hook_latency.py` watches them.
"""
