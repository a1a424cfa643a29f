"""Every way a hook's input can be odd, through the real entry script in a subprocess.

The malformed-JSON, empty, deeply nested and invalid UTF-8 cases of
pre-tool-use are in test_hooks.py; this file covers the rest of the input
handling in hookpath/hooks.py and the nested JSON hooks reader: the command
line, the payload's fields, an unknown tool, a huge payload, session-start's
input, and output that cannot be printed as it is.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import runtime
from tests.runtime.hookpath.test_hooks import _decision, _repo

PRE = ("hook", "claude", "pre-tool-use")


def _run(repo: Path, *args: str, stdin: str | bytes = "{}",
         extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SO_PROJECT_DIR": str(repo), **(extra_env or {})}
    env.pop("CLAUDE_PROJECT_DIR", None)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(["python3", "-S", str(repo / ".orchestrator/runtime"), *args], cwd=repo, env=env,
                            input=data, capture_output=True, timeout=120)
    assert b"Traceback" not in result.stdout + result.stderr, result.stderr.decode(errors="replace")
    return result


def _judge(repo: Path, payload: dict[str, Any]) -> str:
    result = _run(repo, *PRE, stdin=json.dumps({"session_id": "t", "cwd": str(repo), **payload}))
    assert result.returncode == 0, result.stderr
    return _decision(json.loads(result.stdout) if result.stdout.strip() else None)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path, "strict")


# --- the command line -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("hook",), ("hook", "claude"), ("hook", "claude", "post-tool-use"),
                                  ("hook", "claude", "PreToolUse")])
def test_a_missing_or_unknown_event_prints_the_usage_and_blocks_nothing(repo: Path, args: tuple[str, ...]) -> None:
    result = _run(repo, *args, stdin='{"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}}')
    assert result.returncode == 1  # non-blocking for every agent: the user sees the line, the call is not judged
    assert result.stdout == b""
    assert b"usage: python3 .orchestrator/runtime hook <platform> <event>" in result.stderr
    assert b"events: pre-tool-use, session-start" in result.stderr


@pytest.mark.parametrize("platform", ["nosuchagent", "../claude", "Claude", "jsonhooks", ""])
def test_an_unknown_platform_is_named_on_stderr(repo: Path, platform: str) -> None:
    result = _run(repo, "hook", platform, "pre-tool-use")
    assert result.returncode == 1 and result.stdout == b""
    assert f"unknown platform {platform!r}".encode() in result.stderr


@pytest.mark.parametrize(("event", "expected"), [("pre-tool-use", b'"permissionDecision": "deny"'),
                                               ("session-start", b"[session-orchestrator]\nbranch: ")])
def test_a_closed_stdin_is_an_empty_one(repo: Path, event: str, expected: bytes) -> None:
    """No stdin at all (the descriptor closed, not merely empty) is unreadable input, not a broken runtime."""
    env = {**os.environ, "SO_PROJECT_DIR": str(repo)}
    command = f"exec python3 -S {repo / '.orchestrator/runtime'} hook claude {event} <&-"
    result = subprocess.run(["sh", "-c", command], cwd=repo, env=env, capture_output=True, timeout=120)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert expected in result.stdout and b"cannot run" not in result.stdout
    if event == "pre-tool-use":
        assert b"stdin was empty" in result.stdout


# --- the payload's fields ---------------------------------------------------------------------------


@pytest.mark.parametrize("tool_input", [None, [], "rm -rf src", 42, {}])
def test_a_shell_call_without_a_usable_input_has_nothing_to_judge(repo: Path, tool_input: Any) -> None:
    payload: dict[str, Any] = {"tool_name": "Bash"}
    if tool_input is not None:
        payload["tool_input"] = tool_input
    assert _judge(repo, payload) == "allow"


@pytest.mark.parametrize("command", [42, None, ["rm", "-rf", "src"], {"rm": "-rf"}])
def test_a_command_that_is_not_text_is_not_run_as_one(repo: Path, command: Any) -> None:
    assert _judge(repo, {"tool_name": "Bash", "tool_input": {"command": command}}) == "allow"


def test_a_shell_command_under_cmd_is_judged_like_command(repo: Path) -> None:
    assert _judge(repo, {"tool_name": "Bash", "tool_input": {"cmd": "rm -rf src"}}) == "deny"
    assert _judge(repo, {"tool_name": "Bash", "tool_input": {"cmd": "ls src"}}) == "allow"


@pytest.mark.parametrize("tool_name", [None, 42, "", ["Bash"]])
def test_a_missing_or_odd_tool_name_is_an_other_call(repo: Path, tool_name: Any) -> None:
    payload: dict[str, Any] = {"tool_input": {"command": "rm -rf src"}}
    if tool_name is not None:
        payload["tool_name"] = tool_name
    assert _judge(repo, payload) == "allow"


def test_an_unknown_tool_is_not_guarded_as_a_shell_or_a_write(repo: Path) -> None:
    """Only the platform's shell and edit tools are judged; a tool it does not list (an MCP tool,
    a newer built-in) passes, loop guard aside."""
    assert _judge(repo, {"tool_name": "mcp__db__query", "tool_input": {"command": "rm -rf src"}}) == "allow"
    assert _judge(repo, {"tool_name": "Bash", "tool_input": {"command": "rm -rf src"}}) == "deny"


@pytest.mark.parametrize("path", [None, 42, "", ["src/a.py"]])
def test_a_write_without_a_usable_path_has_nothing_to_check(repo: Path, path: Any) -> None:
    tool_input: dict[str, Any] = {"content": "x"}
    if path is not None:
        tool_input["file_path"] = path
    assert _judge(repo, {"tool_name": "Write", "tool_input": tool_input}) == "allow"


@pytest.mark.parametrize("key", ["file_path", "notebook_path", "path"])
def test_every_path_key_of_a_write_reaches_the_scope_check(repo: Path, key: str) -> None:
    assert _judge(repo, {"tool_name": "Write", "tool_input": {key: ".orchestrator/runtime/cli.py"}}) == "deny"


@pytest.mark.parametrize("cwd", [42, None, "", ["/"]])
def test_an_odd_cwd_falls_back_to_the_project(repo: Path, cwd: Any) -> None:
    stdin = json.dumps({"session_id": "t", "cwd": cwd, "tool_name": "Bash", "tool_input": {"command": "rm -rf src"}})
    result = _run(repo, *PRE, stdin=stdin)
    assert _decision(json.loads(result.stdout)) == "deny"
    stdin = json.dumps({"session_id": "t", "cwd": cwd, "tool_name": "Write",
                        "tool_input": {"file_path": ".orchestrator/policy/guard.json"}})
    assert _decision(json.loads(_run(repo, *PRE, stdin=stdin).stdout)) == "deny"


def test_a_huge_payload_is_judged_whole(repo: Path) -> None:
    """An 8 MB write (a generated file) is allowed, and a destructive command after 8 MB of
    other input fields is still denied; neither takes long."""
    big = "x" * (8 * 1024 * 1024)
    start = time.monotonic()
    assert _judge(repo, {"tool_name": "Write", "tool_input": {"file_path": "src/big.txt", "content": big}}) == "allow"
    assert _judge(repo, {"tool_name": "Bash", "tool_input": {"description": big, "command": "rm -rf src"}}) == "deny"
    assert time.monotonic() - start < 60


# --- session-start --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stdin", [b"", b"{not json", b"[1]", b"\xff\xfe", b"[" * 10_000])
def test_session_start_prints_the_banner_whatever_its_input(repo: Path, stdin: bytes) -> None:
    result = _run(repo, "hook", "claude", "session-start", stdin=stdin)
    assert result.returncode == 0
    assert result.stdout.startswith(b"[session-orchestrator]\nbranch: ")
    assert b"enforcement: strict" in result.stdout


@pytest.mark.parametrize(("extra_env", "branch"), [
    ({"LC_ALL": "C"}, b"branch: caf\xe9;"),  # stdout passes the byte through as it came
    ({"PYTHONIOENCODING": "utf-8:strict"}, b"branch: caf\\udce9;"),  # stdout refuses it: the answer is escaped
])
def test_a_branch_name_that_is_not_utf8_reaches_the_banner(repo: Path, extra_env: dict[str, str],
                                                           branch: bytes) -> None:
    """git prints names byte for byte; one in Latin-1 once made the banner report a broken runtime."""
    subprocess.run([b"git", b"checkout", b"-q", b"-b", b"caf\xe9"], cwd=repo, check=True)
    result = _run(repo, "hook", "claude", "session-start", extra_env=extra_env)
    assert result.returncode == 0
    assert result.stdout.split(b"\n")[1].startswith(branch), result.stdout[:200]
    assert b"cannot run" not in result.stdout
    assert b"enforcement: strict" in result.stdout


def test_the_runtime_helper_reads_the_same_hook(repo: Path) -> None:
    """tests.helpers.runtime (text mode, as most tests call it) sees the same banner."""
    result = runtime(repo, "hook", "claude", "session-start", stdin="garbage")
    assert result.returncode == 0 and result.stdout.startswith("[session-orchestrator]")
