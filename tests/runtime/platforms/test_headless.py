"""Each agent's headless mode: the command line autopilot runs and how its output is read.

`headless/claude.json`, `codex.jsonl` and `pi.jsonl` are what the pinned real CLIs printed for a
two-turn scripted run (a shell call, then "all done"; tests/e2e/fake_model.py reports 10 input and
5 output tokens per model call), captured with exactly the command lines `headless_argv` builds.
Cursor's CLI cannot be pointed at a local model, so `cursor.json` follows its documented
`--output-format json` result object instead (not captured).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime import platforms
from runtime.platforms import UnknownPlatformError

HERE = Path(__file__).parent / "headless"
CAPTURED = {"claude": "claude.json", "codex": "codex.jsonl", "pi": "pi.jsonl", "cursor": "cursor.json"}


@pytest.mark.parametrize(("name", "expected"), [
    ("claude", ["/opt/claude", "--model", "m", "-p", "--output-format", "json", "--dangerously-skip-permissions",
                "PROMPT"]),
    ("codex", ["/opt/codex", "--model", "m", "exec", "--json", "--dangerously-bypass-approvals-and-sandbox",
               "PROMPT"]),
    ("pi", ["/opt/pi", "--model", "m", "-p", "--mode", "json", "PROMPT"]),
    ("cursor", ["/opt/cursor-agent", "--model", "m", "-p", "--output-format", "json", "--trust", "--force",
                "PROMPT"]),
])
def test_the_prompt_follows_the_users_program_and_the_headless_flags(name: str, expected: list[str]) -> None:
    platform = platforms.get(name)
    assert platform.headless_argv([expected[0], "--model", "m"], "PROMPT") == expected
    assert platform.headless_executable == Path(expected[0]).name


@pytest.mark.parametrize(("name", "expected"), [
    ("claude", {"text": "all done", "input_tokens": 20, "output_tokens": 10, "cost_usd": 0.00028000000000000003}),
    ("codex", {"text": "all done", "input_tokens": 20, "output_tokens": 10, "cost_usd": None}),
    ("pi", {"text": "all done", "input_tokens": 20, "output_tokens": 10, "cost_usd": 0.0}),
    ("cursor", {"text": "all done", "input_tokens": None, "output_tokens": None, "cost_usd": None}),
])
def test_captured_output_reads_as_text_and_usage(name: str, expected: dict[str, object]) -> None:
    stdout = (HERE / CAPTURED[name]).read_text(encoding="utf-8")
    assert platforms.get(name).read_headless(stdout) == expected


def test_claude_counts_cache_reads_and_writes_as_input() -> None:
    stdout = ('{"type":"result","result":"ok","total_cost_usd":1.5,"usage":{"input_tokens":3,'
              '"cache_creation_input_tokens":40,"cache_read_input_tokens":500,"output_tokens":7}}')
    assert platforms.get("claude").read_headless(stdout) == {
        "text": "ok", "input_tokens": 543, "output_tokens": 7, "cost_usd": 1.5}


def test_codex_sums_every_turn_and_skips_noise_lines() -> None:
    stdout = "\n".join([
        "Reading additional input from stdin...",
        '{"type":"turn.completed","usage":{"input_tokens":100,"output_tokens":5}}',
        "{not json",
        '{"type":"item.completed","item":{"type":"agent_message","text":"first"}}',
        '{"type":"turn.completed","usage":{"input_tokens":50,"output_tokens":6}}',
        '{"type":"item.completed","item":{"type":"agent_message","text":"last"}}',
    ])
    assert platforms.get("codex").read_headless(stdout) == {
        "text": "last", "input_tokens": 150, "output_tokens": 11, "cost_usd": None}


def test_cursor_reads_usage_where_its_version_reports_one() -> None:
    stdout = '{"type":"result","result":"ok","usage":{"inputTokens":12,"outputTokens":3}}'
    assert platforms.get("cursor").read_headless(stdout)["input_tokens"] == 12


@pytest.mark.parametrize("name", sorted(CAPTURED))
@pytest.mark.parametrize("stdout", ["", "Error: not logged in\n", '{"type":"result","usage":"n/a"}'])
def test_output_without_usage_reports_none_never_zero(name: str, stdout: str) -> None:
    read = platforms.get(name).read_headless(stdout)
    assert set(read) == {"text", "input_tokens", "output_tokens", "cost_usd"}
    assert read["input_tokens"] is None and read["output_tokens"] is None and read["cost_usd"] is None


def test_a_platform_without_a_headless_mode_says_so() -> None:
    class Bare(platforms.Platform):
        name = "bare"

    with pytest.raises(UnknownPlatformError, match="bare has no headless mode"):
        Bare().headless_argv(["bare"], "x")
