"""A scripted model server for driving real agent CLIs offline.

The CLIs under test talk to this server on 127.0.0.1 instead of a real model.
It speaks the three wire formats the pinned clients use, each streamed as SSE:
Anthropic Messages (`/v1/messages`, Claude Code), OpenAI Responses
(`/v1/responses`, Codex CLI) and OpenAI Chat Completions
(`/v1/chat/completions`, Pi). It logs every request body as one JSON line so
tests can assert on what the model *received* (expanded command text, tool
results, hook reasons).

Which reply a request gets is decided statelessly: the step index is the number
of assistant turns already present in the request. Retries and parallel side
requests therefore stay consistent, and one server can serve many runs.

Script file format (re-read on every request)::

    {"steps": [{"tool": "Bash", "input": {"command": "ls"}}, {"text": "done"}],
     "side_text": "ok",
     "routes": [{"contains": "MARKER", "steps": [...]}]}

A step is a text reply (`text`), a named tool call (`tool` + `input`, in the
client's own tool vocabulary; on the Responses wire an optional `namespace` names
the namespace tool it belongs to), a freeform tool call on the Responses wire
(`custom_tool` + raw `input` text: Codex's apply_patch for models that have
it), or `{"shell": "CMD"}`: a call of whichever
shell tool the request offers (Claude `Bash{command}`, Codex
`exec_command{cmd}`, Pi `bash{command}`), so one script can drive every client.
A request without tools gets ``side_text`` so title or summary side calls never
consume a step. ``routes`` sends a request whose body contains a marker to its
own step list (used to answer a subagent's nested request).

Token usage: every reply reports 10 input and 5 output tokens unless the script
says ``"usage": "estimate"``; then a reply reports what a real model would bill
in proportion: the request body's characters / 4 as input (system prompt, tool
definitions and the whole conversation so far, as a real model is sent them) and
the reply's characters / 4 as output. The clients add these up in their own
usage output, so two runs of one client can be compared by what they sent.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _assistant_turns(body: dict[str, Any]) -> int:
    """Turns so far in an Anthropic Messages or Chat Completions request."""
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def _responses_turns(body: dict[str, Any]) -> int:
    """Turns so far in a Responses request: each tool call and each assistant message is one."""
    items = body.get("input") if isinstance(body.get("input"), list) else []
    return sum(1 for item in items if isinstance(item, dict) and (
        item.get("type") in ("function_call", "custom_tool_call")
        or (item.get("type") == "message" and item.get("role") == "assistant")))


def _tool_names(body: dict[str, Any]) -> list[str]:
    """Names of the tools a request offers, whichever wire format declared them."""
    names = []
    for tool in body.get("tools") or []:
        if isinstance(tool, dict):
            names.append(str(tool.get("name") or (tool.get("function") or {}).get("name") or ""))
    return names


# How each client's shell tool wants a command line, by the tool name it offers.
_SHELL_TOOLS: dict[str, Any] = {
    "Bash": lambda cmd: {"command": cmd},  # Claude Code
    "exec_command": lambda cmd: {"cmd": cmd},  # Codex unified exec
    "shell_command": lambda cmd: {"command": cmd},  # Codex, other model families
    "shell": lambda cmd: {"command": ["bash", "-lc", cmd]},  # Codex, older shell tool
    "bash": lambda cmd: {"command": cmd},  # Pi
}


def _resolve_shell(step: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Turn a `{"shell": CMD}` step into a call of the shell tool this request offers."""
    if "shell" not in step:
        return step
    offered = _tool_names(body)
    for name, shape in _SHELL_TOOLS.items():
        if name in offered:
            return {**step, "tool": name, "input": shape(step["shell"])}
    return {"text": f"fake model: no shell tool among {offered}"}


def tool_use_id(turn: int) -> str:
    """The id the server gives the tool call it sends at `turn` (unless the step names its own)."""
    return f"toolu_fake_{turn}"


def _pick_step(script: dict[str, Any], body: dict[str, Any], raw: str) -> dict[str, Any]:
    if not body.get("tools"):
        return {"text": script.get("side_text", "ok")}
    steps = script.get("steps", [])
    for route in script.get("routes", []):
        if route["contains"] in raw:
            steps = route["steps"]
            break
    index = _turns(body)
    if index < len(steps):
        return _resolve_shell(steps[index], body)
    return {"text": script.get("final_text", "done")}


def _turns(body: dict[str, Any]) -> int:
    return _responses_turns(body) if "input" in body and "messages" not in body else _assistant_turns(body)


def _usage(script: dict[str, Any], raw: str, step: dict[str, Any]) -> tuple[int, int]:
    """(input, output) tokens to report for this reply (see the module docstring)."""
    if script.get("usage") != "estimate":
        return 10, 5
    return max(1, len(raw) // 4), max(1, len(json.dumps(step)) // 4)


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _anthropic_stream(step: dict[str, Any], model: str, turn: int, usage: tuple[int, int] = (10, 5)) -> bytes:
    """Render one scripted step as an Anthropic Messages SSE stream."""
    out = [
        _sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": f"msg_fake_{turn}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": usage[0], "output_tokens": 1},
                },
            },
        )
    ]
    if "tool" in step:
        use_id = step.get("id") or tool_use_id(turn)
        block = {"type": "tool_use", "id": use_id, "name": step["tool"], "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(step.get("input", {}))}
        stop_reason = "tool_use"
    else:
        block = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": step.get("text", "done")}
        stop_reason = "end_turn"
    start = {"type": "content_block_start", "index": 0, "content_block": block}
    out.append(_sse("content_block_start", start))
    out.append(_sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}))
    out.append(_sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    out.append(
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": usage[1]},
            },
        )
    )
    out.append(_sse("message_stop", {"type": "message_stop"}))
    return b"".join(out)


def _responses_stream(step: dict[str, Any], model: str, turn: int, usage: tuple[int, int] = (10, 5)) -> bytes:
    """Render one scripted step as an OpenAI Responses SSE stream (what Codex reads)."""
    response_id = f"resp_fake_{turn}"
    if "custom_tool" in step:  # a freeform tool (Codex's apply_patch for models that have it): raw text input
        item = {"type": "custom_tool_call", "id": f"ctc_fake_{turn}", "call_id": step.get("id") or tool_use_id(turn),
                "name": step["custom_tool"], "input": step.get("input", "")}
    elif "tool" in step:
        item = {"type": "function_call", "id": f"fc_fake_{turn}", "call_id": step.get("id") or tool_use_id(turn),
                "name": step["tool"], "arguments": json.dumps(step.get("input", {}))}
        if step.get("namespace"):  # a tool inside a namespace tool (Codex's multi_agent_v1.spawn_agent)
            item["namespace"] = step["namespace"]
    else:
        item = {"type": "message", "id": f"msg_fake_{turn}", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": step.get("text", "done"), "annotations": []}]}
    counts = {"input_tokens": usage[0], "input_tokens_details": {"cached_tokens": 0}, "output_tokens": usage[1],
              "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": sum(usage)}
    events = [
        ("response.created", {"type": "response.created",
                              "response": {"id": response_id, "model": model, "status": "in_progress"}}),
        ("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": item}),
        ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
        ("response.completed", {"type": "response.completed",
                                "response": {"id": response_id, "model": model, "status": "completed",
                                             "output": [item], "usage": counts}}),
    ]
    return b"".join(_sse(name, data) for name, data in events)


def _chat_stream(step: dict[str, Any], model: str, turn: int, usage: tuple[int, int] = (10, 5)) -> bytes:
    """Render one scripted step as an OpenAI Chat Completions SSE stream (what Pi reads)."""
    def chunk(delta: dict[str, Any], finish: str | None, **extra: Any) -> bytes:
        data = {"id": f"chatcmpl_fake_{turn}", "object": "chat.completion.chunk", "created": 0, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data)}\n\n".encode()

    if "tool" in step:
        call = {"index": 0, "id": step.get("id") or tool_use_id(turn), "type": "function",
                "function": {"name": step["tool"], "arguments": json.dumps(step.get("input", {}))}}
        body = chunk({"role": "assistant", "content": None, "tool_calls": [call]}, None)
        finish = "tool_calls"
    else:
        body = chunk({"role": "assistant", "content": step.get("text", "done")}, None)
        finish = "stop"
    counts = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return body + chunk({}, finish, usage=counts) + b"data: [DONE]\n\n"


class FakeModel:
    """A running fake model server; use as a context manager."""

    def __init__(self, script_path: Path, log_path: Path) -> None:
        self.script_path = script_path
        self.log_path = log_path
        # Called with (turn, request body) before a turn with tools is answered: lets a test change the
        # world between two tool calls of one session, as something outside the agent would.
        self.on_turn: Callable[[int, dict[str, Any]], None] | None = None
        self._lock = threading.Lock()
        handler = self._make_handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        # A short poll interval: shutdown waits for the next poll, and every e2e test stops a server.
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeModel:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_script(self, script: dict[str, Any]) -> None:
        self.script_path.write_text(json.dumps(script))

    def requests(self) -> list[dict[str, Any]]:
        """Every logged request body with tools (the agent's real turns), in order."""
        if not self.log_path.exists():
            return []
        bodies = [json.loads(line) for line in self.log_path.read_text().splitlines() if line]
        return [b for b in bodies if b.get("tools")]

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_HEAD(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8", "replace")
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    body = {}
                with fake._lock, fake.log_path.open("a") as log:
                    log.write(json.dumps(body) + "\n")
                if "count_tokens" in self.path:
                    self._json({"input_tokens": 10})
                    return
                script = json.loads(fake.script_path.read_text()) if fake.script_path.exists() else {}
                turn = _turns(body)
                if fake.on_turn is not None and body.get("tools"):
                    fake.on_turn(turn, body)
                step = _pick_step(script, body, raw)
                model = body.get("model", "fake")
                usage = _usage(script, raw, step)
                if self.path.split("?")[0].endswith("/responses"):
                    self._stream(_responses_stream(step, model, turn, usage))
                elif self.path.split("?")[0].endswith("/chat/completions"):
                    self._stream(_chat_stream(step, model, turn, usage))
                elif body.get("stream"):
                    self._stream(_anthropic_stream(step, model, turn, usage))
                else:
                    self._json(
                        {
                            "id": f"msg_fake_{turn}",
                            "type": "message",
                            "role": "assistant",
                            "model": body.get("model", "fake"),
                            "content": [{"type": "text", "text": step.get("text", "ok")}],
                            "stop_reason": "end_turn",
                            "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
                        }
                    )

            def _stream(self, payload: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _json(self, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A request's conversation as Anthropic-shaped messages, whichever wire format carried it.

    The helpers below then answer "what did the model get back for call X" the
    same way for every client: Responses `function_call_output` items and Chat
    `role: tool` messages both become `tool_result` blocks.
    """
    if "messages" in body:
        converted = []
        for message in body["messages"]:
            if message.get("role") == "tool":
                block = {"type": "tool_result", "tool_use_id": message.get("tool_call_id"),
                         "content": message.get("content") or ""}
                converted.append({"role": "user", "content": [block]})
            else:
                converted.append(message)
        return converted
    converted = []
    if isinstance(body.get("instructions"), str):
        converted.append({"role": "system", "content": body["instructions"]})
    for item in body.get("input") if isinstance(body.get("input"), list) else []:
        kind = item.get("type")
        if kind in ("function_call_output", "custom_tool_call_output"):
            block = {"type": "tool_result", "tool_use_id": item.get("call_id"), "content": item.get("output", "")}
            converted.append({"role": "user", "content": [block]})
        elif kind in ("function_call", "custom_tool_call"):
            block = {"type": "tool_use", "id": item.get("call_id"), "name": item.get("name"),
                     "input": item.get("arguments", item.get("input"))}
            converted.append({"role": "assistant", "content": [block]})
        elif kind == "message" or "role" in item:
            content = item.get("content")
            if isinstance(content, list):
                content = [{"type": "text", "text": part.get("text", "")} for part in content if isinstance(part, dict)]
            converted.append({"role": item.get("role"), "content": content})
    return converted


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _block_text(block: dict[str, Any]) -> str:
    content = block.get("content", block.get("text", ""))
    if isinstance(content, str):
        return content
    return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))


def first_user_texts(requests: list[dict[str, Any]]) -> list[str]:
    """The text blocks of the first user message the model received (prompt, expanded command)."""
    for body in requests:
        for message in _messages(body):
            if message.get("role") == "user":
                return [_block_text(b) for b in _blocks(message) if b.get("type") == "text"]
    return []


def tool_results(requests: list[dict[str, Any]], use_id: str) -> list[dict[str, Any]]:
    """Every distinct tool_result block answering `use_id`, as {"text", "is_error"}.

    Later requests repeat the whole conversation, so the same result is seen many
    times; it is reported once.
    """
    seen: list[dict[str, Any]] = []
    for body in requests:
        for message in _messages(body):
            for block in _blocks(message):
                if block.get("type") == "tool_result" and block.get("tool_use_id") == use_id:
                    found = {"text": _block_text(block), "is_error": bool(block.get("is_error"))}
                    if found not in seen:
                        seen.append(found)
    return seen


def tool_result_text(requests: list[dict[str, Any]], use_id: str) -> str:
    """The text the model got back for tool call `use_id` ('' when it never came back)."""
    results = tool_results(requests, use_id)
    return results[0]["text"] if results else ""


def tool_result_notes(requests: list[dict[str, Any]], use_id: str) -> list[str]:
    """Text blocks sent alongside the tool_result for `use_id`.

    Claude Code 2.1.197 delivers a PreToolUse hook's `additionalContext` as a
    `<system-reminder>` text block in the same user message as the result; 2.1.332 as
    a `role: system` message right after that user message. Both are collected.
    """
    for body in requests:
        messages = _messages(body)
        for index, message in enumerate(messages):
            blocks = _blocks(message)
            if any(b.get("type") == "tool_result" and b.get("tool_use_id") == use_id for b in blocks):
                notes = [_block_text(b) for b in blocks if b.get("type") == "text"]
                for following in messages[index + 1:]:
                    if following.get("role") != "system":
                        break
                    notes.extend(_block_text(b) for b in _blocks(following) if b.get("type") == "text")
                return notes
    return []


def all_text(requests: list[dict[str, Any]]) -> str:
    """Every text and tool_result string in the requests' messages, for 'did X reach the model'."""
    parts: list[str] = []
    for body in requests:
        for message in _messages(body):
            parts.extend(_block_text(b) for b in _blocks(message) if b.get("type") in ("text", "tool_result"))
    return "\n".join(parts)


if __name__ == "__main__":  # manual use: python fake_model.py script.json log.jsonl
    with FakeModel(Path(sys.argv[1]), Path(sys.argv[2])) as server:
        print(server.base_url, flush=True)
        threading.Event().wait()
