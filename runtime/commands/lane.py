# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`lane start|merge|clean|list`: parallel sessions in git worktrees (unattended/lanes.py does the work)."""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT_REFUSED = 2


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="lane_command", metavar="<start|merge|clean|list>", required=True)
    start = sub.add_parser("start", help="Create a lane: a git worktree on branch lane/<name> from a recorded base "
                                         "commit, with its own session state and environment overlay.")
    start.add_argument("name", help="the lane's name: lower-case letters, digits and '-'")
    start.add_argument("--base", help="the commit to start from (default: the checked-out branch's tip)")
    start.add_argument("--json", action="store_true")
    merge = sub.add_parser("merge", help="Bring a lane back after its verified close: the branch's new commits "
                                         "merged in the lane, the full gate on the result, then a fast-forward.")
    merge.add_argument("name")
    merge.add_argument("--json", action="store_true")
    clean = sub.add_parser("clean", help="Remove a lane's worktree and branch; refuses while it holds scratch or "
                                         "unmerged commits.")
    clean.add_argument("name")
    clean.add_argument("--force", action="store_true", help="remove it anyway: its scratch and unmerged commits go")
    clean.add_argument("--json", action="store_true")
    listing = sub.add_parser("list", help="The lanes with their base, branch, state and staleness.")
    listing.add_argument("--json", action="store_true")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..unattended import lanes
    from ..unattended.lanerecord import LaneError, LaneRefusedError

    root = project_root()
    try:
        if args.lane_command == "start":
            lane = lanes.start(root, args.name, args.base)
            if args.json:
                print(json.dumps(lane.to_json(), indent=2))
            else:
                print(f"lane {lane.name}: {lane.path} on {lane.branch}, base {lane.base[:12]} ({lane.target})")
                print(f"overlay: SO_PORT_OFFSET={lane.port_offset} SO_NAME_SUFFIX={lane.suffix} "
                      "(in .orchestrator/lane.env; load it with: set -a; . .orchestrator/lane.env; set +a)")
                for note in lane.notes:
                    print(f"note: {note}")
                print(f"work there: cd {lane.path}")
            return 0
        if args.lane_command == "merge":
            result = lanes.merge(root, args.name)
            if args.json:
                print(json.dumps({"merged": True, **result.to_json()}, indent=2))
            else:
                if result.stale:
                    print(f"{result.target} had moved {result.behind} commit(s) past the lane's base; merged them "
                          f"into the lane ({result.brought_in[:12] or 'already contained'})")
                if result.resolved:
                    print("combined both sides of: " + ", ".join(result.resolved))
                print(f"session {result.session}: verified close; full gate on the merged result: "
                      f"{result.gate.get('summary')}")
                print(f"{result.target}: {result.previous[:12]} -> {result.merged[:12]}")
            return 0
        if args.lane_command == "clean":
            lanes.clean(root, args.name, args.force)
            print(json.dumps({"cleaned": args.name}) if args.json else f"lane {args.name} removed")
            return 0
        rows = [lanes.describe(root, lane) for lane in lanes.list_lanes(root)]
        if args.json:
            print(json.dumps(rows, indent=2))
        elif not rows:
            print("no lanes; 'lane start <name>' creates one")
        else:
            for row in rows:
                stale = f", stale ({row['behind']} behind {row['target']})" if row["stale"] else ""
                print(f"{row['name']}: {row['state']}{stale}; {row['branch']} from {row['base'][:12]}; "
                      f"ports +{row['port_offset']}; {row['path']}")
        return 0
    except LaneRefusedError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"refused": str(exc)}))
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except LaneError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"error": str(exc)}))
        print(f"error: {exc}", file=sys.stderr)
        return 1
