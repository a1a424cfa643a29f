# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Flat JSON hooks: one list of command entries per event, in a file of the agent's own.

`{"version": 1, "hooks": {"<event>": [{"command": "...", "matcher": "...",
"timeout": N, "failClosed": true}]}}` is Cursor's format. Unlike the nested
format (`jsonhooks.py`) an entry is the command itself, with no group around it,
so the splice works one level higher: our entries are the ones whose command
runs `.orchestrator/runtime hook`, every other entry and every other byte of the
file stays where the user put it. A platform module subclasses `FlatJsonHooks`
and writes its own payload reading and answers; the wiring is here, once.

The hook path imports this module (the platform class derives from it) but never
runs the splice: that code borrows the span parser from `jsonsplice.py` and
imports it only when `install` or `doctor` calls it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core import quickjson
from . import ENTRY, MARKER, Platform

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

# Events whose entries may block the agent: `failClosed` belongs on these only (a banner that
# cannot be printed must never stop a session from starting).
_BLOCKING = ("pre-tool-use",)


def is_ours(entry: Any) -> bool:
    """Whether a hook entry runs our runtime's hook command."""
    command = str(entry.get("command", "")) if isinstance(entry, dict) else ""
    return MARKER in command and " hook " in command


def wanted_entries(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Our entries per event, as the platform's data declares them.

    `data["enforcement"]` (the Session Config's level, which install passes in)
    decides `failClosed`: a level listed in `fail_closed_when` makes a crashed
    or timed-out hook block the call instead of letting it through.
    """
    fail_closed = str(data.get("enforcement", "")) in (data.get("fail_closed_when") or [])
    wanted: dict[str, list[dict[str, Any]]] = {}
    for event, entries in (data.get("hooks") or {}).items():
        for entry in entries:
            item: dict[str, Any] = {"command": data["hook_command"].format(event=entry["event"])}
            if entry.get("matcher"):
                item["matcher"] = entry["matcher"]
            item["timeout"] = data.get("hook_timeout", 10)
            if fail_closed and entry["event"] in _BLOCKING:
                item["failClosed"] = True
            wanted.setdefault(event, []).append(item)
    return wanted


def shape_problem(data: Any, version: int) -> str | None:
    """The first place where `data` differs from the flat hooks shape, or None.

    A file that parses but has another shape is the user's to fix; guessing would
    lose their entries, so wiring refuses and names the key.
    """
    if not isinstance(data, dict):
        return "<top level>: expected an object"
    if "version" in data and data["version"] != version:
        return f"version: expected {version}, found {quickjson.dumps(data['version'])}"
    if "hooks" not in data:
        return None
    hooks = data["hooks"]
    if not isinstance(hooks, dict):
        return "hooks: expected an object mapping event names to lists of hook entries"
    for event, entries in hooks.items():
        if not isinstance(entries, list):
            return f"hooks.{event}: expected a list of hook entries"
        for i, entry in enumerate(entries):
            at = f"hooks.{event}[{i}]"
            if not isinstance(entry, dict):
                return f"{at}: expected a hook entry (an object with a \"command\")"
            if "command" in entry and not isinstance(entry["command"], str):
                return f"{at}.command: expected a string"
            if "matcher" in entry and not isinstance(entry["matcher"], str):
                return f"{at}.matcher: expected a string"
    return None


def _ours_now(data: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for event, entries in (data.get("hooks") or {}).items():
        for entry in entries:
            if is_ours(entry):
                found.setdefault(event, []).append(entry)
    return found


def splice_hooks(text: str, wanted: dict[str, list[dict[str, Any]]], version: int) -> str:
    """`text` with our entries replaced by `wanted`; every other byte stays where it was.

    Already as wanted: the text comes back unchanged (install twice changes
    nothing). Otherwise our entries are cut out with one separator each and the
    wanted ones appended in the file's own layout; an event left empty only
    because ours went is dropped, one the user left empty stays. A new file gets
    `version`; a user's file without one is left so (the note says to add it).
    The caller has checked the shape with `shape_problem`.
    """
    if not text.strip():
        return quickjson.dumps({"version": version, "hooks": wanted}, indent=2) + "\n" if wanted else text
    data = quickjson.loads(text)
    if _ours_now(data) == wanted:
        return text
    from .jsonsplice import splice_events

    def entry_part(item: Any, unit: str) -> str | None:
        piece = text[item.start:item.end]
        return None if is_ours(quickjson.loads(piece)) else piece

    return splice_events(text, wanted, entry_part)


class FlatJsonHooks(Platform):
    """Wiring, once, for agents whose hooks file lists command entries per event.

    Subclasses read their payloads and write their answers; `version` is the
    hooks file's format version the agent requires.
    """

    version = 1

    def settings_file(self, data: dict[str, Any]) -> str:
        return str(data.get("settings_file") or self.settings_files[0])

    def _write(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        name = self.settings_file(data)
        path = root / name
        from .jsonsplice import read_settings

        text = read_settings(path, name, lambda data: shape_problem(data, self.version))
        wanted = wanted_entries(data)
        merged = splice_hooks(text, wanted, self.version)
        if merged == text:
            return f"{name}: hooks already up to date" if wanted else f"{name}: none of our hooks to remove"
        if not wanted and merged == quickjson.dumps({"version": self.version, "hooks": {}}, indent=2) + "\n":
            # Exactly the file we create, emptied: it was ours alone, so it goes with our entries.
            if not dry_run:
                path.unlink()
            return f"{name}: {'would remove' if dry_run else 'removed'} (it held only our hooks)"
        if not dry_run:
            from ..core.fsutil import write_atomic

            write_atomic(path, merged)
        if not wanted:
            return f"{name}: {'would remove' if dry_run else 'removed'} our hooks"
        note = f"{name}: {'would wire' if dry_run else 'wired'} hooks ({', '.join(wanted)})"
        if text.strip() and "version" not in quickjson.loads(text):
            note += f"; the file has no \"version\": add \"version\": {self.version}, or the agent may ignore it"
        return note

    def wire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        return self._write(root, data, dry_run)

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        return self._write(root, {**data, "hooks": {}}, dry_run)

    def missing_hooks(self, root: Path, data: dict[str, Any]) -> list[str] | None:
        try:
            wired = quickjson.loads((root / self.settings_file(data)).read_text(encoding="utf-8")).get("hooks", {})
            return [event for event in data.get("hooks", {})
                    if not any(is_ours(entry) for entry in wired.get(event, []))]
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return None

    def wired_for(self, root: Path, event: str) -> bool:
        """Whether our hooks file runs the canonical `event` for this platform (a cheap text check:
        it runs on the hook path of an agent this one hosts)."""
        try:
            with open(os.path.join(root, self.settings_files[0]), encoding="utf-8", errors="replace") as handle:
                text = handle.read().replace('\\"', '"')
        except OSError:
            return False
        return any(f"{runs}{quote} hook {self.name} {event}" in text
                   for runs in (ENTRY, MARKER) for quote in ('"', "'", ""))
