# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`discovery [code|tests|deps|docs|all]` and `discovery file <id>...`: the probes and the filing of what the
user chose (learning/discovery.py does the work)."""

from __future__ import annotations

import json
import sys
from typing import Any

LISTED = 10  # findings listed per category unless --all


def add_arguments(parser: Any) -> None:
    parser.add_argument("scope", nargs="?", default="all",
                        help="code, tests, deps, docs or all (the default); or 'file' followed by finding ids")
    parser.add_argument("ids", nargs="*", help="with 'file': the ids of the findings to file (a 4+ character "
                                               "prefix is enough)")
    parser.add_argument("--json", action="store_true", help="print the findings (or the filing report) as JSON")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the issue tracker for open issues; deduplicate against the carryover list")
    parser.add_argument("--dry-run", action="store_true", help="with 'file': show what would be filed; write nothing")
    parser.add_argument("--all", action="store_true",
                        help=f"list every finding (by default at most {LISTED} per category are listed; "
                             "the counts are always whole)")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..learning import discovery
    from ..loop.carryover import CarryoverFileError

    root = project_root()
    filing = args.scope == "file"
    if not filing and args.scope not in discovery.SCOPES:
        print(f"error: unknown scope {args.scope!r}; choose one of {', '.join(discovery.SCOPES)} or 'file <id>...'",
              file=sys.stderr)
        return 1
    if filing and not args.ids:
        print("error: 'discovery file' needs the ids of the findings to file (see 'discovery')", file=sys.stderr)
        return 1
    if not filing and args.ids:
        print(f"error: unexpected arguments after the scope: {' '.join(args.ids)}", file=sys.stderr)
        return 1
    try:
        data = discovery.collect(root, "all" if filing else args.scope)
        data["dedup"] = discovery.known(root, data["findings"], ask_tracker=not args.offline)
        if not filing:
            print(json.dumps(data, indent=2) if args.json else discovery.format_text(data, 0 if args.all else LISTED))
            return 0
        chosen, unknown = discovery.select(data["findings"], args.ids)
        if unknown:
            print(f"error: no finding has the id {', '.join(unknown)}; run 'discovery' to list them", file=sys.stderr)
            return 1
        report = discovery.file_findings(root, chosen, args.dry_run)
    except CarryoverFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return print_filing(report, "discovery file", args.json)


def print_filing(report: dict[str, Any], label: str, as_json: bool) -> int:
    """What filing the chosen findings did (discovery's and the end-to-end suite's alike); exit 0."""
    if as_json:
        print(json.dumps(report, indent=2))
        return 0
    from ..loop.filing import format_text

    print(format_text(report).replace("carryover:", f"{label}:", 1))
    for item in report["known"]:
        print(f"  already held by {item['known']}: {item['id']} {item['title']}")
    return 0
