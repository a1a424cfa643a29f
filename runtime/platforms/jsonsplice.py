# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The nested JSON hooks settings file, edited by a minimal-diff splice.

`{"hooks": {"<Event>": [{"matcher": "...", "hooks": [{"type": "command", ...}]}]}}`
is shared with the user, so only our handlers change (those whose command runs
`.orchestrator/runtime hook`) and every other byte stays where it was. A file that
is not this shape is refused (WireError, naming the key) rather than guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.fsutil import write_atomic
from . import MARKER, WireError


def _is_ours(handler: Any) -> bool:
    return isinstance(handler, dict) and MARKER in str(handler.get("command", "")) and " hook " in str(
        handler.get("command", "")
    )


def merge_json_hooks(existing: dict[str, Any], platform: dict[str, Any]) -> dict[str, Any]:
    """Return `existing` with our hook handlers replaced by the ones `platform` declares."""
    merged: dict[str, Any] = json.loads(json.dumps(existing))  # deep copy, JSON types only
    hooks = merged.get("hooks")
    if not isinstance(hooks, dict):
        hooks = {}
    for event in list(hooks):
        groups = hooks[event] if isinstance(hooks[event], list) else []
        kept = []
        for group in groups:
            if not isinstance(group, dict):
                kept.append(group)
                continue
            handlers = [h for h in group.get("hooks", []) if not _is_ours(h)]
            if handlers or not group.get("hooks"):
                kept.append({**group, "hooks": handlers})
        if kept or not groups:  # an event the user left empty stays; one emptied of ours goes
            hooks[event] = kept
        else:
            del hooks[event]
    for event, entries in platform.get("hooks", {}).items():
        for entry in entries:
            handler = {
                "type": "command",
                "command": platform["hook_command"].format(event=entry["event"]),
                "timeout": platform.get("hook_timeout", 10),
            }
            ours: dict[str, Any] = {"hooks": [handler]}
            if entry.get("matcher"):
                ours = {"matcher": entry["matcher"], **ours}
            hooks.setdefault(event, []).append(ours)
    merged["hooks"] = hooks
    return merged


# --- the documented shape of a hook settings file, checked before anything is written -------------


def shape_problem(data: Any) -> str | None:
    """The first place where `data` differs from the documented hook settings shape, or None.

    A settings file that is valid JSON but not this shape is the user's to fix:
    guessing (a string as a list of characters, an object as an empty list)
    loses their hooks, so install refuses and names the key.
    """
    if not isinstance(data, dict):
        return "<top level>: expected an object"
    if "hooks" not in data:
        return None
    hooks = data["hooks"]
    if not isinstance(hooks, dict):
        return "hooks: expected an object mapping event names to lists of hook groups"
    for event, groups in hooks.items():
        where = f"hooks.{event}"
        if not isinstance(groups, list):
            return f"{where}: expected a list of hook groups"
        for g, group in enumerate(groups):
            at = f"{where}[{g}]"
            if not isinstance(group, dict):
                return f"{at}: expected a hook group (an object with a \"hooks\" list)"
            if "matcher" in group and not isinstance(group["matcher"], str):
                return f"{at}.matcher: expected a string"
            if "hooks" not in group:
                return f"{at}.hooks: missing; expected a list of hook handlers"
            if not isinstance(group["hooks"], list):
                return f"{at}.hooks: expected a list of hook handlers"
            for h, handler in enumerate(group["hooks"]):
                if not isinstance(handler, dict):
                    return f"{at}.hooks[{h}]: expected a hook handler (an object with \"type\" and \"command\")"
                if "command" in handler and not isinstance(handler["command"], str):
                    return f"{at}.hooks[{h}].command: expected a string"
    return None


# --- a minimal-diff splice: only our entries change, every other byte stays where it was ----------


class _Node:
    """A JSON value with its span in the original text; objects keep (key, key_start, value) members."""

    __slots__ = ("end", "items", "kind", "members", "start", "value")

    def __init__(self, kind: str, start: int) -> None:
        self.kind = kind
        self.start = start
        self.end = start
        self.items: list[_Node] = []
        self.members: list[tuple[str, int, _Node]] = []
        self.value: Any = None


_WS = " \t\r\n"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def parse_node(text: str, i: int) -> _Node:
    """Spans for text that json.loads has already accepted."""
    i = _skip(text, i)
    char = text[i]
    node = _Node("object" if char == "{" else "array" if char == "[" else "scalar", i)
    if char == "{":
        i = _skip(text, i + 1)
        while text[i] != "}":
            key_start = i
            key_end = _string_end(text, i)
            key = json.loads(text[i:key_end])
            i = _skip(text, key_end)
            value = parse_node(text, i + 1)  # past the colon
            node.members.append((key, key_start, value))
            i = _skip(text, value.end)
            if text[i] == ",":
                i = _skip(text, i + 1)
        node.end = i + 1
    elif char == "[":
        i = _skip(text, i + 1)
        while text[i] != "]":
            item = parse_node(text, i)
            node.items.append(item)
            i = _skip(text, item.end)
            if text[i] == ",":
                i = _skip(text, i + 1)
        node.end = i + 1
    else:
        end = _string_end(text, i) if char == '"' else i
        if char != '"':
            while end < len(text) and text[end] not in _WS + ",]}":
                end += 1
        node.end = end
    node.value = json.loads(text[node.start:node.end]) if node.kind == "scalar" else None
    return node


def _string_end(text: str, i: int) -> int:
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _line_indent(text: str, pos: int) -> str:
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_unit(text: str) -> str:
    """The file's indentation step (the first indented line's), two spaces if it has none."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            return line[: len(line) - len(stripped)]
    return "  "


def value_spans(node: _Node) -> list[tuple[int, int]]:
    if node.kind == "object":
        return [(key_start, value.end) for _, key_start, value in node.members]
    return [(item.start, item.end) for item in node.items]


def rebuild(text: str, node: _Node, parts: list[str | None], new: list[tuple[str, Any]], unit: str) -> str:
    """The container `node` with element i replaced by parts[i] (None: dropped) and `new` appended.

    Kept elements keep their bytes and the separator that followed them; new
    elements copy the container's own layout (one per line, or all on one line).
    """
    spans = value_spans(node)
    open_, close = text[node.start], text[node.end - 1]
    outer = _line_indent(text, node.start)
    if spans:
        lead = text[node.start + 1:spans[0][0]]
        trail = text[spans[-1][1]:node.end - 1]
        seps = [text[spans[i][1]:spans[i + 1][0]] for i in range(len(spans) - 1)]
        multiline = "\n" in lead
        default_sep = seps[0] if seps else ("," + lead if multiline else ", ")
        indent = _line_indent(text, spans[0][0]) if multiline else ""
    else:
        multiline = "\n" in text.strip()
        indent = outer + unit
        lead, trail, seps = ("\n" + indent, "\n" + outer, []) if multiline else ("", "", [])
        default_sep = ",\n" + indent if multiline else ", "
    pieces: list[tuple[int, str]] = [(i, part) for i, part in enumerate(parts) if part is not None]
    for prefix, value in new:
        dumped = json.dumps(value, indent=unit).replace("\n", "\n" + indent) if multiline else json.dumps(value)
        pieces.append((len(spans) + len(pieces), prefix + dumped))
    if not pieces:
        return open_ + close
    out = lead
    for j, (i, piece) in enumerate(pieces):
        out += piece
        if j < len(pieces) - 1:
            out += seps[i] if i < len(seps) else default_sep
    return open_ + out + trail + close


def open_member(text: str, key: str, value: Any) -> tuple[str, Any, str | None]:
    """The file's indent unit and the node of the top-level member `key`, for a splice that edits
    inside it; when the file has no such member yet, the whole new text with `value` added under
    `key` instead (every other byte kept). Shared by the hooks formats and Pi's settings."""
    unit = indent_unit(text)
    root = parse_node(text, 0)
    node = next((member for name, _, member in root.members if name == key), None)
    if node is not None:
        return unit, node, None
    parts: list[str | None] = [text[a:b] for a, b in value_spans(root)]
    added = rebuild(text, root, parts, [(json.dumps(key) + ": ", value)], unit)
    return unit, None, text[:root.start] + added + text[root.end:]


def open_hooks(text: str, wanted: Any) -> tuple[str, Any, str | None]:
    """`open_member` for the `hooks` object both hooks formats keep their entries in."""
    return open_member(text, "hooks", wanted)


def splice_events(text: str, wanted: dict[str, list[Any]], part_of: Callable[[Any, str], str | None]) -> str:
    """The splice both hooks formats share: `text` with each event's list rebuilt from `part_of(item,
    unit)` (the item's new text, None to cut it) plus the `wanted` entries of ours appended, and the
    events we need but the file lacks added. A list left as it was keeps its bytes; one that held
    only ours and gets nothing new goes, key and all; one the user left empty stays."""
    unit, hooks_node, whole = open_hooks(text, wanted)
    if whole is not None:
        return whole
    event_parts: list[str | None] = []
    for event, key_start, items in hooks_node.members:
        untouched = [text[item.start:item.end] for item in items.items]
        parts = [part_of(item, unit) for item in items.items]
        added = [("", entry) for entry in wanted.get(event, [])]
        if not added and parts == untouched:
            event_parts.append(text[key_start:items.end])
        elif not added and all(part is None for part in parts):
            event_parts.append(None)
        else:
            event_parts.append(text[key_start:items.start] + rebuild(text, items, parts, added, unit))
    existing = {key for key, _, _ in hooks_node.members}
    new_events = [(json.dumps(event) + ": ", entries) for event, entries in wanted.items() if event not in existing]
    return text[:hooks_node.start] + rebuild(text, hooks_node, event_parts, new_events, unit) + text[hooks_node.end:]


def read_settings(path: Path, name: str, problem_of: Callable[[Any], str | None]) -> str:
    """A hooks file's text ('' when absent or blank), or WireError for one we must not touch: not
    UTF-8, not JSON (with line and column), or not the shape `problem_of` expects."""
    fix = "Fix the file, then run 'python3 .orchestrator/runtime install'."
    if not path.exists():
        return ""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise WireError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}); left untouched. "
                        "Save it as UTF-8, then run 'python3 .orchestrator/runtime install'.") from exc
    if text.strip():
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WireError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                            f"left untouched. {fix}") from exc
        problem = problem_of(data)
        if problem:
            raise WireError(f"{name}: {problem}; left untouched. {fix}")
    return text


def _wanted(platform: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    wanted: dict[str, list[dict[str, Any]]] = {}
    for event, entries in platform.get("hooks", {}).items():
        for entry in entries:
            handler = {"type": "command", "command": platform["hook_command"].format(event=entry["event"]),
                       "timeout": platform.get("hook_timeout", 10)}
            group: dict[str, Any] = {"hooks": [handler]}
            if entry.get("matcher"):
                group = {"matcher": entry["matcher"], **group}
            wanted.setdefault(event, []).append(group)
    return wanted


def _ours_now(data: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for event, groups in data.get("hooks", {}).items():
        for group in groups:
            if any(_is_ours(h) for h in group["hooks"]):
                found.setdefault(event, []).append(group)
    return found


def splice_hooks(text: str, platform: dict[str, Any]) -> str:
    """`text` with our hook groups replaced by the ones `platform` declares; nothing else moves.

    Our entries are recognised by their command (it runs `.orchestrator/runtime
    hook`). When they are already as wanted the text comes back unchanged, so
    install twice changes nothing. Otherwise our groups (or our handlers in a
    group the user shares) are cut out with one separator each, and the wanted
    groups appended in the file's own layout. Every other byte stays. The
    caller has checked the shape with `shape_problem`.
    """
    wanted = _wanted(platform)
    if not text.strip():
        return json.dumps({"hooks": wanted}, indent=2) + "\n"
    data = json.loads(text)
    if _ours_now(data) == wanted:
        return text

    def group_part(group: Any, unit: str) -> str | None:
        """A group with none of ours as it is, one of only ours cut, a shared one without ours."""
        handlers_node = next(value for key, _, value in group.members if key == "hooks")
        mine = [i for i, item in enumerate(handlers_node.items) if _is_ours(json.loads(text[item.start:item.end]))]
        if not mine:
            return text[group.start:group.end]
        if len(mine) == len(handlers_node.items):
            return None
        kept = [None if i in mine else text[item.start:item.end] for i, item in enumerate(handlers_node.items)]
        return (text[group.start:handlers_node.start] + rebuild(text, handlers_node, kept, [], unit)
                + text[handlers_node.end:group.end])

    return splice_events(text, wanted, group_part)


def write_settings(root: Path, platform: dict[str, Any], dry_run: bool) -> str:
    """Splice our hooks into `platform['settings_file']`; refuse (WireError) a file we cannot read safely."""
    name = platform["settings_file"]
    path = root / name
    text = read_settings(path, name, shape_problem)
    merged = splice_hooks(text, platform)
    if merged == text:
        return f"{name}: hooks already up to date"
    if not dry_run:
        write_atomic(path, merged)
    if not platform.get("hooks"):
        return f"{name}: {'would remove' if dry_run else 'removed'} our hooks"
    return f"{name}: {'would wire' if dry_run else 'wired'} hooks ({', '.join(platform['hooks'])})"


def remove_hooks(text: str) -> str:
    """`text` with our hook groups taken out and nothing else moved."""
    return splice_hooks(text, {"hooks": {}, "hook_command": "unused {event}"})
