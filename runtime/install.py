# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`install`: wire the rendered files into the agents, without touching user content.

Copier renders `.orchestrator/install.json` (platform data and the answers) and
runs this command as its one task, after `copy` and after every `update`. It is
idempotent and merges instead of overwriting, because these files are shared
with the user:

- hook settings (`.claude/settings.json` and friends): our handlers are the ones
  whose command runs `.orchestrator/runtime hook`; they are replaced, every other
  key and handler is kept byte-for-byte in meaning;
- the instruction file (CLAUDE.md / AGENTS.md): a `## Session Config` section
  is appended only when none exists. An existing section is never rewritten;
  if it disagrees with the answers, we say so and leave it.

A settings file we cannot parse is left untouched and reported with its line
and column, and install exits 1, so copier shows the problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .config import CONFIG_FILES, ConfigError, _find_heading, parse_text, render_section
from .fsutil import write_atomic
from .paths import orch_dir, project_root

MARKER = ".orchestrator/runtime"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--manifest", help="install manifest (default: .orchestrator/install.json)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")


def _is_ours(handler: Any) -> bool:
    return isinstance(handler, dict) and MARKER in str(handler.get("command", "")) and " hook " in str(
        handler.get("command", "")
    )


def merge_json_hooks(existing: dict[str, Any], platform: dict[str, Any]) -> dict[str, Any]:
    """Return `existing` with our hook handlers replaced by the ones `platform` declares."""
    merged = json.loads(json.dumps(existing))  # deep copy, JSON types only
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
        if kept:
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
            group: dict[str, Any] = {"hooks": [handler]}
            if entry.get("matcher"):
                group = {"matcher": entry["matcher"], **group}
            hooks.setdefault(event, []).append(group)
    merged["hooks"] = hooks
    return merged


def install_settings(root: Path, platform: dict[str, Any], dry_run: bool) -> str:
    path = root / platform["settings_file"]
    existing: dict[str, Any] = {}
    if path.exists():
        text = path.read_text(encoding="utf-8")
        try:
            existing = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise InstallError(
                f"{platform['settings_file']}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                "left untouched. Fix the file, then run 'python3 .orchestrator/runtime install'."
            ) from exc
        if not isinstance(existing, dict):
            raise InstallError(f"{platform['settings_file']}: expected a JSON object at the top; left untouched.")
    merged = merge_json_hooks(existing, platform)
    if merged == existing:
        return f"{platform['settings_file']}: hooks already up to date"
    if not dry_run:
        write_atomic(path, json.dumps(merged, indent=2) + "\n")
    return f"{platform['settings_file']}: {'would wire' if dry_run else 'wired'} hooks ({', '.join(platform['hooks'])})"


def seed_instructions(root: Path, name: str, intro: str, values: dict[str, Any], dry_run: bool) -> str:
    path = root / name
    section = render_section(values)
    block = (intro.rstrip() + "\n\n" if intro.strip() else "") + section
    if not path.exists():
        if not dry_run:
            write_atomic(path, block)
        return f"{name}: created with a Session Config"
    try:  # newline="" keeps CRLF files byte-for-byte
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise InstallError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}); left untouched. "
                           "Save it as UTF-8, then run 'python3 .orchestrator/runtime install'.") from exc
    if _find_heading(text.splitlines()) is None:
        if not dry_run:
            nl = "\r\n" if "\r\n" in text else "\n"
            separator = "" if not text or text.endswith(nl * 2) else (nl if text.endswith(nl) else nl * 2)
            write_atomic(path, text + separator + block.replace("\n", nl))
        return f"{name}: appended a Session Config section (your lines are unchanged)"
    try:
        current = parse_text(text, name)
    except ConfigError as exc:
        return f"{name}: has a Session Config with problems, left as is:\n" + "\n".join(f"  {p}" for p in exc.problems)
    wanted = parse_text(section, name).values
    differing = [k for k in values if current.values.get(k) != wanted.get(k)]
    if differing:
        return (f"{name}: keeps its own Session Config; it differs from your answers in "
                f"{', '.join(differing)} (edit {name} if you want the new values)")
    return f"{name}: Session Config present"


class InstallError(Exception):
    pass


def _section_elsewhere(root: Path, config_file: str) -> str | None:
    """The other instruction file (CLAUDE.md / AGENTS.md) if it already holds a Session Config."""
    for name in CONFIG_FILES:
        path = root / name
        if name == config_file or not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        if _find_heading(lines) is not None:
            return name
    return None


def precompile(root: Path) -> None:
    """Byte-compile the vendored runtime once, so hooks stay fast even where
    PYTHONDONTWRITEBYTECODE stops Python from caching on first use."""
    import compileall

    compileall.compile_dir(str(orch_dir(root) / "runtime"), quiet=2)


def install(root: Path, manifest: dict[str, Any], dry_run: bool = False) -> list[str]:
    notes = []
    if not dry_run:
        precompile(root)
    platforms = manifest.get("platforms", {})
    for data in platforms.values():
        if data.get("hooks_format") == "json-hooks":
            notes.append(install_settings(root, data, dry_run))
    config_file = manifest.get("config_file")
    elsewhere = _section_elsewhere(root, config_file) if config_file else None
    if elsewhere:  # a second section would shadow the one the user already has
        notes.append(f"{elsewhere}: Session Config present; {config_file} left as is")
    elif config_file:
        notes.append(seed_instructions(root, config_file, manifest.get("intro", ""), manifest["session_config"],
                                       dry_run))
    return notes


def run(args: Any) -> int:
    root = project_root()
    path = Path(args.manifest) if args.manifest else orch_dir(root) / "install.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}. Re-render the template with copier.", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"error: {path}:{exc.lineno}:{exc.colno}: {exc.msg}", file=sys.stderr)
        return 1
    try:
        for note in install(root, manifest, args.dry_run):
            print(note)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
