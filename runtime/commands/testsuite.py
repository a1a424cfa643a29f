# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`test [scope]` and `test file <id>...`: run the end-to-end or integration suite, file the failures the
user chose (learning/e2etest.py does the work).

The exit code tells the verdicts apart for scripts, as the JSON's `verdict` does: 0 passed,
2 tests failed, 3 the run cannot be judged, 4 no suite; 1 is a usage error."""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT = {"passed": 0, "failed": 2, "cannot-judge": 3, "none": 4}


def add_arguments(parser: Any) -> None:
    parser.add_argument("scope", nargs="?", default="",
                        help="a spec file, folder or test id to narrow the run to (default: the whole suite); "
                             "or 'file' followed by finding ids")
    parser.add_argument("ids", nargs="*", help="with 'file': the ids of the failures to file (a 4+ character "
                                               "prefix is enough)")
    parser.add_argument("--json", action="store_true", help="print the verdict and findings (or the filing report) "
                                                            "as JSON")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the issue tracker for open issues; deduplicate against the carryover list")
    parser.add_argument("--dry-run", action="store_true", help="with 'file': show what would be filed; write nothing")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="stop the suite after this long (default: gate-timeout from the Session Config)")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..learning import discovery, e2etest
    from ..loop.carryover import CarryoverFileError
    from ..loop.state import StateError

    root = project_root()
    if args.scope == "file":
        return _file(root, args)
    if args.ids:
        print(f"error: one scope only; unexpected: {' '.join(args.ids)}", file=sys.stderr)
        return 1
    try:
        data = e2etest.run(root, args.scope, args.timeout, progress=0.0 if args.json else 30.0)
        data["dedup"] = discovery.known(root, data["findings"], ask_tracker=not args.offline,
                                        session=e2etest.SESSION) if data["findings"] else None
        e2etest.save(root, data)
    except (CarryoverFileError, StateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(data, indent=2) if args.json else e2etest.format_text(data))
    return EXIT[data["verdict"]]


def _file(root: Any, args: Any) -> int:
    from ..learning import discovery, e2etest
    from ..loop.carryover import CarryoverFileError

    if not args.ids:
        print("error: 'test file' needs the ids of the failures to file (see 'test')", file=sys.stderr)
        return 1
    last = e2etest.load_last(root)
    if last is None:
        print("error: no run of the suite is recorded here yet; run 'test' first", file=sys.stderr)
        return 1
    findings = last["findings"]
    try:
        discovery.known(root, findings, ask_tracker=not args.offline, session=e2etest.SESSION)
        chosen, unknown = discovery.select(findings, args.ids)
        if unknown:
            print(f"error: the last run has no failure with the id {', '.join(unknown)}; run 'test' to list them",
                  file=sys.stderr)
            return 1
        report = discovery.file_findings(root, chosen, args.dry_run, session=e2etest.SESSION, prefix=e2etest.PREFIX)
    except CarryoverFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from .discovery import print_filing

    return print_filing(report, "test file", args.json)
