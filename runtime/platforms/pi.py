# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Pi: a TypeScript extension instead of a hooks file.

Pi runs no hook commands; it loads every `.pi/extensions/*.ts` at start and
lets an extension's `tool_call` handler block a call. Our extension is a copy of
`pi_extension.ts` next to this module: it forwards Pi's event to
`hook pi <event>` and applies the answer, so every decision stays here. The
payload is Pi's own event: `toolName`, `toolCallId` and `input` (the tool's
arguments: `bash` has `command`, `edit` and `write` have `path`), plus the
`session_id` and `cwd` the extension adds. The answer is one JSON object:
`{"block": true, "reason": ...}` to deny, `{"warning": ...}` for a note the
extension puts in front of the tool's result, `{"banner": ...}` at session start;
nothing at all to allow.

The extension file is the wiring. One shared file is touched: Pi lists
`.agents/skills` as skills, so when another selected agent renders its commands
there (Codex CLI), `.pi/settings.json` gets force-exclude entries per command
(`"-../.agents/skills/session"` and `"-skills/session"`, one form for each way
Pi has resolved them) and Pi lists each command once, as its own
prompt; only that `skills` list changes, and our entries leave it again with
that agent. `wire`
puts it in place when it is missing or edited (its first line says edits are
replaced), `unwire` takes it out only while it is unmodified, and
`missing_hooks` reports every event unwired when the file is absent or differs
from the vendored copy: an edited guard is not the guard this runtime vouches for.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core import quickjson
from ..core.decision import DENY, WARN
from ..core.toolcall import READ, SHELL, WRITE, ToolCall, classify
from . import Platform, WireError, headless_result, json_lines

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, ClassVar

SOURCE = Path(__file__).with_name("pi_extension.ts")
HEADER = "// session-orchestrator: the guard and the session banner for Pi."


class Pi(Platform):
    name = "pi"
    project_env = ()  # the extension runs the vendored runtime, which knows its own project
    # The extension, and the directory Pi loads extensions from: a file the agent adds there runs
    # inside Pi at the next start, before or after ours; `.pi/settings.json` can point Pi at others.
    settings_files = (".pi/extensions/session-orchestrator.ts", ".pi/extensions/", ".pi/settings.json")
    user_settings_files = ("${PI_CODING_AGENT_DIR:-~/.pi/agent}/settings.json",
                           "${PI_CODING_AGENT_DIR:-~/.pi/agent}/extensions/")
    instruction_files = ("AGENTS.md",)
    tool_kinds: ClassVar[dict[str, str]] = {
        "bash": SHELL,
        "edit": WRITE, "write": WRITE,
        "read": READ, "grep": READ, "find": READ, "ls": READ,
    }

    def tool_call(self, payload: dict[str, Any]) -> ToolCall:
        name = str(payload.get("toolName") or "")
        tool_input = payload.get("input")
        if not isinstance(tool_input, dict):
            tool_input = {}
        return classify(self.tool_kinds, name, tool_input, ("path",))

    def answer(self, event: str, decision: Any, text: str = "") -> int:
        out: dict[str, Any] = {}
        if event == "session-start":
            if text:
                out = {"banner": text.rstrip("\n")}
        elif event == "pre-tool-use" and decision.action == DENY:
            out = {"block": True, "reason": decision.reason}
        elif event == "pre-tool-use" and decision.action == WARN:
            out = {"warning": decision.reason}
        if out:
            sys.stdout.write(quickjson.dumps(out) + "\n")
            sys.stdout.flush()
        return 0

    def denies(self, stdout: str, returncode: int) -> bool:
        try:
            return returncode == 0 and quickjson.loads(stdout).get("block") is True
        except (ValueError, AttributeError):
            return False

    # --- the extension file is the wiring ---------------------------------------------------------
    def _state(self, root: Path, data: dict[str, Any]) -> tuple[Path, str]:
        """The extension's path and whether it is 'absent', 'ours' (identical) or 'changed'."""
        path = root / data["settings_file"]
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            return path, "absent"
        return path, "ours" if text.replace(b"\r\n", b"\n") == SOURCE.read_bytes() else "changed"

    def wire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        """Write the extension when it is missing or an edited copy of ours (its first line says
        edits are replaced); a different file under our name is the user's, and is refused."""
        rel = data["settings_file"]
        try:
            path, state = self._state(root, data)
            first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0] if state == "changed" else ""
        except OSError as exc:
            raise WireError(f"{rel}: cannot be read ({exc.strerror}); "
                            "fix its permissions and run install again") from None
        note = self._sync_settings(root, data, self._hidden(data), dry_run)
        extra = f"; {note}" if note else ""
        if state == "ours":
            return f"{rel}: extension in place (Pi loads it at start){extra}"
        if state == "changed" and first.strip() != HEADER:
            raise WireError(f"{rel}:1: not the session-orchestrator extension; rename your file (any other "
                            f"name in {Path(rel).parent.as_posix()}/ works) and run install again")
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(SOURCE.read_bytes())
        return f"{rel}: extension {'restored' if state == 'changed' else 'written'} (Pi loads it at start){extra}"

    # --- .pi/settings.json: hide other agents' command skills ----------------------------------------
    SETTINGS = ".pi/settings.json"

    def trust_checks(self, root: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
        import os

        from .pitrust import trust_checks

        return trust_checks(root, data, os.environ)

    AGENTS_BASE = ".agents/"

    @classmethod
    def _hidden(cls, data: dict[str, Any]) -> list[str]:
        """Force-excludes for the command skills of other selected agents in folders Pi also reads
        (data's `hides_skills_of`).

        Pi matches an entry against a skill's path relative to a base folder, and that base
        moved: Pi 0.7x took every project skill relative to `.pi/` (`-../.agents/skills/go`),
        later releases (measured on 1.6.0) take a skill of `.agents/skills` relative to
        `.agents/` (`-skills/go`). Each release ignores the other's form, so both are written.
        The short form would also hide a `.pi/skills/<command>` skill; we render none there.
        """
        others = data.get("others") or {}
        folders = [str(others[name].get("commands_dir") or "") for name in data.get("hides_skills_of") or []
                   if name in others]
        out = []
        for folder in folders:
            for command in data.get("commands") or [] if folder else []:
                out.append(f"-../{folder}/{command}")
                if folder.startswith(cls.AGENTS_BASE):
                    out.append(f"-{folder[len(cls.AGENTS_BASE):]}/{command}")
        return out

    @classmethod
    def _ours(cls, entry: object, commands: list[str]) -> bool:
        return (isinstance(entry, str) and entry.startswith("-")
                and any(entry.endswith("/" + command) for command in commands)
                and (entry.startswith("-../") or entry.count("/") == 1))

    def _sync_or_leave(self, root: Path, data: dict[str, Any], dry_run: bool) -> str | None:
        """Take our entries out of the settings' `skills` list; a settings file we cannot read is the user's
        to fix, so it is left as it is (a try, not contextlib.suppress: contextlib would cost the hook, which
        imports this module, a millisecond)."""
        try:
            return self._sync_settings(root, data, [], dry_run)
        except WireError:
            return None

    def _sync_settings(self, root: Path, data: dict[str, Any], wanted: list[str], dry_run: bool) -> str | None:
        """Make our entries in the settings' `skills` list exactly `wanted`, keeping every other byte."""
        import json  # here, not at the top: installing, never the hook path

        rel, path = self.SETTINGS, root / self.SETTINGS
        commands = list(data.get("commands") or [])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = None
        except (OSError, UnicodeDecodeError) as exc:
            raise WireError(f"{rel}: cannot be read ({exc}); fix it and run install again") from None
        if text is None or not text.strip():
            if not wanted:
                return None
            new = json.dumps({"skills": wanted}, indent=2) + "\n"
        else:
            try:
                settings = json.loads(text)
            except ValueError as exc:
                where = f":{exc.lineno}:{exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
                raise WireError(f"{rel}{where}: not valid JSON ({getattr(exc, 'msg', exc)}); fix it and run "
                                "install again") from None
            skills = settings.get("skills", []) if isinstance(settings, dict) else None
            if not isinstance(skills, list):
                what = "skills: expected a list" if isinstance(settings, dict) else "expected a JSON object"
                raise WireError(f"{rel}: {what}; fix it and run install again")
            kept = [entry for entry in skills if not self._ours(entry, commands)]
            if kept + wanted == skills:
                return None
            if not kept and not wanted and list(settings) == ["skills"]:
                if not dry_run:
                    path.unlink()
                return f"{rel}: removed (it held only our entries)"
            from .jsonsplice import open_member

            _, node, whole = open_member(text, "skills", kept + wanted)
            new = whole if whole is not None else text[:node.start] + json.dumps(kept + wanted) + text[node.end:]
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
        return (f"{rel}: {len(wanted)} command skills of other agents hidden from Pi's skill list" if wanted
                else f"{rel}: our skill entries taken out")

    def retire(self, root: Path, commands: list[str], dry_run: bool) -> list[str]:
        note = self._sync_or_leave(root, {"commands": commands}, dry_run)
        return [note] if note else []

    def unwire(self, root: Path, data: dict[str, Any], dry_run: bool) -> str:
        rel = data["settings_file"]
        self._sync_or_leave(root, data, dry_run)
        path, state = self._state(root, data)
        if state == "absent":
            return f"{rel}: not present"
        if state == "changed":
            return f"{rel}: changed by hand, so it is left in place; delete it yourself if it should go"
        if not dry_run:
            path.unlink()
        return f"{rel}: extension removed"

    def missing_hooks(self, root: Path, data: dict[str, Any]) -> list[str] | None:
        try:
            _, state = self._state(root, data)
        except (OSError, KeyError):
            return None
        return [] if state == "ours" else list(data.get("hooks", {}))

    def probe(self, command: str) -> dict[str, Any]:
        return {"event": "tool_call", "session_id": "doctor-probe", "toolName": "bash",
                "toolCallId": "doctor-probe", "input": {"command": command}}

    # --- running unattended: `pi -p --mode json PROMPT` prints JSON-lines events ----------------------
    headless_executable = "pi"
    headless_args = ("-p", "--mode", "json")
    headless_reports = ("tokens", "cost")

    def read_headless(self, stdout: str) -> dict[str, Any]:
        """Summed over the assistant's `message_end` events: the last text, `usage.input` (plus cache
        reads and writes), `usage.output` and `usage.cost.total` (Pi prices by its model table)."""
        messages = [event["message"] for event in json_lines(stdout) if event.get("type") == "message_end"
                    and isinstance(event.get("message"), dict) and event["message"].get("role") == "assistant"]
        usages = [m["usage"] for m in messages if isinstance(m.get("usage"), dict)]
        texts = [str(part.get("text") or "") for m in messages if isinstance(m.get("content"), list)
                 for part in m["content"] if isinstance(part, dict) and part.get("type") == "text"]

        def total(values: list[Any]) -> Any:
            numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            return sum(numbers) if numbers else None
        tokens_in = total([u.get(k) for u in usages for k in ("input", "cacheRead", "cacheWrite")])
        cost = total([u["cost"].get("total") for u in usages if isinstance(u.get("cost"), dict)])
        return headless_result(texts[-1] if texts else "", tokens_in, total([u.get("output") for u in usages]), cost)


PLATFORM = Pi()
