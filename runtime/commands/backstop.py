# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`backstop check|install|uninstall|status`: the git pre-commit backstop (docs/guards.md, "Git backstop").

`check` is what the pre-commit hook runs. It judges the repository git runs the
hook in (the hook's working directory), never `$SO_PROJECT_DIR` or an agent's
project variable: an environment variable must not be able to point it at an
empty directory. Removing the backstop is refused while a session is active, so
stopping it is a step a person takes between sessions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="backstop_command", metavar="<check|install|uninstall|status>")
    check = sub.add_parser("check", help="Judge the commit git is about to make (the pre-commit hook runs this).")
    check.add_argument("--probe", action="store_true", help="only prove the check can run (doctor uses it)")
    sub.add_parser("install", help="Put the backstop beside the repository's own pre-commit hook.")
    sub.add_parser("uninstall", help="Take out only the backstop; the repository's own hooks stay as they were.")
    status = sub.add_parser("status", help="Say whether git will run the backstop on the next commit.")
    status.add_argument("--json", action="store_true", help="print the answer as JSON")


def hook_root() -> Path:
    """Where git runs the hook: the worktree's top directory (the nearest one holding `.git`)."""
    here = Path.cwd()
    return next((p for p in (here, *here.parents) if (p / ".git").exists()), here)


def removal_refusal(root: Path) -> str | None:
    from ..guards.backstop import session_active

    active, why = session_active(root)
    if not active:
        return None
    return ("the git backstop stays while a session is active" + (f" ({why})" if why else "") +
            "; end the session ('session close') or pause it ('session pause'), then run this again.")


def run(args: Any) -> int:
    command = getattr(args, "backstop_command", None)
    if command == "check":
        from ..guards.backstop import check

        if args.probe:  # load everything a refusal needs, so a broken module shows here and not at commit time
            from importlib import import_module

            for name in ("pathglob", "scope", "githooks"):
                import_module(f"..guards.{name}", __package__)
            print("git backstop: the check can run")
            return 0
        return check(hook_root())
    from ..core.paths import project_root
    from ..guards import githooks

    root = project_root()
    if command == "install":
        print(githooks.install(root))
        return 0
    if command == "uninstall":
        refusal = removal_refusal(root)
        if refusal:
            print(f"error: {refusal}", file=sys.stderr)
            return 1
        print(githooks.uninstall(root))
        return 0
    if command == "status":
        state, text = githooks.status(root)
        if args.json:
            import json

            print(json.dumps({"state": state, "detail": text}))
        else:
            print(text)
        return 0 if state == "installed" else 1
    print("usage: python3 .orchestrator/runtime backstop check|install|uninstall|status", file=sys.stderr)
    return 1
