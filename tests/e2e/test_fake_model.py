"""The scripted model's three wire formats, checked without any client.

The client tests prove the formats are good enough for the real CLIs; these
pin the contract the scripts rely on (stateless step choice per format, the
`shell` step resolved to each client's tool, request logging) in milliseconds,
so a regression is reported here by name rather than as a client that hangs.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_model import FakeModel, all_text, tool_result_text, tool_use_id

SCRIPT = {"steps": [{"shell": "echo hi"}, {"text": "second"}], "side_text": "side"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeModel]:
    with FakeModel(tmp_path / "script.json", tmp_path / "log.jsonl") as fake:
        fake.set_script(SCRIPT)
        yield fake


def _post(fake: FakeModel, path: str, body: dict[str, Any]) -> str:
    request = urllib.request.Request(fake.base_url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def _sse_data(stream: str) -> list[Any]:
    return [json.loads(line[6:]) for line in stream.splitlines()
            if line.startswith("data: ") and line != "data: [DONE]"]


def test_responses_first_turn_calls_codex_exec_command(server: FakeModel) -> None:
    tools = [{"type": "function", "name": "exec_command"}, {"type": "function", "name": "view_image"}]
    events = _sse_data(_post(server, "/v1/responses", {"stream": True, "tools": tools, "input": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go"}]}]}))
    assert [e["type"] for e in events] == ["response.created", "response.output_item.added",
                                           "response.output_item.done", "response.completed"]
    item = events[2]["item"]
    assert (item["type"], item["name"], json.loads(item["arguments"])) == ("function_call", "exec_command",
                                                                           {"cmd": "echo hi"})
    assert item["call_id"] == tool_use_id(0)


def test_responses_counts_function_calls_as_turns_and_reads_their_output(server: FakeModel) -> None:
    tools = [{"type": "function", "name": "exec_command"}]
    body = {"stream": True, "tools": tools, "input": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go"}]},
        {"type": "reasoning", "summary": []},
        {"type": "function_call", "call_id": tool_use_id(0), "name": "exec_command", "arguments": "{}"},
        {"type": "function_call_output", "call_id": tool_use_id(0), "output": "OUTPUT_MARKER"}]}
    events = _sse_data(_post(server, "/v1/responses", body))
    assert events[2]["item"]["content"][0]["text"] == "second"
    assert tool_result_text(server.requests(), tool_use_id(0)) == "OUTPUT_MARKER"
    assert "go" in all_text(server.requests())


def test_chat_completions_first_turn_calls_pi_bash(server: FakeModel) -> None:
    tools = [{"type": "function", "function": {"name": name}} for name in ("read", "bash", "edit", "write")]
    chunks = _sse_data(_post(server, "/v1/chat/completions", {"stream": True, "tools": tools,
                                                               "messages": [{"role": "user", "content": "go"}]}))
    call = chunks[0]["choices"][0]["delta"]["tool_calls"][0]
    assert (call["function"]["name"], json.loads(call["function"]["arguments"])) == ("bash", {"command": "echo hi"})
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_chat_completions_reads_tool_messages_and_moves_on(server: FakeModel) -> None:
    tools = [{"type": "function", "function": {"name": "bash"}}]
    messages = [{"role": "user", "content": "go"},
                {"role": "assistant", "content": None, "tool_calls": [{"id": tool_use_id(0), "type": "function",
                                                                       "function": {"name": "bash"}}]},
                {"role": "tool", "tool_call_id": tool_use_id(0), "content": "OUTPUT_MARKER"}]
    chunks = _sse_data(_post(server, "/v1/chat/completions", {"stream": True, "tools": tools, "messages": messages}))
    assert chunks[0]["choices"][0]["delta"]["content"] == "second"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert tool_result_text(server.requests(), tool_use_id(0)) == "OUTPUT_MARKER"


def test_anthropic_shell_step_becomes_claude_bash(server: FakeModel) -> None:
    stream = _post(server, "/v1/messages?beta=true", {"stream": True, "tools": [{"name": "Bash"}],
                                                      "messages": [{"role": "user", "content": "go"}]})
    start = next(e for e in _sse_data(stream) if e["type"] == "content_block_start")
    delta = next(e for e in _sse_data(stream) if e["type"] == "content_block_delta")
    assert start["content_block"]["name"] == "Bash"
    assert json.loads(delta["delta"]["partial_json"]) == {"command": "echo hi"}


def test_request_without_tools_gets_side_text_and_every_body_is_logged(server: FakeModel) -> None:
    chunks = _sse_data(_post(server, "/v1/chat/completions", {"stream": True,
                                                               "messages": [{"role": "user", "content": "title?"}]}))
    assert chunks[0]["choices"][0]["delta"]["content"] == "side"
    logged = [json.loads(line) for line in server.log_path.read_text().splitlines()]
    assert logged == [{"stream": True, "messages": [{"role": "user", "content": "title?"}]}]
    assert server.requests() == []  # side calls are not agent turns


def test_usage_is_fixed_unless_the_script_asks_for_an_estimate_from_the_request(server: FakeModel) -> None:
    tools = [{"type": "function", "function": {"name": "bash"}}]
    short = {"stream": True, "tools": tools, "messages": [{"role": "user", "content": "go"}]}
    long = {**short, "messages": [{"role": "system", "content": "x" * 4000}, *short["messages"]]}

    def usage(body: dict[str, Any]) -> dict[str, int]:
        return next(chunk["usage"] for chunk in _sse_data(_post(server, "/v1/chat/completions", body))
                    if chunk.get("usage"))

    assert usage(short) == usage(long) == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    server.set_script({**SCRIPT, "usage": "estimate"})
    small, large = usage(short), usage(long)
    assert small["prompt_tokens"] == len(json.dumps(short)) // 4
    assert large["prompt_tokens"] - small["prompt_tokens"] >= 1000  # the 4000 characters more it was sent
    assert small["completion_tokens"] == len(json.dumps({"tool": "bash", "shell": "echo hi",
                                                         "input": {"command": "echo hi"}})) // 4
