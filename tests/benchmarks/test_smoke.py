"""Every benchmark still runs end to end: its `--smoke` mode, run as a user runs it, prints its numbers.

A benchmark nobody runs rots unseen (a module it imports moves, a file it edits is
renamed). The smoke modes take a handful of runs on tiny inputs, so the suite can
afford them; they check that the script works and prints its table and ratio lines,
never how fast anything is (speed goals are the benchmarks' business, not the suite's).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runtime import platforms
from tests.helpers import ROOT

BENCHMARKS = ROOT / "benchmarks"
NUMBER = r"[\d.]+"
AGENTS = platforms.known()

# What each benchmark's smoke run must print: one regular expression per line, each matched in the output.
EXPECTED: dict[str, list[str]] = {
    "hook_latency": [
        rf"^interpreter: /\S+.*Python {NUMBER}",
        rf"^sh -c 'python3 -S -c pass'\s+{NUMBER}\s+{NUMBER}\s+1\.00\s+{NUMBER}\s+1\.00$",
        *(rf"^{agent} {path}(\s+{NUMBER}){{5}}$" for agent in AGENTS for path in ("allow", "deny")),
        rf"^worst hook / sh -c 'python3 -S -c pass': {NUMBER}x \((meets|misses) the 2\.0x goal\)$",
    ],
    "hook_profile": [
        rf"^{AGENTS[0]} allow: \d+ modules imported, {NUMBER} ms importing them",
        r"^\s+\d+\s+\d+\s+runtime\.\S+$",  # a runtime module among the costs
        r"^\s+regular expressions compiled: \d+ \(\d+ at import, \d+ during the call\)$",
    ],
    "guard_latency": [
        rf"^one unquoted word\s+\d+ KB\s+{NUMBER}\s+deny",
        rf"^\s+growth \d+ KB -> \d+ KB: x{NUMBER} \(linear is x{NUMBER}\)$",
        rf"^\d+ heredocs\s+\d+KB\s+{NUMBER}\s+deny",
        rf"^\s+'\$\('\s+{NUMBER} s\s+deny$",
        rf"^slowest case {NUMBER} s: (meets|misses) the 1 s goal$",
    ],
    "gate_overhead": [
        rf"^raw test command\s+median\s+{NUMBER} ms",
        rf"^runtime gate incremental median\s+{NUMBER} ms",
        rf"^overhead\s+[+-]{NUMBER} ms\s+= [+-]{NUMBER}%",
        rf"^fixed cost of a gate\s+[+-]{NUMBER} ms",
        rf"^1 s suite: bare\s+{NUMBER} ms, gate\s+{NUMBER} ms, ratio {NUMBER}x \(goal 1\.02x: (met|MISSED)\)$",
    ],
    "cli_overhead": [
        rf"^\s+init\s+{NUMBER}\s+bare copier copy\s+{NUMBER}\s+ratio {NUMBER}x",
        rf"^\s+update\s+{NUMBER}\s+bare copier update\s+{NUMBER}\s+ratio {NUMBER}x",
    ],
    "autopilot_overhead": [
        r"^one unattended iteration vs the bare CLI on the same task, median of 1 run\(s\) per side$",
        rf"^claude bare\s+{NUMBER}\s+-\s+-\s+\d+\s+\d+\s+\d+$",
        rf"^claude autopilot(\s+{NUMBER}){{6}}$",
        rf"^claude: orchestration added [+-]{NUMBER} s \(ratio {NUMBER}x\), [+-]\d+ tokens \(ratio {NUMBER}x\), "
        r"[+-]\d+ turns$",
    ],
    "backstop_latency": [
        rf"^\s+no hook\s+median\s+{NUMBER} ms\s+p90\s+{NUMBER} ms$",
        rf"^\s+backstop, no session\s+median\s+{NUMBER} ms.*\([+-]{NUMBER} ms over no hook\)$",
        rf"^\s+backstop, active wave\s+median\s+{NUMBER} ms.*\([+-]{NUMBER} ms over no hook\)$",
        rf"^\s+sh -c 'python3 -S -c pass'\s+median\s+{NUMBER} ms",
    ],
}


def is_benchmark(path: Path) -> bool:
    """A script with a `__main__` block is a benchmark; a module without one is a helper (bench_project)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body)


def smoke(name: str, *extra: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), "--smoke", *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{name} --smoke exited {done.returncode}:\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def test_every_benchmark_has_a_smoke_run_here() -> None:
    scripts = {path.stem for path in BENCHMARKS.glob("*.py") if is_benchmark(path)}
    assert scripts == set(EXPECTED), "add the new benchmark's --smoke expectations to EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_smoke_run_prints_its_numbers(name: str) -> None:
    out = smoke(name)
    missing = [pattern for pattern in EXPECTED[name] if not re.search(pattern, out, re.MULTILINE)]
    assert not missing, f"{name} --smoke did not print lines matching {missing}:\n{out}"


def test_hook_benchmark_json_compares_two_runtimes(tmp_path: Path) -> None:
    """`--compare` and `--json` together: every agent's allow and deny path, before and after, with ratios."""
    before = tmp_path / "runtime"
    shutil.copytree(ROOT / "runtime", before, ignore=shutil.ignore_patterns("__pycache__"))
    result = json.loads(smoke("hook_latency", "--json", "--compare", str(before)))
    names = {f"{agent} {path}" for agent in AGENTS for path in ("allow", "deny")}
    assert names <= set(result["variants"]) and names == set(result["compare"]["variants"])
    assert Path(result["interpreter"]).is_absolute() and result["floor_ms"] > 0 and result["goal_ratio"] == 2.0
    for name in names:
        assert result["variants"][name]["ratio"] > 0 and result["compare"]["variants"][name]["after_over_before"] > 0
