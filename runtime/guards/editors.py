# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Editors and debuggers that run shell commands from their own command language.

`vim -c '!rm -rf src'`, `emacs --eval '(shell-command "rm -rf src")'`, `gdb -ex 'shell rm -rf src'`
and sed's `e` command all start a shell. This module finds the commands such a program is given
on its command line (or on stdin) and returns the shell text they would run, so the guard judges
it like any other command line. It reads each program's command syntax only as far as needed to
find those escapes; anything it cannot place is reported as unknowable.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

VIMS = frozenset({"vim", "vi", "nvim", "ex", "view", "gvim", "vimdiff", "rvim", "evim", "vim.tiny", "vim.basic",
                  "nvi", "elvis"})
EMACSEN = frozenset({"emacs", "emacs-nox", "emacsclient"})
DEBUGGERS = frozenset({"gdb", "lldb"})
SEDS = frozenset({"sed", "gsed"})
VERBS = VIMS | EMACSEN | DEBUGGERS | SEDS


def escapes(verb: str, args: list[str], stdin: str | None) -> list[tuple[str, Any]]:
    """("shell", text) for each shell command the program would run, ("argv", words) for a program it
    starts directly, ("opaque", why) when it would run text the guard cannot know."""
    if verb in VIMS:
        return _vim(args, stdin)
    if verb in EMACSEN:
        return _emacs(args)
    if verb in DEBUGGERS:
        return _debugger(verb, args, stdin)
    if verb in SEDS:
        return _sed(args)
    return []


def _vim(args: list[str], stdin: str | None) -> list[tuple[str, Any]]:
    commands: list[str] = []
    silent = False
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-c", "--cmd") and k + 1 < len(args):
            commands.append(args[k + 1])
            k += 2
            continue
        if a.startswith("+") and len(a) > 1 and not a[1:].isdigit():
            commands.append(a[1:])
        elif a in ("-e", "-es", "-E", "-s", "-Es") or (a.startswith("-") and "s" in a[1:] and "e" in a[1:].lower()):
            silent = True
        k += 1
    if silent and stdin:
        commands.extend(stdin.splitlines())
    out: list[tuple[str, str]] = []
    for command in commands:
        out.extend(_ex(command))
    return out


def _ex(command: str) -> list[tuple[str, str]]:
    """Shell text in one ex command line: `!cmd`, `:r !cmd`, `:w !cmd`, `silent !cmd`, `:terminal cmd`,
    `system('cmd')`, `:call system(...)`."""
    out: list[tuple[str, str]] = []
    text = command.strip().lstrip(":").strip()
    bang = text.find("!")
    if bang >= 0 and text[bang + 1:].strip():
        out.append(("shell", text[bang + 1:].strip()))
    head = text.split(" ", 1)
    if head[0] in ("term", "terminal", "ter") and len(head) > 1:
        out.append(("shell", head[1]))
    for call in ("system(", "systemlist(", "jobstart(", "termopen("):
        at = text.find(call)
        if at >= 0:
            inner = text[at + len(call):]
            quote = inner[:1]
            if quote in ("'", '"') and quote in inner[1:]:
                out.append(("shell", inner[1:inner.index(quote, 1)]))
            else:
                out.append(("opaque", "runs a command built at run time"))
    return out


def _emacs(args: list[str]) -> list[tuple[str, Any]]:
    from . import interp

    out: list[tuple[str, Any]] = []
    for k, a in enumerate(args):
        code = None
        if a in ("--eval", "-eval", "--execute") and k + 1 < len(args):
            code = args[k + 1]
        elif a.startswith(("--eval=", "--execute=")):
            code = a.split("=", 1)[1]
        if code is None:
            continue
        for kind, value in interp.effects("elisp", code):
            if kind == "shell" and isinstance(value, str):
                out.append(("shell", value))
            elif kind == "argv" and isinstance(value, list):
                out.append(("argv", [str(v) for v in value]))
            elif kind == "delete" and isinstance(value, str):
                out.append(("argv", ["rm", "-rf", "--", value]))
            elif kind == "opaque":
                out.append(("opaque", str(value)))
    return out


def _debugger(verb: str, args: list[str], stdin: str | None) -> list[tuple[str, str]]:
    commands: list[str] = []
    names = ("-ex", "--ex", "-eval-command", "--eval-command", "-iex", "--init-eval-command") if verb == "gdb" else \
        ("-o", "--one-line", "-O", "--one-line-before-file", "-k", "--one-line-on-crash")
    for k, a in enumerate(args):
        if a in names and k + 1 < len(args):
            commands.append(args[k + 1])
        elif "=" in a and a.split("=", 1)[0] in names:
            commands.append(a.split("=", 1)[1])
    if stdin and ("-batch" in args or "--batch" in args or "-b" in args):
        commands.extend(stdin.splitlines())
    out: list[tuple[str, str]] = []
    for command in commands:
        text = command.strip()
        for prefix in ("shell ", "!", "platform shell ", "pipe "):
            if text.startswith(prefix):
                rest = text[len(prefix):]
                if prefix == "pipe ":  # pipe COMMAND | SHELL_COMMAND
                    rest = rest.split("|", 1)[1] if "|" in rest else ""
                if rest.strip():
                    out.append(("shell", rest.strip()))
        if text.startswith(("python ", "py ", "script ")):
            from . import interp

            code = text.split(" ", 1)[1]
            for kind, value in interp.effects("python", code):
                if kind == "shell" and isinstance(value, str):
                    out.append(("shell", value))
                elif kind == "opaque":
                    out.append(("opaque", str(value)))
    return out


def _sed(args: list[str]) -> list[tuple[str, str]]:
    scripts: list[str] = []
    k, explicit = 0, False
    first: str | None = None
    while k < len(args):
        a = args[k]
        if a in ("-e", "--expression") and k + 1 < len(args):
            scripts.append(args[k + 1])
            explicit = True
            k += 2
            continue
        if a.startswith("--expression="):
            scripts.append(a.split("=", 1)[1])
            explicit = True
        elif a.startswith("-e") and len(a) > 2:
            scripts.append(a[2:])
            explicit = True
        elif a in ("-f", "--file", "-l", "--line-length"):
            explicit = explicit or a in ("-f", "--file")
            k += 2
            continue
        elif not a.startswith("-") and first is None:
            first = a
        k += 1
    if not explicit and first is not None:
        scripts.append(first)
    out: list[tuple[str, str]] = []
    for script in scripts:
        out.extend(_sed_script(script))
    return out


def _sed_script(script: str) -> list[tuple[str, str]]:
    """The `e` command and the `e` flag of `s` in a sed script (GNU extensions that run a shell)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if c in " \t\n;{}!" or c.isdigit() or c in "$,~+":
            i += 1
            continue
        if c == "#":
            j = script.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "/\\":  # an address /re/ or \cREc
            delim = c if c == "/" else (script[i + 1] if i + 1 < n else "/")
            j = i + (1 if c == "/" else 2)
            while j < n and script[j] != delim:
                j += 2 if script[j] == "\\" else 1
            i = j + 1
            while i < n and script[i] in "IM":
                i += 1
            continue
        if c in "sy" and i + 1 < n:
            delim = script[i + 1]
            parts: list[str] = []
            j, start = i + 2, i + 2
            while j < n and len(parts) < 2:
                if script[j] == "\\":
                    j += 2
                    continue
                if script[j] == delim:
                    parts.append(script[start:j])
                    start = j + 1
                j += 1
            flags_end = j
            while flags_end < n and script[flags_end] not in ";\n}":
                flags_end += 1
            flags = script[j:flags_end]
            if c == "s" and "e" in flags.split("w", 1)[0]:
                if len(parts) == 2 and parts[1].strip():
                    out.append(("shell", parts[1].replace("\\" + delim, delim)))
                out.append(("opaque", "sed's e flag runs the edited line as a shell command"))
            i = flags_end
            continue
        if c in "aic" or c in "rRwW" or c in ":bTtvl" or c == "e":
            j = script.find("\n", i)
            end = n if j < 0 else j
            if c in ":bTtv":
                semi = script.find(";", i, end)
                end = semi if semi >= 0 else end
            if c == "e":
                text = script[i + 1:end].strip()
                out.append(("shell", text) if text else ("opaque", "sed's e command runs the line as a shell command"))
            i = end
            continue
        i += 1
    return out
