# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`dispatcher [root]`: rank the repositories under a root, and claim, renew or release one's lease
(learning/dispatcher.py and core/lease.py do the work)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: Any) -> None:
    parser.add_argument("root", nargs="?", default=None,
                        help="where to look for repositories (default: the directory above this repository)")
    parser.add_argument("--json", action="store_true", help="print the ranking (or the lease) as JSON")
    parser.add_argument("--offline", action="store_true", help="do not ask the issue trackers for open issues")
    parser.add_argument("--depth", type=int, default=None, help="how many directories down to look (default 3)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--claim", action="store_true",
                        help="take the lease of the best free repository (or of --repo) that nobody else wins")
    action.add_argument("--renew", action="store_true", help="extend the lease of --repo held by --holder")
    action.add_argument("--release", action="store_true", help="give up the lease of --repo held by --holder")
    parser.add_argument("--repo", default=None,
                        help="the repository to claim, renew or release (renew and release: default this one)")
    parser.add_argument("--holder", default=None,
                        help="who holds the lease (a claim makes one up and prints it when not given)")
    parser.add_argument("--ttl", type=float, default=None, help="seconds a claim or renewal lasts (default 1800)")


def _lease_only(args: Any) -> int:
    from ..core import lease
    from ..core.paths import project_root
    from ..learning.dispatcher import lease_dir

    if not args.holder:
        print("error: --renew and --release need --holder, the id the claim printed", file=sys.stderr)
        return 1
    repo = Path(args.repo).resolve() if args.repo else project_root()
    try:
        if args.renew:
            record = lease.renew(lease_dir(repo), args.holder, args.ttl or lease.TTL)
        else:
            record = lease.release(lease_dir(repo), args.holder)
    except lease.LeaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"repo": repo.as_posix(), "lease": record}, indent=2))
    elif args.renew:
        print(f"dispatcher: lease of {repo} renewed for {args.holder} until {record['expires_at']}")
    else:
        print(f"dispatcher: lease of {repo} released by {args.holder}")
    return 0


def run(args: Any) -> int:
    from ..core import lease
    from ..core.paths import project_root
    from ..learning import dispatcher

    if args.renew or args.release:
        return _lease_only(args)
    if args.depth is not None and args.depth < 0:
        print("error: --depth must be 0 or more", file=sys.stderr)
        return 1
    root = Path(args.root) if args.root else project_root().parent
    if not root.is_dir():
        print(f"error: {root} is not a directory", file=sys.stderr)
        return 1
    depth = dispatcher.DEPTH if args.depth is None else args.depth
    data = dispatcher.rank(root, depth, ask_tracker=not args.offline)
    if not args.claim:
        print(json.dumps(data, indent=2) if args.json else dispatcher.format_text(data))
        return 0
    if args.repo and not (Path(args.repo) / ".orchestrator").is_dir():
        print(f"error: {args.repo} is not a repository that uses the runtime (no .orchestrator/)", file=sys.stderr)
        return 1
    holder = args.holder or lease.new_holder()
    try:
        result = dispatcher.claim(data, holder, args.ttl or lease.TTL, Path(args.repo) if args.repo else None)
    except lease.LeaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**data, **result}, indent=2))
    else:
        print(dispatcher.format_text(data))
        for item in result["lost"]:
            print(f"lost the race for {item['path']} to {item['to']}")
        if result["claimed"]:
            print(f"claimed: {result['claimed']} as {holder} until {result['lease']['expires_at']}; "
                  f"renew with: dispatcher --renew --repo {result['claimed']} --holder {holder}")
        else:
            print("claimed: nothing (no free repository left to claim)")
    return 0 if result["claimed"] else 3
