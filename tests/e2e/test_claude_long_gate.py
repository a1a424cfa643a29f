"""A gate longer than Claude Code's Bash tool allows by default, run the way the command text says.

The real Claude Code CLI runs against the scripted model. Its Bash tool's default limit is
shrunk to 2 s (BASH_DEFAULT_TIMEOUT_MS, as a user's setting would) and the suite is made to
take longer than that. A plain `sleep` first shows the limit is in force (Claude Code moves a
command past it to the background, so the call returns without its output). Then the gate
is run as the rendered /go text says for Claude Code (read from the rendered file, not
restated here): `--detach`, then `gate wait` with the tool timeout the text names. That gate
completes within the call and is recorded.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

from runtime.loop import state as st
from tests.e2e.fake_model import tool_results, tool_use_id
from tests.helpers import commit_all

SUITE_SECONDS = 6


def _bash(command: str, **extra: Any) -> dict[str, Any]:
    return {"tool": "Bash", "input": {"command": command, **extra}}


def test_a_gate_longer_than_the_tool_timeout_completes_and_is_recorded(rendered_repo: Path, run_claude) -> None:
    repo = rendered_repo
    claude_md = repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace(
        "test-command: auto", f"test-command: sleep {SUITE_SECONDS} && python3 -m pytest -q -p no:cacheprovider"))
    commit_all(repo, "a slow suite")
    text = (repo / ".claude" / "skills" / "go" / "SKILL.md").read_text(encoding="utf-8")
    rt = re.search(r"`(python3 -S \.orchestrator/runtime) gate <variant> --detach`", text)
    wait = re.search(r"`(python3 -S \.orchestrator/runtime gate wait --max \d+)`", text)
    limit = re.search(r"`timeout` of (\d+) milliseconds", text)
    assert rt and wait and limit, "the /go text no longer says how to run a long gate"
    tools = (str(Path(sys.executable).parent),)  # a python3 that has pytest
    steps = [
        _bash(f"{rt.group(1)} session start feature"),
        _bash("sleep 4 && echo slept-through"),  # longer than the 2 s default
        _bash(f"{rt.group(1)} gate baseline --detach"),
        _bash(wait.group(1), timeout=int(limit.group(1))),
        {"text": "Baseline recorded."},
    ]
    started = time.monotonic()
    run = run_claude(repo, "Take the baseline.", {"steps": steps}, path_prepend=tools,
                     extra_env={"BASH_DEFAULT_TIMEOUT_MS": "2000"})
    took = time.monotonic() - started
    results = [tool_results(run.requests, tool_use_id(turn)) for turn in range(4)]
    assert all(len(r) == 1 for r in results), run.describe()
    plain, detach, waited = results[1][0], results[2][0], results[3][0]
    assert "slept-through" not in plain["text"], plain["text"]  # the default limit cut the call short
    assert not detach["is_error"] and "gate wait" in detach["text"], detach["text"]
    assert not waited["is_error"], waited["text"]
    assert "gate baseline (before wave 1): recorded in" in waited["text"], waited["text"]
    baseline = st.load(repo)["baseline"]
    assert baseline["checks"]["test"]["ok"] and baseline["checks"]["test"]["counts"]["passed"] > 0
    assert baseline["checks"]["test"]["duration"] > SUITE_SECONDS > 2
    assert took > SUITE_SECONDS
