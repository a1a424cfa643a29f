"""How much time does `gate` add over running the test command by hand?

    python3 benchmarks/gate_overhead.py [--runs N] [--against OTHER_RUNTIME_DIR]
    python3 benchmarks/gate_overhead.py --smoke   (one run, a 0.1 s suite: checks it still works)

Copies examples/python-calc into a temporary git repository, starts a session,
takes the baseline, then runs the raw test command and
`python3 runtime gate incremental` N times each, interleaved so that machine
noise hits both alike. Prints the medians and the overhead in percent and in
milliseconds. Target: under 5%.

The headline number is the ratio on a 1 s suite (the example's tests plus one
that sleeps, so the suite itself takes about a second): gate time over the bare
command's time, goal 1.02x. It is printed as measured, with "met" or "missed".

The gate's cost is fixed per call (start the interpreter, read the config and
STATE.md, record the result), not a share of the suite. So the benchmark also
measures that fixed cost alone, against a second repository whose test command
is `true`, and says from which suite length on the 5% target holds.

Bytecode caching is switched on for both sides (into a temporary
PYTHONPYCACHEPREFIX, so the working tree is not touched), as it is on a normal
machine; with PYTHONDONTWRITEBYTECODE set, every run would recompile the
runtime and pytest from source, which measures the compiler, not the gate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_COMMAND = "python3 -m pytest -q -p no:cacheprovider"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


SLOW_TEST = "import time\n\n\ndef test_takes_a_second():\n    time.sleep(SECONDS)\n"
GOAL_RATIO = 1.02


def _setup(where: Path, test_command: str = TEST_COMMAND, name: str = "calc", sleep: float = 0.0) -> Path:
    repo = where / name
    shutil.copytree(ROOT / "examples" / "python-calc", repo,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    if sleep:
        (repo / "tests" / "test_slow.py").write_text(SLOW_TEST.replace("SECONDS", f"{sleep:g}"), encoding="utf-8")
    with (repo / "CLAUDE.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\n## Session Config\n\n- test-command: {test_command}\n- typecheck-command: skip\n"
                     "- lint-command: skip\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=ENV)
    return repo


def _timed(command: list[str] | str, repo: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=repo, env=env, shell=isinstance(command, str),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed (exit {result.returncode}): {command}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--suite-seconds", type=float, default=0.6,
                        help="sleep added to the example suite so the bare command takes about 1 s")
    parser.add_argument("--against", type=Path, default=None, metavar="RUNTIME_DIR",
                        help="another runtime directory (e.g. from 'git archive <ref> runtime'): its 1 s suite "
                             "ratio is measured in the same interleaved runs, for a before/after comparison")
    parser.add_argument("--smoke", action="store_true", help="one run with a 0.1 s suite: check it still works")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.suite_seconds = 1, 0.1
    with tempfile.TemporaryDirectory() as tmp:
        repo = _setup(Path(tmp))
        noop = _setup(Path(tmp), "true", "noop")
        second = _setup(Path(tmp), TEST_COMMAND, "second", sleep=args.suite_seconds)
        base_env = {**ENV, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        base_env.pop("CLAUDE_PROJECT_DIR", None)
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        env = {**base_env, "SO_PROJECT_DIR": str(repo)}
        noop_env = {**base_env, "SO_PROJECT_DIR": str(noop)}
        second_env = {**base_env, "SO_PROJECT_DIR": str(second)}
        runtime = [sys.executable, "-S", str(ROOT / "runtime")]  # as the command texts call it
        for where, e in ((repo, env), (noop, noop_env), (second, second_env)):
            for step in (["session", "start", "feature"], ["gate", "baseline"]):
                subprocess.run([*runtime, *step], cwd=where, env=e, check=True, stdout=subprocess.DEVNULL)
        _timed(TEST_COMMAND, repo, env)  # warm the file cache for both
        other = [sys.executable, "-S", str(args.against)] if args.against else None
        if other:
            third = _setup(Path(tmp), TEST_COMMAND, "third", sleep=args.suite_seconds)
            third_env = {**base_env, "SO_PROJECT_DIR": str(third)}
            for step in (["session", "start", "feature"], ["gate", "baseline"]):
                subprocess.run([*other, *step], cwd=third, env=third_env, check=True, stdout=subprocess.DEVNULL)
        raw, gate, bare, fixed, raw_1s, gate_1s, other_1s = [], [], [], [], [], [], []
        for _ in range(args.runs):
            raw_1s.append(_timed(TEST_COMMAND, second, second_env))
            gate_1s.append(_timed([*runtime, "gate", "incremental"], second, second_env))
            if other:
                other_1s.append(_timed([*other, "gate", "incremental"], third, third_env))
            raw.append(_timed(TEST_COMMAND, repo, env))
            gate.append(_timed([*runtime, "gate", "incremental"], repo, env))
            bare.append(_timed("true", noop, noop_env))
            fixed.append(_timed([*runtime, "gate", "incremental"], noop, noop_env))
    raw_median, gate_median = statistics.median(raw), statistics.median(gate)
    overhead = gate_median - raw_median
    fixed_cost = statistics.median(fixed) - statistics.median(bare)
    print(f"runs: {args.runs} each, interleaved")
    print(f"raw test command        median {raw_median * 1000:7.1f} ms  ({TEST_COMMAND})")
    print(f"runtime gate incremental median {gate_median * 1000:7.1f} ms")
    print(f"overhead                 {overhead * 1000:+7.1f} ms  = {100 * overhead / raw_median:+.1f}% (target < 5%)")
    print(f"fixed cost of a gate     {fixed_cost * 1000:+7.1f} ms  (gate vs. the raw command, test command 'true')")
    print(f"the 5% target holds for suites of {fixed_cost * 20:.1f} s or longer")
    suite, gated = statistics.median(raw_1s), statistics.median(gate_1s)
    ratio = gated / suite
    verdict = "met" if ratio <= GOAL_RATIO else "MISSED"
    print(f"1 s suite: bare {suite * 1000:7.1f} ms, gate {gated * 1000:7.1f} ms, ratio {ratio:.3f}x "
          f"(goal {GOAL_RATIO:.2f}x: {verdict})")
    if other_1s:
        theirs = statistics.median(other_1s)
        print(f"1 s suite through {args.against}: gate {theirs * 1000:7.1f} ms, ratio {theirs / suite:.3f}x "
              f"(this runtime: {ratio:.3f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
