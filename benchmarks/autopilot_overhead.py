"""What does one unattended `autopilot` iteration cost over the same task done by the bare agent CLI?

    python3 benchmarks/autopilot_overhead.py [--runs N] [--agents claude,codex,pi] [--json]
    python3 benchmarks/autopilot_overhead.py --smoke   (one run per side, Claude Code only unless --agents:
                                                        checks it still works; the end-to-end tests cover each CLI)

For each pinned CLI (Claude Code, Codex CLI, Pi, installed by tests/e2e/clients.py), against
the scripted model of tests/e2e/ on 127.0.0.1, N times, interleaved so machine noise hits
both sides alike (the scenario is tests/e2e/autopilot_task.py, the one the end-to-end tests
prove works):

- bare:      six 1.17.0 (pinned sdist) as unpacked; the CLI with its headless flags and the
             task as the prompt; the model edits six.py and test_six.py, runs the tests once,
             commits.
- autopilot: six rendered with `copier copy` for that CLI;
             `python3 .orchestrator/runtime autopilot --agent X --work FILE --max-sessions 1`;
             the model runs the whole session the prompt and command texts ask for (session,
             baseline gate, plan, three waves with their gates, close with the ledger, commit)
             around the same edit.

Reported per CLI, medians over the runs: the wall time of the whole `autopilot` command and
of the agent session inside it, the bare run's wall time, the model turns, the tokens each
CLI itself reported, and what the orchestration added (autopilot minus bare, and the ratio).
The token counts are the CLI's own usage output; the scripted model bills a request by its
size (characters / 4, `"usage": "estimate"` in fake_model.py), so they measure what the
orchestration adds to the conversation (command texts, runtime answers, extra turns), not a
real model's tokenizer. The time includes the gates (the project's test suite, about 1.7 s
here, run at baseline, after two waves and at close, where the bare run runs it once);
`gates s` shows that share.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.autopilot_task import AGENTS, run_autopilot, run_bare
from tests.e2e.fake_model import FakeModel


def _tokens(usage: dict[str, Any]) -> int:
    return int(usage.get("input_tokens") or 0) + int(usage.get("output_tokens") or 0)


def _gate_seconds(repo: Path) -> float:
    """The gates' own time in the session (baseline included), from the session record."""
    state = json.loads((repo / ".orchestrator" / "state" / "session.json").read_text(encoding="utf-8"))
    return sum(float(g.get("duration") or 0) for g in [state.get("baseline") or {}, *state.get("gates", [])])


def one_pair(agent: str, base: Path) -> dict[str, Any]:
    """One bare run and one autopilot iteration of the same task, each with its own fresh model and repository."""
    sample: dict[str, Any] = {}
    with FakeModel(base / "bare-script.json", base / "bare-requests.jsonl") as model:
        _, bare = run_bare(agent, model, base)
    if bare.returncode != 0 or not bare.usage.get("input_tokens"):
        raise SystemExit(f"{agent} bare run failed:\n{bare.describe()}")
    sample["bare"] = {"seconds": bare.seconds, "turns": len(bare.requests), "tokens": _tokens(bare.usage),
                      "input_tokens": bare.usage["input_tokens"], "output_tokens": bare.usage["output_tokens"]}
    with FakeModel(base / "auto-script.json", base / "auto-requests.jsonl") as model:
        repo, auto = run_autopilot(agent, model, base)
    line = auto.usage
    if auto.returncode != 0 or line.get("outcome") != "verified":
        raise SystemExit(f"{agent} autopilot iteration did not end verified ({line.get('outcome')}: "
                         f"{line.get('why')}):\n{auto.describe()}")
    usage = line["usage"]
    sample["autopilot"] = {"seconds": auto.seconds, "session_seconds": float(line["seconds"]),
                           "turns": len(auto.requests), "tokens": _tokens(usage),
                           "input_tokens": usage["input_tokens"], "output_tokens": usage["output_tokens"],
                           "gate_seconds": _gate_seconds(repo)}
    return sample


def summarize(samples: list[dict[str, Any]]) -> dict[str, Any]:
    def median(side: str, key: str) -> float:
        return statistics.median(s[side][key] for s in samples)

    bare = {key: median("bare", key) for key in samples[0]["bare"]}
    auto = {key: median("autopilot", key) for key in samples[0]["autopilot"]}
    added = {"seconds": auto["seconds"] - bare["seconds"], "tokens": auto["tokens"] - bare["tokens"],
             "input_tokens": auto["input_tokens"] - bare["input_tokens"], "turns": auto["turns"] - bare["turns"]}
    ratio = {"seconds": auto["seconds"] / bare["seconds"], "tokens": auto["tokens"] / bare["tokens"]}
    return {"bare": bare, "autopilot": auto, "added": added, "ratio": ratio, "samples": samples}


@contextlib.contextmanager
def output_to_stderr() -> Iterator[None]:
    """What the renders and the clients print goes to stderr, so stdout holds only the results (`--json`)."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per side and CLI (default 3)")
    parser.add_argument("--agents", help=f"comma-separated, from {', '.join(AGENTS)} (default: all)")
    parser.add_argument("--smoke", action="store_true", help=f"one run per side, {AGENTS[0]} only unless --agents")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    runs = 1 if args.smoke else args.runs
    chosen = args.agents or (AGENTS[0] if args.smoke else ",".join(AGENTS))
    agents = [name.strip() for name in chosen.split(",") if name.strip()]
    unknown = [name for name in agents if name not in AGENTS]
    if unknown or runs < 1:
        raise SystemExit(f"--agents takes {', '.join(AGENTS)} (got {', '.join(unknown)}); --runs at least 1")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="so-autopilot-bench-") as tmp, output_to_stderr():
        samples: dict[str, list[dict[str, Any]]] = {agent: [] for agent in agents}
        for n in range(runs):
            for agent in agents:  # interleaved: run n of every CLI before run n + 1 of any
                base = Path(tmp) / f"{agent}-{n}"
                base.mkdir()
                samples[agent].append(one_pair(agent, base))
        for agent in agents:
            results[agent] = summarize(samples[agent])
    if args.json:
        print(json.dumps({"runs": runs, "token_basis": "scripted model: request characters / 4",
                          "agents": results}, indent=2))
        return
    print(f"one unattended iteration vs the bare CLI on the same task, median of {runs} run(s) per side")
    print(f"{'':18}{'wall s':>8}{'session s':>11}{'gates s':>9}{'turns':>7}{'input tok':>11}{'output tok':>12}")
    for agent, result in results.items():
        bare, auto = result["bare"], result["autopilot"]
        print(f"{agent + ' bare':18}{bare['seconds']:8.2f}{'-':>11}{'-':>9}{bare['turns']:7.0f}"
              f"{bare['input_tokens']:11.0f}{bare['output_tokens']:12.0f}")
        print(f"{agent + ' autopilot':18}{auto['seconds']:8.2f}{auto['session_seconds']:11.2f}"
              f"{auto['gate_seconds']:9.2f}{auto['turns']:7.0f}{auto['input_tokens']:11.0f}{auto['output_tokens']:12.0f}")
    for agent, result in results.items():
        added, ratio = result["added"], result["ratio"]
        print(f"{agent}: orchestration added {added['seconds']:+.2f} s (ratio {ratio['seconds']:.2f}x), "
              f"{added['tokens']:+.0f} tokens (ratio {ratio['tokens']:.2f}x), {added['turns']:+.0f} turns")


if __name__ == "__main__":
    main()
