# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`breaker status` and `breaker ack --reason "..."`: the user's side of the circuit breaker.

A tripped breaker stops the loop (no `wave start`, no subagent) until a gate passes
or the user acknowledges it. The acknowledgement is the user's decision: the hooks
refuse to run it for an agent, and its reason is kept with the cleared breakers.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="breaker_command", metavar="<status|ack>", required=True)
    status = sub.add_parser("status", help="Show the tripped circuit breakers.")
    status.add_argument("--json", action="store_true")
    ack = sub.add_parser("ack", help="Acknowledge the tripped breakers (run by the user, not the agent).")
    ack.add_argument("--reason", required=True, help="why the loop may go on; kept with the cleared breakers")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..guards import breaker

    root = project_root()
    tripped = breaker.active(root)
    if args.breaker_command == "status":
        if args.json:
            print(json.dumps({"tripped": tripped}, indent=2))
        elif not tripped:
            print("no circuit breaker is tripped")
        else:
            for entry in tripped:
                print(f"tripped {entry.get('ts', '?')} ({entry.get('kind', '?')}): {entry.get('reason', '')}")
            print(f"clears when a gate passes, or acknowledge it: {breaker.ACK}")
        return 1 if tripped else 0
    reason = args.reason.strip()
    if not reason:
        print("error: --reason must say why the loop may go on", file=sys.stderr)
        return 1
    if not tripped:
        print("no circuit breaker is tripped; nothing to acknowledge")
        return 0
    count = breaker.clear(root, "acknowledged", reason)
    print(f"acknowledged {count} circuit breaker{'' if count == 1 else 's'}: {reason}")
    return 0
