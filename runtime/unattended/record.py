# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`.orchestrator/metrics/autopilot.jsonl`: what each unattended run did, one line per event.

Nobody watched the run, so the record is how a person finds out afterwards what happened and
why it stopped. Every line carries the run id and one of three kinds: `start` (the agent, the
caps, the caps the CLI cannot back), `iteration` (the item, the session, its outcome as read
from the runtime's own records, usage as the CLI reported it, wall time) and `stop` (the switch
that fired and its reason, and what was left paused). `report` and `research` read it back
through `runs`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

NAME = "autopilot.jsonl"


def path(root: Path) -> Path:
    from ..core.paths import metrics_dir

    return metrics_dir(root) / NAME


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def append(root: Path, run_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    """Append one line (written whole, under the JSON-lines lock) and return it."""
    from ..core import jsonl

    line = {"ts": now_iso(), "run": run_id, "kind": kind, **fields}
    jsonl.append(path(root), line)
    return line


def read(root: Path) -> list[dict[str, Any]]:
    from ..core import jsonl

    return jsonl.read(path(root))


def runs(root: Path, lines: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One summary per run, oldest first: {'run', 'agent', 'started', 'iterations', 'verified',
    'carried', 'tokens', 'cost_usd', 'usage_reported', 'stop', 'reason', 'seconds'}."""
    out: dict[str, dict[str, Any]] = {}
    for line in lines if lines is not None else read(root):
        run_id = str(line.get("run") or "")
        if not run_id:
            continue
        run = out.setdefault(run_id, {"run": run_id, "agent": None, "started": line.get("ts"), "iterations": 0,
                                      "verified": 0, "carried": 0, "tokens": None, "cost_usd": None,
                                      "usage_reported": True, "stop": None, "reason": None, "seconds": 0.0})
        kind = line.get("kind")
        if kind == "start":
            run["agent"] = line.get("agent")
            run["started"] = line.get("ts")
        elif kind == "iteration":
            run["iterations"] += 1
            run["verified" if line.get("outcome") == "verified" else "carried"] += 1
            usage = line.get("usage") or {}
            for key, total in (("tokens", _tokens(usage)), ("cost_usd", usage.get("cost_usd"))):
                if isinstance(total, (int, float)):
                    run[key] = (run[key] or 0) + total
            if _tokens(usage) is None:
                run["usage_reported"] = False
            run["seconds"] += float(line.get("seconds") or 0)
        elif kind == "stop":
            run["stop"] = line.get("switch")
            run["reason"] = line.get("reason")
    return list(out.values())


def _tokens(usage: dict[str, Any]) -> int | None:
    parts = [usage.get("input_tokens"), usage.get("output_tokens")]
    numbers = [p for p in parts if isinstance(p, int)]
    return sum(numbers) if numbers else None


def summary_lines(summaries: list[dict[str, Any]], limit: int = 5) -> list[str]:
    """The last runs (`runs`' summaries) in one line each, for `report` and `research`."""
    lines = []
    for run in summaries[-limit:]:
        usage = (f"{run['tokens']} tokens" if run["tokens"] is not None else "tokens not reported")
        if run["cost_usd"] is not None:
            usage += f", {run['cost_usd']:.4f} USD"
        stop = f"stopped by {run['stop']}: {run['reason']}" if run["stop"] else "no stop recorded (still running?)"
        lines.append(f"{run['started']} {run['agent'] or '?'}: {run['iterations']} sessions, {run['verified']} "
                     f"verified, {run['carried']} carried over; {usage}; {stop}")
    return lines
