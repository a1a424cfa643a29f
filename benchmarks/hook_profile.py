"""Where a pre-tool hook call's time goes: the modules it imports and the regular expressions it compiles.

Run:  .venv/bin/python benchmarks/hook_profile.py [--agent NAME ...] [--path allow|deny] [--runs 5] [--top 15] [--json]
      .venv/bin/python benchmarks/hook_profile.py --smoke   (one run of one agent: checks it still works)

The companion of `hook_latency.py`, for making the hook faster. In the same kind of
throwaway project, it runs each agent's hook as the agent does (`python3 -S
<runtime> hook <agent> pre-tool-use`, the agent's probe payload on stdin, a new
command each call so the loop guard never steps in) on the real interpreter behind
any shim:

- under `-X importtime`, `--runs` times, keeping each module's smallest self and
  cumulative time (the least disturbed by machine noise), and prints how many modules
  were imported and the top `--top` by cumulative time;
- once more through a small launcher that counts every regular expression the call
  compiles (a cache miss in `re`), split into those compiled while a module is
  imported and those compiled while the call runs, with the line that compiled them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_project import RUNTIME, import_defining, strict_project
from hook_latency import ALLOW, DENY, agents, real_interpreter

IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")
# Run inside the hook's interpreter: count `re`'s compiler calls (each one is a cache miss) by caller.
# json is imported only at the end, with counting stopped: the hook itself reads and writes JSON without it.
COUNTER = """
import os, re, runpy, sys
compiler = getattr(re, '_compiler', None) or __import__('sre_compile')
calls = []
real = compiler.compile
def counting(pattern, flags=0):
    frame = sys._getframe(1)
    while frame and str(frame.f_globals.get('__name__')).split('.')[0] in ('re', 'sre_compile', 'functools'):
        frame = frame.f_back
    where = frame.f_code if frame else None
    calls.append([where.co_filename if where else '?', frame.f_lineno if frame else 0,
                  where.co_name if where else '?'])
    return real(pattern, flags)
compiler.compile = counting
def report():
    compiler.compile = real  # json's own patterns, compiled below for this report, are not the hook's
    import json
    sys.stderr.write('\\nREGEX-COMPILES ' + json.dumps(calls) + '\\n')
    sys.stderr.flush()
leave = os._exit
def _exit(code):  # a hook call ends with os._exit once it has answered: report before it does
    report()
    leave(code)
os._exit = _exit
sys.argv = [RUNTIME, 'hook', AGENT, 'pre-tool-use']
try:
    runpy.run_path(RUNTIME, run_name='__main__')
except SystemExit:
    pass
report()
"""


def _env(project: Path) -> dict[str, str]:
    env = {**os.environ, "SO_PROJECT_DIR": str(project)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _call(argv: list[str], payload: dict[str, Any], project: Path) -> str:
    done = subprocess.run(argv, input=json.dumps(payload).encode(), capture_output=True, env=_env(project),
                          cwd=project, timeout=60)
    err = done.stderr.decode(errors="replace")
    if "Traceback" in err:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{err[-3000:]}")
    return err


def floor_modules(python: str) -> set[str]:
    """The modules `python3 -S -c pass` imports on its own: every hook pays for them anyway."""
    done = subprocess.run([python, "-X", "importtime", "-S", "-c", "pass"], capture_output=True, text=True)
    return {found[4] for found in map(IMPORT_LINE.match, done.stderr.splitlines()) if found}


def imports(python: str, project: Path, agent: str, probe: Any, command: str, runs: int) -> dict[str, Any]:
    """Each imported module's smallest self and cumulative microseconds over `runs` calls; `beyond_floor`
    counts only those `python3 -S -c pass` does not import itself."""
    hook = [python, "-X", "importtime", "-S", str(project / ".orchestrator" / "runtime" / "__main__.py"), "hook", agent,
            "pre-tool-use"]
    best: dict[str, list[int]] = {}
    order: list[str] = []
    for i in range(runs):
        for line in _call(hook, probe(command.format(n=i, tag=f"{agent}-profile")), project).splitlines():
            found = IMPORT_LINE.match(line)
            if not found:
                continue
            own, total, name = int(found[1]), int(found[2]), found[4]
            if name not in best:
                best[name] = [own, total]
                order.append(name)
            else:
                best[name] = [min(best[name][0], own), min(best[name][1], total)]
    modules = [{"module": name, "self_us": best[name][0], "cumulative_us": best[name][1]} for name in order]
    floor = floor_modules(python)
    extra = [m for m in modules if m["module"] not in floor]
    return {"count": len(modules), "self_total_us": sum(m["self_us"] for m in modules), "modules": modules,
            "beyond_floor": {"count": len(extra), "self_total_us": sum(m["self_us"] for m in extra),
                             "stdlib": [m["module"] for m in extra if not m["module"].startswith("runtime")]}}


def regexes(python: str, project: Path, agent: str, probe: Any, command: str) -> dict[str, Any]:
    """The regular expressions one call compiles, by where (at a module's import or during the call)."""
    runtime = str(project / ".orchestrator" / "runtime")
    script = COUNTER.replace("RUNTIME", repr(runtime)).replace("AGENT", repr(agent))
    err = _call([python, "-S", "-c", script], probe(command.format(n=0, tag=f"{agent}-counted")), project)
    calls = json.loads(err.rsplit("REGEX-COMPILES ", 1)[1])
    sites: dict[str, int] = {}
    at_import = 0
    for filename, line, function in calls:
        shown = os.path.relpath(filename, runtime) if filename.startswith(runtime) else filename
        key = f"{shown}:{line} ({'import' if function == '<module>' else function})"
        sites[key] = sites.get(key, 0) + 1
        at_import += function == "<module>"
    return {"count": len(calls), "at_import": at_import, "during_call": len(calls) - at_import,
            "sites": dict(sorted(sites.items(), key=lambda item: -item[1]))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", action="append", help="an agent to profile (default: every agent)")
    parser.add_argument("--path", choices=("allow", "deny"), default="allow")
    parser.add_argument("--runs", type=int, default=5, help="calls under -X importtime (the smallest times count)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--python", default="python3", help="interpreter as the hook command names it")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    parser.add_argument("--smoke", action="store_true", help="one run of the first agent: check it still works")
    args = parser.parse_args()
    names = args.agent or agents(RUNTIME)
    if args.smoke:
        args.runs, names = 1, names[:1]
    python = real_interpreter(args.python)
    platforms = import_defining(r"^class Platform\b")
    command = ALLOW if args.path == "allow" else DENY
    result: dict[str, Any] = {"interpreter": python, "path": args.path, "runs": args.runs, "agents": {}}
    with tempfile.TemporaryDirectory(prefix="so-hook-profile-") as tmp:
        project = strict_project(Path(tmp))
        for name in names:
            probe = platforms.get(name).probe
            imports(python, project, name, probe, "echo warm {tag} {n}", 1)  # write the bytecode first
            result["agents"][name] = {"imports": imports(python, project, name, probe, command, args.runs),
                                      "regexes": regexes(python, project, name, probe, command)}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"interpreter: {python}; {args.path} path; smallest of {args.runs} run(s) under -X importtime")
    for name, found in result["agents"].items():
        modules, compiled = found["imports"], found["regexes"]
        print(f"\n{name} {args.path}: {modules['count']} modules imported, "
              f"{modules['self_total_us'] / 1000:.1f} ms importing them (self times summed); beyond what "
              f"`python3 -S -c pass` imports: {modules['beyond_floor']['count']} modules, "
              f"{modules['beyond_floor']['self_total_us'] / 1000:.1f} ms")
        print(f"  standard library beyond the floor: {', '.join(modules['beyond_floor']['stdlib'])}")
        print(f"  {'cumulative us':>13} {'self us':>8}  module")
        for row in sorted(modules["modules"], key=lambda m: -m["cumulative_us"])[:args.top]:
            print(f"  {row['cumulative_us']:>13} {row['self_us']:>8}  {row['module']}")
        print(f"  regular expressions compiled: {compiled['count']} ({compiled['at_import']} at import, "
              f"{compiled['during_call']} during the call)")
        for site, count in list(compiled["sites"].items())[:args.top]:
            print(f"    {count:>3}  {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
