"""How long the destructive-command guard takes to judge large and hostile commands.

Run:  .venv/bin/python benchmarks/guard_latency.py [--runs 3]
      .venv/bin/python benchmarks/guard_latency.py --smoke   (tiny inputs: checks the benchmark still works)

The hook gives up on a call after its timeout and the agent then runs the
command, so the guard's time must stay bounded and grow linearly with the
command's length. This prints the decision time (parse plus every rule, as
`guard.check_command` runs in the hook) for commands of 1 KB, 100 KB and 1 MB
in three shapes, for 10,000 heredocs, and, through the real hook process, for
10,000-level nesting of each bracket kind. Goals: every case under 1 s, and a
1 MB / 100 KB time ratio near 10 (linear), never near 100 (quadratic). The exit
status is 1 when a case misses the 1 s goal, except under `--smoke`, whose sizes
are too small to say anything about speed (it exits 0 whenever it ran through).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_project import import_defining, strict_project

LIMIT_S = 1.0
SIZES = {"1 KB": 1_000, "100 KB": 100_000, "1 MB": 1_000_000}
SMOKE_SIZES = {"1 KB": 1_000, "10 KB": 10_000}
HEREDOCS, SMOKE_HEREDOCS = 10_000, 20
DEPTH, SMOKE_DEPTH = 10_000, 50


def _shapes(size: int) -> dict[str, str]:
    return {
        "one unquoted word": "echo " + "a" * size + "; rm -rf src",
        "many short commands": "echo a; " * (size // 8) + "rm -rf src",
        "quoted data": "echo '" + "x " * (size // 2) + "'; rm -rf src",
    }


def _decide(ctx: Any, command: str, runs: int) -> tuple[float, str]:
    check_command = import_defining(r"^def check_command\(").check_command
    times, action = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        decision = check_command(command, ctx)
        times.append(time.perf_counter() - start)
        action = decision.action + (f" ({decision.rule})" if decision.rule else "")
    return statistics.median(times), action


def _hook(repo: Path, command: str) -> tuple[float, str]:
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_PROJECT_DIR", None)
    payload = json.dumps({"session_id": "bench", "cwd": str(repo), "tool_name": "Bash",
                          "tool_input": {"command": command}}).encode()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-S", str(repo / ".orchestrator" / "runtime"), "hook", "claude",
                           "pre-tool-use"], input=payload, capture_output=True, env=env, cwd=repo, timeout=60)
    elapsed = time.perf_counter() - start
    if b"Traceback" in done.stdout + done.stderr:
        raise SystemExit(f"the hook printed a traceback for {command[:40]!r}")
    out = json.loads(done.stdout) if done.stdout.strip() else {}
    return elapsed, out.get("hookSpecificOutput", {}).get("permissionDecision", "allow/warn")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per in-process case (median is printed)")
    parser.add_argument("--smoke", action="store_true", help="one run of small inputs: check the benchmark works")
    args = parser.parse_args()
    sizes, heredoc_count, depth = (SMOKE_SIZES, SMOKE_HEREDOCS, SMOKE_DEPTH) if args.smoke else (
        SIZES, HEREDOCS, DEPTH)
    if args.smoke:
        args.runs = 1
    first, last = list(sizes)[-2:]
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="so-guard-bench-") as tmp:
        repo = strict_project(Path(tmp))
        ctx = import_defining(r"^class HookContext\b").HookContext(repo, "claude", "pre-tool-use", {"cwd": str(repo)})
        print(f"python {sys.version.split()[0]}; in-process decision time, median of {args.runs}")
        print(f"{'shape':<22}{'size':>8}{'seconds':>10}  decision")
        for shape in _shapes(1):
            per_size: dict[str, float] = {}
            for label, size in sizes.items():
                command = _shapes(size)[shape]
                seconds, action = _decide(ctx, command, args.runs)
                per_size[label] = seconds
                worst = max(worst, seconds)
                print(f"{shape:<22}{label:>8}{seconds:>10.3f}  {action}")
            growth = per_size[last] / max(per_size[first], 1e-6)
            linear = sizes[last] / sizes[first]
            print(f"{'':<22}{f'growth {first} -> {last}':>30}: x{growth:.1f} (linear is x{linear:g})")
        heredocs = "".join(f"cat <<'EOF{i}' > /dev/null\nit's line {i}\nEOF{i}\n" for i in range(heredoc_count))
        seconds, action = _decide(ctx, heredocs + "rm -rf src", args.runs)
        worst = max(worst, seconds)
        print(f"{f'{heredoc_count:,} heredocs':<22}{len(heredocs) // 1000:>6}KB{seconds:>10.3f}  {action}")
        print(f"\nfailure paths through the hook process (interpreter start included), {depth:,} levels deep:")
        for opener in ["$(", "((", "{ ", "[ ", "`", '"', "'", "${", "$((", '"$(', "{a,b}"]:
            seconds, action = _hook(repo, opener * depth + " ; rm -rf src")
            worst = max(worst, seconds)
            print(f"  {opener!r:<10}{seconds:>8.3f} s  {action}")
    verdict = "meets" if worst < LIMIT_S else "misses"
    print(f"\nslowest case {worst:.3f} s: {verdict} the {LIMIT_S:g} s goal")
    return 0 if worst < LIMIT_S or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
