# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`brainstorm template|write|list|done`: the spec a design dialogue ends in (learning/specs.py does the work)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="spec_command", metavar="<template|write|list|done>", required=True)
    sub.add_parser("template", help="Print the JSON to fill for a spec.")
    write = sub.add_parser("write", help="Validate the JSON spec and write it to .orchestrator/specs/<slug>.md.")
    write.add_argument("source", nargs="?", default="-", help="a JSON file, or '-' for standard input (default)")
    write.add_argument("--force", action="store_true", help="replace a spec with the same title")
    listing = sub.add_parser("list", help="The open specs with their items (what /plan and /session pick up).")
    listing.add_argument("--all", action="store_true", help="done specs too")
    listing.add_argument("--json", action="store_true")
    done = sub.add_parser("done", help="Mark a spec taken over by a PRD or a session, so it is no longer offered.")
    done.add_argument("slug")


def run(args: Any) -> int:
    from ..core.paths import project_root
    from ..learning import specs
    from ..learning.prd import DocError

    root = project_root()
    try:
        if args.spec_command == "template":
            print(json.dumps(specs.TEMPLATE, indent=2))
        elif args.spec_command == "write":
            name = "standard input" if args.source == "-" else args.source
            try:
                text = sys.stdin.read() if args.source == "-" else Path(args.source).read_text(encoding="utf-8")
                data = json.loads(text)
            except (OSError, UnicodeDecodeError) as exc:
                raise DocError(f"cannot read {name}: {exc}") from None
            except json.JSONDecodeError as exc:
                raise DocError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
            target = specs.write(root, data, name, args.force)
            print(f"wrote {target.relative_to(root).as_posix()}; /plan and /session pick it up through 'research'")
        elif args.spec_command == "done":
            print(f"{specs.mark_done(root, args.slug).relative_to(root).as_posix()}: status done")
        else:
            found = specs.listing(root, args.all)
            if args.json:
                print(json.dumps(found, indent=2))
            elif not found:
                print(f"no open specs under {specs.REL_DIR}/")
            for spec in found if not args.json else []:
                print(f"{spec['path']} ({spec['status']}): {spec['title']}")
                print("\n".join(f"  {i['id']}: {i['text']}" for i in spec["items"]))
    except DocError as exc:
        print(f"error: {exc}. Nothing was written.", file=sys.stderr)
        return 1
    return 0
