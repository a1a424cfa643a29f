"""What every agent's pre-tool hook costs per tool call, against the interpreter's own `-S` floor.

Run:  .venv/bin/python benchmarks/hook_latency.py [--runs 40] [--python python3] [--compare DIR] [--json]
      .venv/bin/python benchmarks/hook_latency.py --smoke   (a few runs: checks the benchmark still works)

For each agent the runtime knows (its `platforms` package), spawns the hook the
way the agent does: a fresh `sh -c 'python3 -S <entry> hook <agent>
pre-tool-use'` per call, where <entry> is what the agent's `hook_command` in
`platforms/<agent>.yml` runs (the runtime's `__main__.py`, or the runtime
directory in releases that ran that), with the agent's own probe payload on stdin (the payload
`doctor` sends), once with an ordinary command the guard allows and once with a
destructive one it denies, in a temporary project with strict enforcement. Every
answer is checked with the agent's own reading of its wire format (allow or
deny) before anything is timed.

All variants run interleaved, in an order rotated every round, so machine noise
hits every one alike. The floor is `sh -c 'python3 -S -c pass'`: the
interpreter's start as the agent starts a hook, independent of site-packages.
The table gives each variant's median, p90 and ratio to that floor; the goal is
at most 2.0x for every agent's allow and deny path. Beside them, the median CPU
time (user plus system, of the shell and the interpreter) and its ratio to the
floor's: on a loaded machine waiting for a core inflates wall time, CPU time much
less, so the CPU ratio shows where a wall ratio is noise. Nothing here fails on speed:
the script prints the verdict and exits 0.

`python3` on PATH is often a version manager's shim (pyenv's is a shell
script), whose own start-up dwarfs and blurs what is measured; the benchmark asks
the named interpreter for `sys.executable` and times that real binary.

`--compare DIR` times another copy of the runtime (e.g. the previous layout:
`git archive <rev> runtime | tar -x -C /tmp/before`, then `--compare
/tmp/before/runtime`) in a second project, interleaved with this one in the same
run, and adds each variant's before and after medians side by side. That copy
runs the way its own release wired it: its `__main__.py` when its `platforms`
package names an entry file (`ENTRY`), its directory otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from bench_project import ROOT, RUNTIME, import_defining, strict_project

GOAL = 2.0  # every agent's allow and deny path, against `sh -c 'python3 -S -c pass'`
FLOOR = "sh -c 'python3 -S -c pass'"
# Every call's command is new to the project ({tag} names the variant, {n} the round): the loop guard reads
# the working tree from git when a call repeats, and all agents share one project and the probe's session.
ALLOW = "pytest -q tests/test_{tag}_{n}.py"
DENY = "cd {tag} && git reset --hard HEAD~{n}"
SMOKE_RUNS = 2

Variant = Callable[[int], tuple[list[str], bytes, Path]]  # argv, stdin, project (the cwd)


def real_interpreter(python: str) -> str:
    """The binary behind `python` (a shim, a venv link or a bare name on PATH), as it reports itself."""
    try:
        done = subprocess.run([python, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True,
                              check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SystemExit(f"cannot start the interpreter {python!r}: {exc}") from exc
    return done.stdout.strip() or python


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(argv: list[str], stdin: bytes, project: Path) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall and CPU milliseconds of one call (CPU: the shell and the interpreter, user plus system)."""
    env = {**os.environ, "SO_PROJECT_DIR": str(project)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what users get: the first run caches bytecode
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, env=env, cwd=project, timeout=60)
    elapsed, cpu = (time.perf_counter() - start) * 1000, (_cpu() - cpu) * 1000
    if b"Traceback" in done.stderr or b"Traceback" in done.stdout:
        raise SystemExit(f"{' '.join(argv)} printed a traceback:\n{done.stderr.decode(errors='replace')}")
    return elapsed, cpu, done


def agents(runtime: Path) -> list[str]:
    """The agents whose hooks `runtime` dispatches (this checkout's list, less any `runtime` lacks)."""
    return [name for name in import_defining(r"^class Platform\b").known()
            if (runtime / "platforms" / f"{name}.py").is_file()]


def entry(runtime: Path, name: str) -> Path:
    """What the agent's hook command runs in a project whose vendored runtime is `runtime`."""
    if runtime.resolve() == RUNTIME.resolve():
        data = yaml.safe_load((ROOT / "platforms" / f"{name}.yml").read_text(encoding="utf-8"))
        command = data[f"platform_{name}"]["default"]["hook_command"]
        return runtime / "__main__.py" if ".orchestrator/runtime/__main__.py" in command else runtime
    names_entry = "\nENTRY = " in (runtime / "platforms" / "__init__.py").read_text(encoding="utf-8")
    return runtime / "__main__.py" if names_entry else runtime


def hook_variants(python: str, flags: list[str], project: Path, runtime: Path, label: str,
                  checks: dict[str, Callable[[str, int], bool]]) -> dict[str, Variant]:
    """Allow and deny variants of every agent's pre-tool hook in `project`; `checks` gets each variant's
    reading of the answer (the agent's own `allows` or `denies`)."""
    platforms = import_defining(r"^class Platform\b")
    variants: dict[str, Variant] = {}
    for name in agents(runtime):
        platform = platforms.get(name)
        vendored = project / ".orchestrator" / "runtime"
        words = [python, *flags, str(vendored / entry(runtime, name).relative_to(runtime)), "hook", name,
                 "pre-tool-use"]
        argv = ["sh", "-c", shlex.join(words)]  # as the agent runs it: through a shell
        for path, command, reads in (("allow", ALLOW, platform.allows), ("deny", DENY, platform.denies)):
            key = f"{label}{name} {path}"
            variants[key] = (lambda i, argv=argv, command=command, platform=platform, tag=f"{name}-{path}":
                             (argv, json.dumps(platform.probe(command.format(n=i, tag=tag))).encode(), project))
            checks[key] = reads
    return variants


def _stats(values: list[float], cpu: list[float], floor: float, cpu_floor: float) -> dict[str, float]:
    ordered = sorted(values)
    median = statistics.median(ordered)
    return {"median_ms": round(median, 2), "p90_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 2),
            "ratio": round(median / floor, 3), "cpu_median_ms": round(statistics.median(cpu), 2),
            "cpu_ratio": round(statistics.median(cpu) / cpu_floor, 3) if cpu_floor else 0.0}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    python = real_interpreter(args.python)
    flags = args.hook_flags.split()
    with tempfile.TemporaryDirectory(prefix="so-hook-bench-") as tmp:
        repo = strict_project(Path(tmp))
        no_cache = "PYTHONDONTWRITEBYTECODE" in os.environ
        checks: dict[str, Callable[[str, int], bool]] = {}
        variants: dict[str, Variant] = {
            FLOOR: lambda i: (["sh", "-c", f"{shlex.quote(python)} -S -c pass"], b"", repo),
            "python3 -S -c pass": lambda i: ([python, "-S", "-c", "pass"], b"", repo),
            "python3 -c pass": lambda i: ([python, "-c", "pass"], b"", repo),
            **hook_variants(python, flags, repo, RUNTIME, "", checks),
        }
        if args.compare:
            before = strict_project(Path(tmp), args.compare.resolve(), "before")
            variants.update(hook_variants(python, flags, before, args.compare.resolve(), "before: ", checks))
        for name, make in variants.items():  # warm the OS caches, write .pyc files, and check every answer
            for i in (-2, -1):
                _, _, done = _run(*make(i))
                if name in checks and not checks[name](done.stdout.decode(errors="replace"), done.returncode):
                    raise SystemExit(f"{name}: unexpected answer (exit {done.returncode}): "
                                     f"{done.stdout.decode(errors='replace')[:300]!r} "
                                     f"{done.stderr.decode(errors='replace')[-300:]!r}")
        samples: dict[str, list[float]] = {name: [] for name in variants}
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        order = list(variants)
        for i in range(args.runs):
            shift = i % len(order)
            for name in order[shift:] + order[:shift]:
                wall, used, _ = _run(*variants[name](i))
                samples[name].append(wall)
                cpu[name].append(used)
    floor, cpu_floor = statistics.median(samples[FLOOR]), statistics.median(cpu[FLOOR])
    rows = {name: _stats(values, cpu[name], floor, cpu_floor) for name, values in samples.items()
            if not name.startswith("before: ")}
    hooks = {name: row for name, row in rows.items() if name not in (FLOOR, "python3 -S -c pass", "python3 -c pass")}
    worst = max(hooks.values(), key=lambda row: row["ratio"])["ratio"]
    result: dict[str, Any] = {
        "interpreter": python, "asked_for": args.python, "version": _version(python), "hook_flags": args.hook_flags,
        "runs": args.runs, "floor": FLOOR, "floor_ms": round(floor, 2), "goal_ratio": GOAL, "variants": rows,
        "worst_hook_ratio": worst, "meets_goal": worst <= GOAL, "bytecode_note": no_cache,
    }
    if args.compare:
        result["compare"] = {"runtime": str(args.compare), "variants": {
            name: {**_stats(samples["before: " + name], cpu["before: " + name], floor, cpu_floor),
                   "after_over_before": round(rows[name]["median_ms"] / statistics.median(samples["before: " + name]),
                                              3)}
            for name in hooks if "before: " + name in samples}}
    return result


def _version(python: str) -> str:
    done = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    return done.stdout.strip()


def print_table(result: dict[str, Any]) -> None:
    asked = f" (behind {result['asked_for']})" if result["asked_for"] != result["interpreter"] else ""
    print(f"interpreter: {result['interpreter']}{asked}, Python {result['version']}; hook flags: "
          f"{result['hook_flags'] or '(none)'}; runs per variant: {result['runs']}, interleaved")
    if result["bytecode_note"]:
        print("note: PYTHONDONTWRITEBYTECODE was set here; it is unset for the runs so bytecode is cached "
              "as on a normal machine")
    print(f"{'variant':<30}{'median ms':>11}{'p90 ms':>9}{'ratio':>8}{'cpu ms':>9}{'cpu ratio':>11}")
    for name, row in result["variants"].items():
        print(f"{name:<30}{row['median_ms']:>11.1f}{row['p90_ms']:>9.1f}{row['ratio']:>8.2f}"
              f"{row['cpu_median_ms']:>9.1f}{row['cpu_ratio']:>11.2f}")
    verdict = "meets" if result["meets_goal"] else "misses"
    print(f"worst hook / {FLOOR}: {result['worst_hook_ratio']:.2f}x ({verdict} the {GOAL}x goal)")
    if "compare" in result:
        print(f"side by side with {result['compare']['runtime']} (same run, interleaved):")
        print(f"{'variant':<30}{'before ms':>11}{'after ms':>10}{'before ratio':>14}{'after ratio':>13}")
        for name, old in result["compare"]["variants"].items():
            new = result["variants"][name]
            print(f"{name:<30}{old['median_ms']:>11.1f}{new['median_ms']:>10.1f}{old['ratio']:>14.2f}"
                  f"{new['ratio']:>13.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_RUNS} runs: check the benchmark still works")
    parser.add_argument("--python", default="python3",
                        help="interpreter as the hook command names it; its real binary is timed")
    parser.add_argument("--hook-flags", default="-S",
                        help="interpreter flags of the hook command (default: -S, as the platform data renders it)")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="another runtime directory to time side by side (e.g. the previous layout)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()
    if args.smoke:
        args.runs = SMOKE_RUNS
    if args.compare and not (args.compare / "__main__.py").is_file():
        parser.error(f"--compare {args.compare}: not a runtime directory (no __main__.py)")
    result = measure(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
