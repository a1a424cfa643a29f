# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`python3 .orchestrator/runtime ...`: puts `.orchestrator/` on sys.path, runs the command, and turns a
runtime that cannot run into a message (`hookpath/fallback.py`). Kept short: Python compiles this file
afresh on every hook call (docs/architecture.md, "the vendored runtime")."""

import os
import sys

if __package__ in (None, ""):
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

if __name__ == "__main__":
    args = sys.argv[1:]
    try:
        if args[:1] == ["hook"]:
            import gc

            gc.disable()  # a short-lived process: the collector's passes over its imports cost more than they free
            from runtime.core import codecache  # the hook's modules from one file (core/codecache.py)

            cache = codecache.load()
            from runtime.hookpath.hooks import main as hook_main

            code = hook_main(args[1:])
            try:  # the answer first; then, once in a while, a new cache
                sys.stdout.flush()
                sys.stderr.flush()
            except OSError:  # the agent stopped listening: nothing more to tell it
                pass
            codecache.save(cache)
            os._exit(code)  # no thread, no exit handler, files closed: the teardown would cost ~3 ms
        else:
            from runtime.commands.main import main

            code = main(args)
    except Exception as exc:  # the one place a runtime that cannot run is turned into a message
        try:
            from runtime.hookpath.fallback import report
        except Exception:  # even the fallback is broken: one line, still no traceback
            hook = args[:1] == ["hook"]
            print(f"[session-orchestrator] the runtime in .orchestrator/runtime cannot run ({type(exc).__name__}: "
                  f"{exc}); restore it with 'copier recopy' of .orchestrator/runtime/, or "
                  "'session-orchestrator update' on a clean working tree",
                  file=sys.stdout if hook else sys.stderr)
            code = 0 if hook and args[2:3] == ["session-start"] else 1
        else:
            code = report(args, exc)
    sys.exit(code)
