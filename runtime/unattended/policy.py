# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Whether this run is unattended, and what that means for a question.

Autopilot starts the agent with `SO_UNATTENDED=1` in its environment; every runtime call the agent
makes inherits it, so the session-start banner and `session status` can say so, and the command
texts tell the agent what to do then: a question is answered from recorded decisions and the plan
where it can be, and otherwise parked as an open question on the item (which is carried over),
never waited on. A run that waits on an answer nobody will give is the stall users report.
"""

from __future__ import annotations

import os

ENV = "SO_UNATTENDED"
ITEM_ENV = "SO_AUTOPILOT_ITEM"

NOTICE = ("Unattended run (autopilot): nobody is at the keyboard. Answer a question from the recorded decisions "
          "and the plan; otherwise park it as an open question on the item (record it partial with the question "
          "in its note, so it is carried over) and go on. Never wait for an answer.")


def active(environ: dict[str, str] | None = None) -> bool:
    value = (environ if environ is not None else os.environ).get(ENV, "")
    return value not in ("", "0", "false", "no")


def notice_lines(environ: dict[str, str] | None = None) -> list[str]:
    """The lines the banner and `session status` add when the run is unattended (none otherwise)."""
    if not active(environ):
        return []
    env = environ if environ is not None else os.environ
    item = env.get(ITEM_ENV, "").strip()
    return [NOTICE] + ([f"Autopilot item: {item}"] if item else [])
