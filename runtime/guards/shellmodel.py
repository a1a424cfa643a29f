# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The parse model: the records the shell parser produces and the questions asked of them.

A `Parse` holds every `Command` a line would run, each with its `Redirect`s, the
directory it runs in and the words only known at run time. Besides the records,
this module answers what a command with static words prints (`printed`) or reads
on stdin (`known_input`), which the parser and the guard's rules both need.
"""

from __future__ import annotations

import os

from .programs import STATIC_FEEDERS

EXPANDS, GLOBS = 1, 2  # bits of a word token's `dyn` field: holds an expansion, holds an unquoted glob


class Redirect:
    """One redirection. mode: truncate | append | read | dup | heredoc | herestring.

    For heredoc and herestring, `target` holds the data itself. `dyn` carries the
    lexer's expansion bits for the target word until the parser resolves it.
    """

    __slots__ = ("dyn", "fd", "mode", "op", "quoted", "target")

    def __init__(self, op: str, target: str, fd: str = "") -> None:
        self.op, self.target, self.fd = op, target, fd
        self.dyn, self.quoted = 0, False
        if op in (">", ">|", "&>"):
            self.mode = "truncate"
        elif op in (">>", "&>>"):
            self.mode = "append"
        elif op in (">&", "<&"):
            self.mode = "dup" if (target.isdigit() or target == "-") else "truncate"
        elif op in ("<<", "<<-"):
            self.mode = "heredoc"
        elif op == "<<<":
            self.mode = "herestring"
        elif op == "<>":
            self.mode = "append"
        else:
            self.mode = "read"

    def __repr__(self) -> str:
        return f"Redirect({self.fd}{self.op} {self.target!r})"


class Command:
    """A simple command as it would run: argv with wrappers removed, plus its redirects.

    `via` says how it was reached ('' at top level, else e.g. 'bash -c', '$( )',
    'find -exec', 'python -c'); `pipe_prev` is the command whose output feeds this one.
    `writes` holds extra files it writes that argv does not show (GNU `time -o
    FILE`, a file an interpreter one-liner opens for writing).

    `cwd` is the directory it runs in after the `cd`/`pushd`/`popd` before it on
    the same line: "" means the call's own cwd, None means unknowable (a `cd` to
    a dynamic target came first), anything else is the directory as written,
    possibly relative to the call's cwd; `resolve_cwd` makes it absolute.

    `dynamic` holds the argv words whose value cannot be known before the
    command runs: they came from `$(...)` or backticks (other than a plain
    `$(echo ...)`), from a variable not assigned earlier on the line, from
    decoded data, or are a glob. A word is dynamic when `word in cmd.dynamic`;
    `verb_dynamic` says it for the verb. `splits` holds the dynamic words that
    were unquoted, so their value may split into several words (flags included).
    """

    __slots__ = ("argv", "cwd", "depth", "dynamic", "feeder", "pipe_prev", "redirects", "splits", "via", "writes")

    def __init__(self, argv: list[str], redirects: list[Redirect], via: str = "", depth: int = 0,
                 cwd: str | None = "") -> None:
        self.argv, self.redirects, self.via, self.depth = argv, redirects, via, depth
        self.pipe_prev: Command | None = None
        self.feeder: Command | None = None  # the find/xargs that supplies this command's operands
        self.writes: list[tuple[str, str]] = []
        self.cwd = cwd
        self.dynamic: set[str] = set()
        self.splits: set[str] = set()

    @property
    def verb_dynamic(self) -> bool:
        return bool(self.argv) and self.argv[0] in self.dynamic

    @property
    def verb(self) -> str:
        return self.argv[0] if self.argv else ""

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    def text(self) -> str:
        """A readable rendering for messages (quoted so it pastes back)."""
        parts = [quote(a) for a in self.argv]
        for r in self.redirects:
            if r.mode in ("heredoc", "herestring"):
                parts.append(f"{r.fd}{r.op} ...")
            else:
                parts.append(f"{r.fd}{r.op}{quote(r.target)}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"Command({self.argv!r}, via={self.via!r})"


def quote(word: str) -> str:
    if word and all(c.isalnum() or c in "-_./=+:,@%^~" for c in word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def resolve_cwd(cmd: Command, call_cwd: str) -> str | None:
    """The absolute directory `cmd` runs in, or None when a dynamic `cd` made it unknowable."""
    if cmd.cwd is None:
        return None
    return os.path.normpath(os.path.join(call_cwd, os.path.expanduser(cmd.cwd)))


class Parse:
    """Every simple command found in one command line, in order.

    `exhausted`: nesting beyond the budget. `unjudgeable`: why the text could not
    be judged at all (too long, too slow, too deep), else "". `opaque`: commands
    that run code the parser cannot see (dynamic text piped into a shell or an
    interpreter, `eval "$x"`), each with the reason. `fork_bombs`: functions
    that call themselves in a pipeline or in the background. `scripts`: text the
    line writes into files (`echo ... > x.sh`), so running that file later on the
    same line (`bash x.sh`, `./x.sh`, `python3 x.py`) is judged by its content.
    """

    __slots__ = ("commands", "exhausted", "fork_bombs", "notes", "opaque", "parses", "scripts", "unjudgeable")

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.exhausted = False
        self.notes: list[str] = []
        self.parses = 0
        self.unjudgeable = ""
        self.opaque: list[tuple[Command, str]] = []
        self.fork_bombs: list[Command] = []
        self.scripts: dict[str, str] = {}  # files the line itself writes with static text, by path

    def remember_script(self, cmd: Command) -> None:
        """`echo 'rm -rf src' > x.sh`, `cat <<EOF > x.py`: keep the text, in case the line runs the file."""
        if cmd.cwd is None or any(a in cmd.dynamic for a in cmd.args):
            return
        if cmd.verb == "cat":
            text = "\n".join(r.target for r in cmd.redirects if r.mode in ("heredoc", "herestring"))
        else:
            text = "\n".join(printed(cmd))
        for r in cmd.redirects:
            if r.mode in ("truncate", "append") and r.target and not r.dyn & EXPANDS:
                key = os.path.normpath(os.path.join(cmd.cwd, r.target))
                self.scripts[key] = (self.scripts.get(key, "") + "\n" + text) if r.mode == "append" else text

    def known_script(self, cmd: Command, path: str) -> str | None:
        """The text this line wrote into `path` (as `cmd` names it), if it did."""
        if cmd.cwd is None or not self.scripts:
            return None
        return self.scripts.get(os.path.normpath(os.path.join(cmd.cwd, path)))


def printed(cmd: Command) -> list[str]:
    """The text an `echo` or `printf` with static arguments prints, escapes decoded (every reading)."""
    from .decode import echo_output, printf_output

    if cmd.verb == "printf":
        return [printf_output(cmd.args)]
    return echo_output(cmd.args)


def known_input(cmd: Command) -> str | None:
    """The text on `cmd`'s stdin when the line spells it out (`echo a b |`, `<<< x`, a heredoc), else None."""
    for r in cmd.redirects:
        if r.mode in ("heredoc", "herestring") and not r.dyn & EXPANDS:
            return r.target
        if r.mode == "read":
            return None
    prev = cmd.pipe_prev
    if prev is None or prev.verb not in STATIC_FEEDERS or any(a in prev.dynamic for a in prev.args):
        return None
    if prev.verb == "cat":
        if prev.args:
            return None
        return "\n".join(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
    return "\n".join(printed(prev))
