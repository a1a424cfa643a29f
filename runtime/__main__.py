# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Entry point for `python3 .orchestrator/runtime ...`.

Running a directory puts that directory itself on sys.path; we swap it for its
parent so the package imports as `runtime` with working relative imports. The
`hook` command takes a fast path that skips argparse: it runs on every tool call.
"""

import os
import sys

if __package__ in (None, ""):
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

if len(sys.argv) > 1 and sys.argv[1] == "hook":
    from runtime.hooks import main as hook_main

    sys.exit(hook_main(sys.argv[2:]))
else:
    from runtime.cli import main

    sys.exit(main(sys.argv[1:]))
