# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What controls enforcement, beyond the files `scope.protected_paths()` lists, kept out of the agent's hands.

- The Session Config's enforcement keys (`pinning.KEYS`) in the instruction files. An
  edit tool's result can be computed, so an edit that would leave a weaker value (or no
  readable Session Config) is denied and every other edit passes. A shell write to an
  instruction file (a redirect, `sed -i`, an interpreter, a move or delete) cannot be
  computed, so it is denied and the agent is sent to its edit tool.
- Hooks outside the repository: each agent's user-level settings (as each platform
  module names them, e.g. a settings file under the user's home) and git's user-level
  configuration, where `core.hooksPath` can be set.
- Git's hooks: `.git/hooks/`, `.git/config`, the directory `core.hooksPath` names, and
  the commands that skip or move them (`--no-verify`, `commit -n`, `-c core.hooksPath=`,
  `git config core.hooksPath ...`).
- `breaker ack`: the user's acknowledgement of a tripped circuit breaker, which an
  agent may not give itself.

All of it is denied at every enforcement level: lowering the level is one of the
things it protects. Because some writes are invisible to every guard (a script the
agent wrote earlier), the values in force are also fixed when the session starts
(hookpath/pinning.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.decision import DENY, Decision
from .context import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any, TypeGuard

RULE = "self-protection"
ASK = ("Carry on with the task; if enforcement really must change, say so in your report and ask the user to "
       "make the change themselves.")
# Git's configuration files outside the repository that can set core.hooksPath for it.
_GIT_USER_CONFIG = ("~/.gitconfig", "${XDG_CONFIG_HOME:-~/.config}/git/config")


def deny(what: str, how: str) -> Decision:
    return Decision(DENY, f"session-orchestrator: {what} controls how this session is guarded, and agents may not "
                          f"change it; the {how} was blocked at every enforcement level. {ASK}", RULE)


def expand(path: str) -> str:
    """`${VAR:-default}` and `~` as a shell would expand them (the platforms write their user-level paths so)."""
    while "${" in path:
        start = path.index("${")
        end = path.find("}", start)
        if end < 0:
            break
        name, _, default = path[start + 2:end].partition(":-")
        path = path[:start] + (os.environ.get(name) or default) + path[end + 1:]
    return os.path.expanduser(path)


def outside_paths(root: Path) -> list[str]:
    """Absolute paths outside the repository that control its hooks: each platform's user-level
    settings, git's user configuration, and git's hooks directory when it lives elsewhere (a worktree)."""
    from ..platforms import user_settings_files

    out = [expand(p) for p in (*user_settings_files(), *_GIT_USER_CONFIG)]
    base = os.path.realpath(root)
    for rel in git_paths(root):
        full = os.path.realpath(os.path.join(base, rel))
        if not full.startswith(base + "/"):
            out.append(full)
    return [os.path.normpath(p) for p in out]


def git_paths(root: Path) -> list[str]:
    """Git's hooks directory and configuration, relative to `root` (`../` when the git
    directory lives elsewhere), plus the directory `core.hooksPath` names in it."""
    git = Path(root) / ".git"
    common = git
    if git.is_file():  # a worktree or submodule: `gitdir: <path>`, hooks live in the common directory
        try:
            text = git.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return [".git/hooks/", ".git/config"]
        gitdir = Path(root, text.split(":", 1)[1].strip()) if text.startswith("gitdir:") else git
        shared = gitdir / "commondir"
        common = Path(gitdir, shared.read_text(encoding="utf-8").strip()) if shared.is_file() else gitdir
    rel = os.path.relpath(common, root)
    out = [f"{rel}/hooks/", f"{rel}/config"]
    hooks_path = _hooks_path(common / "config")
    if hooks_path:
        full = os.path.normpath(os.path.join(str(root), expand(hooks_path)))
        out.append(os.path.relpath(full, root).rstrip("/") + "/")
    return out


def _hooks_path(config: Path) -> str:
    """`core.hooksPath` from one git config file, read as text (spawning git on a write check costs more)."""
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    section = ""
    value = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line[1:line.find("]")].strip().lower() if "]" in line else ""
            continue
        name, eq, val = line.partition("=")
        if section == "core" and eq and name.strip().lower() == "hookspath":
            value = val.strip().strip('"')
    return value


def instruction_files(root: Path) -> list[str]:
    """The files the Session Config can live in, relative to `root` (or absolute, from $SO_CONFIG_FILE)."""
    from ..core.config import CONFIG_FILES

    out = list(CONFIG_FILES)
    explicit = os.environ.get("SO_CONFIG_FILE")
    if explicit:
        out.append(os.path.relpath(os.path.join(str(root), explicit), root))
    return out


def instruction_file(rel: str | None, root: Path) -> TypeGuard[str]:
    return rel is not None and rel in instruction_files(root)


# --- edit tools on an instruction file --------------------------------------------------------------------


def result_text(tool_input: dict[str, Any], current: str, delete: bool = False) -> str | None:
    """What the file will hold after an edit tool runs, from the tool's input (None: cannot tell).

    Covers the shapes the agents' edit tools use: a whole new text, one replacement, or a
    list of replacements applied in order."""
    if delete:
        return ""
    for key in ("content", "contents", "file_text"):
        whole = tool_input.get(key)
        if isinstance(whole, str):
            return whole
    for key in ("command", "input", "patch"):
        value = tool_input.get(key)
        if isinstance(value, str) and "*** Begin Patch" in value:
            return None  # a patch: the caller applies it with patch_result, which knows the file's name
    edits = tool_input.get("edits")
    if not isinstance(edits, list):
        edits = [tool_input]
    text = current
    for edit in edits:
        if not isinstance(edit, dict):
            return None
        old = edit.get("old_string", edit.get("oldText", edit.get("old_str")))
        new = edit.get("new_string", edit.get("newText", edit.get("new_str")))
        if not isinstance(old, str) or not isinstance(new, str):
            return None
        if old not in text:
            return text  # the tool itself refuses an edit whose text is not there
        text = text.replace(old, new) if edit.get("replace_all") else text.replace(old, new, 1)
    return text


def patch_result(text: str, rel: str, current: str) -> str | None:
    """What `rel` holds after an apply_patch text (`*** Begin Patch` ... `*** End Patch`), or None when
    that cannot be told exactly (a move, a hunk whose lines are not in the file)."""
    start = text.find("*** Begin Patch")
    end = text.find("*** End Patch", start)
    if start < 0:
        return None
    lines = text[start:end if end >= 0 else len(text)].splitlines()[1:]
    sections: list[tuple[str, str, list[str]]] = []
    for line in lines:
        for kind in ("Add", "Update", "Delete"):
            head = f"*** {kind} File: "
            if line.startswith(head):
                sections.append((kind, line[len(head):].strip(), []))
                break
        else:
            if sections:
                sections[-1][2].append(line)
    result: str | None = current
    for kind, name, body in sections:
        if os.path.normpath(name) != os.path.normpath(rel) and not name.endswith("/" + rel):
            continue
        if kind == "Delete":
            result = ""
        elif kind == "Add":
            result = "".join(line[1:] + "\n" for line in body if line.startswith("+"))
        else:
            if any(line.startswith("*** Move to:") for line in body) or result is None:
                return None
            result = _apply_hunks(result, body)
    return result


def _apply_hunks(text: str, body: list[str]) -> str | None:
    lines = text.split("\n")
    hunks: list[tuple[list[str], list[str]]] = []
    old: list[str] = []
    new: list[str] = []
    for line in [*body, "@@"]:
        if line.startswith("@@") or line.startswith("*** End of File"):
            if old or new:
                hunks.append((old, new))
            old, new = [], []
        elif line.startswith("-"):
            old.append(line[1:])
        elif line.startswith("+"):
            new.append(line[1:])
        else:
            old.append(line[1:] if line.startswith(" ") else line)
            new.append(line[1:] if line.startswith(" ") else line)
    at = 0
    for old, new in hunks:
        found = next((k for k in range(at, len(lines) - len(old) + 1) if lines[k:k + len(old)] == old), None)
        if found is None:
            return None
        lines[found:found + len(old)] = new
        at = found + len(new)
    return "\n".join(lines)


def _values(root: Path, override: dict[str, str]) -> dict[str, Any]:
    """The enforcement keys' values the hooks would read if the instruction files held `override`."""
    from ..core.config import CONFIG_FILES, ConfigError, SessionConfig, defaults, find_heading, parse_text
    from .pinning import values_of

    texts: list[tuple[str, str]] = []
    real = {os.path.realpath(os.path.join(str(root), rel)): text for rel, text in override.items()}
    for name in instruction_files(root):
        target = os.path.realpath(os.path.join(str(root), name))  # one instruction file is often a link to another
        if target in real:
            texts.append((name, real[target]))
            continue
        try:
            texts.append((name, (Path(root) / name).read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    if os.environ.get("SO_CONFIG_FILE"):
        texts = texts[len(CONFIG_FILES):] or texts
    chosen = next((t for t in texts if find_heading(t[1].splitlines()) is not None), texts[0] if texts else None)
    try:
        config = parse_text(chosen[1], chosen[0]) if chosen else None
    except ConfigError:
        config = None
    return values_of(config if config is not None else SessionConfig(defaults(), None, {}, []))


def check_write(ctx: HookContext, call: Any) -> Decision:
    """An edit tool writing an instruction file: allowed unless its result weakens an enforcement key."""
    from .pathglob import resolve
    from .pinning import stricter

    root, cwd = ctx.root, str(ctx.cwd)
    for given in call.paths:
        rel = resolve(given, root, cwd)
        if not instruction_file(rel, root):
            continue
        try:
            current = (Path(root) / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            current = ""
        after = result_text(call.input or {}, current, delete=call.name in getattr(ctx.adapter, "delete_tools", ()))
        patch = next((v for v in [call.command, *(call.input or {}).values()]
                      if isinstance(v, str) and "*** Begin Patch" in v), None)
        if after is None and patch is not None:
            after = patch_result(patch, rel, current)
        if after is None:
            return deny(f"'{given}' holds the Session Config, and this edit's result cannot be computed to "
                        "check its enforcement keys, so it", "edit")
        weaker = stricter(_values(root, {rel: current}), _values(root, {rel: after}))[1]
        if weaker:
            return deny(f"this edit would weaken the Session Config in '{given}' ({'; '.join(weaker)}), which",
                        "edit")
    return Decision()


def shell_instruction_write(ctx: HookContext, rels: list[str]) -> Decision:
    """A shell write to an instruction file: its result cannot be known before it runs."""
    hit = next((rel for rel in rels if instruction_file(rel, ctx.root)), None)
    if hit is None:
        return Decision()
    return Decision(DENY, f"session-orchestrator: '{hit}' holds the Session Config, whose enforcement keys agents "
                          "may not change, and what a shell command writes there cannot be checked before it runs; "
                          "the shell write was blocked at every enforcement level. Use your edit tool for changes "
                          f"to this file (its result is checked and ordinary edits pass). {ASK}", RULE)


# --- outside paths (user-level settings, git's user configuration) ----------------------------------------


def outside_hit(paths: list[str], trees: set[str], root: Path, cwd: str) -> str | None:
    """The first of `paths` that is, or (for `trees`, a delete or replace) contains, a protected path
    outside the repository."""
    guarded = outside_paths(root)
    for path in paths:
        full = os.path.normpath(os.path.join(cwd, os.path.expanduser(path)))
        for candidate in {full, os.path.realpath(full)}:
            for p in guarded:
                if candidate == p or candidate.startswith(p.rstrip("/") + "/"):
                    return path
                if path in trees and p.startswith(candidate.rstrip("/") + "/"):
                    return path
    return None


# --- commands that skip or move git's hooks, or acknowledge a breaker -------------------------------------


def check_commands(ctx: HookContext, commands: list[Any]) -> Decision:
    git_lines = [c.args for c in commands if c.verb == "git"]
    line: list[Any] = []
    if git_lines:  # only a line that runs git pays for reading it
        from . import gitargs

        line = gitargs.line_config(git_lines)
    for cmd in commands:
        if cmd.verb == "git":
            why = _git_skips_hooks(cmd.args, gitargs, line, ctx.root)
            if why:
                return deny(f"git's hooks ({why})", "command")
        elif _acks_breaker(cmd.argv):
            return Decision(DENY, "session-orchestrator: acknowledging a tripped circuit breaker is the user's "
                                  "decision, so agents may not run 'breaker ack'; the command was blocked at every "
                                  "enforcement level. Stop, tell the user what tripped it and what you tried, and "
                                  "ask them to acknowledge it or to let you fix the gate.", RULE)
    return Decision()


def _git_skips_hooks(args: list[str], gitargs: Any, line: list[Any], root: Path) -> str:
    own, _sub = gitargs.split_global(args)
    if any(key == "core.hookspath" for key, _value in own):
        return "-c core.hooksPath moves them"
    try:
        expansion = gitargs.expand(args, line, root)
    except Exception:  # an unreadable alias: judged by the words as written
        expansion = None
    lines = [expansion.argv, *expansion.git] if expansion is not None else [_sub]
    for argv in lines:
        if not argv:
            continue
        if any(a == "--no-verify" or (len(a) >= 6 and "--no-verify".startswith(a)) for a in argv[1:]):
            return "--no-verify skips them"
        if argv[0] == "commit" and _short_n(argv[1:]):
            return "commit -n skips them"
        if argv[0] == "config" and _sets_hooks_path(argv[1:]):
            return "git config core.hooksPath moves them"
    return ""


_COMMIT_VALUE_SHORT = "mFcCtS"  # short options of commit that take the rest of the word as their value


def _short_n(args: list[str]) -> bool:
    """`-n` among commit's short options (`-n`, `-an`, `-nm msg`), not inside an option's value."""
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            return False
        if a.startswith("--"):
            skip = a in ("--message", "--file", "--reuse-message", "--reedit-message", "--template", "--author")
            continue
        if a.startswith("-") and len(a) > 1:
            for k, ch in enumerate(a[1:], 1):
                if ch == "n":
                    return True
                if ch in _COMMIT_VALUE_SHORT:
                    skip = k == len(a) - 1  # the value is the next word
                    break
    return False


def _sets_hooks_path(args: list[str]) -> bool:
    """`git config` naming core.hooksPath in any form other than a read."""
    low = [a.lower() for a in args]
    if "core.hookspath" not in low:
        return False
    reads = {"--get", "--get-all", "--get-regexp", "--list", "-l", "get", "list", "--show-origin", "--show-scope"}
    writes = {"--unset", "--unset-all", "--add", "--replace-all", "set", "unset", "--rename-section",
              "--remove-section", "rename-section", "remove-section", "edit", "-e", "--edit"}
    if any(a in writes for a in low):
        return True
    if any(a in reads for a in low):
        return False
    positional = [a for a in low if not a.startswith("-")]
    return len(positional) >= 2  # `git config core.hooksPath VALUE`


def _acks_breaker(argv: list[str]) -> bool:
    words = [w.rstrip("/") for w in argv]
    if "breaker" not in words or "ack" not in words:
        return False
    return words.index("ack") > words.index("breaker") and any(w.endswith("runtime") for w in words)
