# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""A quote-aware shell parser, written for the guards.

The guards must judge what a shell would run, not what a string mentions:
`git commit -m "undo git reset --hard"` runs git commit, while
`bash -c "rm -rf src"` runs rm. So this module lexes like a POSIX shell
(quotes, escapes, comments, heredocs, redirects, substitutions) and returns
every simple command that would execute, including the ones hidden inside
`$( )`, backticks, `( )`, `bash -c`, `eval`, `xargs` and `find -exec`, with
wrappers such as `sudo`, `env` or `timeout` peeled off.

It never raises on bad input: an unterminated quote runs to the end of the
text (the shell would refuse it, but judging the part before it is safer than
judging nothing). Nesting deeper than the budget sets `Parse.exhausted`; a text
longer than `MAX_CHARS`, or one the parser cannot finish before its deadline,
sets `Parse.unjudgeable`; the guard denies both at every enforcement level.

Every scan is a single left-to-right pass with an explicit stack (no
recursion per bracket, no backtracking regular expression), so the time is
linear in the length of the command and deep nesting cannot overflow Python's
stack.

Beyond finding commands, the parser tracks the shell state a reader needs to
know what a command touches: `cd`/`pushd`/`popd` (each command carries the
directory it runs in, see `Command.cwd`), variables assigned earlier in the same
line, positional parameters of `sh -c '...' _ args`, and `$(echo ...)`. Anything
it cannot know statically is marked dynamic rather than guessed.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

MAX_DEPTH = 6
MAX_PARSES = 48
MAX_CHARS = 2_000_000  # longer commands are refused unjudged: split them
DEADLINE_SECONDS = 0.8  # the hook's timeout (30 s) is far larger, so this always fires first
_CHECK_EVERY = 2048


class OvertimeError(Exception):
    """Raised inside the parser or the guard when the deadline has passed."""


class Clock:
    """One deadline shared by the parser and the rules; checked every few thousand steps."""

    __slots__ = ("deadline", "ticks")

    def __init__(self, seconds: float = DEADLINE_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds
        self.ticks = 0

    def tick(self, steps: int = 1) -> None:
        self.ticks += steps
        if self.ticks >= _CHECK_EVERY:
            self.ticks = 0
            if time.monotonic() > self.deadline:
                raise OvertimeError

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise OvertimeError


_CLOCK = Clock(3600.0)

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "busybox-sh", "fish", "csh", "tcsh",
                    "posh", "oksh", "loksh", "rbash"})
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
                       "esac", "in"})
_LOOP_HEADS = frozenset({"for", "select", "case", "function"})
_NOT_WORD = frozenset(" \t\n;&|<>()")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
         "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}

# Wrappers that run their arguments as a command: name -> (options taking a value,
# options after which nothing runs, positional arguments to skip before the command).
_WRAPPERS: dict[str, tuple[frozenset[str], frozenset[str], int]] = {
    "sudo": (frozenset({"-u", "-g", "-h", "-C", "-D", "-p", "-r", "-t", "-T", "-U", "-R", "--user", "--group",
                        "--host", "--close-from", "--chdir", "--prompt", "--role", "--type",
                        "--command-timeout", "--other-user", "--chroot"}),
             frozenset({"-l", "--list", "-v", "--validate", "-e", "--edit", "-V", "--version", "-K",
                        "--remove-timestamp", "--help"}), 0),
    "doas": (frozenset({"-u", "-C"}), frozenset(), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P", "--default-signal",
                       "--ignore-signal", "--block-signal"}), frozenset({"--help", "--version"}), 0),
    "command": (frozenset(), frozenset({"-v", "-V"}), 0),
    "builtin": (frozenset(), frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), frozenset(), 0),
    "nohup": (frozenset(), frozenset(), 0),
    "time": (frozenset({"-o", "--output", "-f", "--format"}), frozenset(), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), frozenset(), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), frozenset(), 0),
    "exec": (frozenset({"-a"}), frozenset(), 0),
    "ionice": (frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"}), frozenset(), 0),
    "chroot": (frozenset({"--userspec", "--groups"}), frozenset(), 1),
    "unbuffer": (frozenset(), frozenset(), 0),
    "catchsegv": (frozenset(), frozenset(), 0),
    "busybox": (frozenset(), frozenset(), 0),
    "caffeinate": (frozenset({"-t", "-w"}), frozenset(), 0),
    "setsid": (frozenset(), frozenset(), 0),
    "pkexec": (frozenset({"--user"}), frozenset(), 0),
    "fakeroot": (frozenset({"-l", "--lib", "--faked", "-s", "-i"}), frozenset(), 0),
    "unshare": (frozenset({"--propagation", "--setgroups", "-S", "--setuid", "-G", "--setgid"}), frozenset(), 0),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-P", "-S", "-X"}),
               frozenset(), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-a", "-n", "-l", "-x", "-L"}), frozenset(), 0),
    "taskset": (frozenset(), frozenset({"-p", "--pid"}), 1),
    "chrt": (frozenset(), frozenset({"-p", "--pid"}), 1),
    "nsenter": (frozenset({"-t", "--target", "-S", "-G"}), frozenset(), 0),
    "firejail": (frozenset(), frozenset(), 0),
    "torsocks": (frozenset(), frozenset(), 0),
    "proxychains": (frozenset({"-f"}), frozenset(), 0),
    "proxychains4": (frozenset({"-f"}), frozenset(), 0),
}
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


# --------------------------------------------------------------------------- lexer

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")
_GLOB = frozenset("*?[")
EXPANDS, GLOBS = 1, 2  # bits of a word token's `dyn` field
_TOO_DEEP = "\x00too-deep"  # queued as a substitution: marks the parse as exhausted


_PLAIN: Any = None


def _plain_run() -> Any:
    """`match(s, i)` of a run of characters with no meaning to the shell (compiled on first use, not at import).

    A character class with `+` cannot backtrack, so this stays linear.
    """
    global _PLAIN
    if _PLAIN is None:
        import re

        _PLAIN = re.compile(r"[^\s;&|<>()\\'\"`$*?\[#]+").match
    return _PLAIN


class _Lexer:
    """Turns text into tokens: ('w', text, quoted, dyn), ('op', op), ('r', Redirect).

    `dyn` has EXPANDS set when the word holds a parameter expansion or a
    substitution outside single quotes, and GLOBS when it holds an unquoted
    glob character: the parser resolves or marks such words.
    """

    def __init__(self, s: str, notes: list[str]) -> None:
        self.s, self.n, self.notes = s, len(s), notes
        self.subs: list[str] = []
        self.tokens: list[tuple] = []
        self.pending: list[tuple[Redirect, str, bool, bool]] = []
        self.arithmetic = True

    def run(self) -> list[tuple]:
        s, n, i = self.s, self.n, 0
        clock = _CLOCK
        steps = 0
        plain = _plain_run()
        while i < n:
            steps += 1
            if steps == 1024:
                clock.tick(steps)
                steps = 0
            c = s[i]
            if c in " \t\r":
                i += 1
            elif c == "\\" and s.startswith("\n", i + 1):
                i += 2
            elif c == "\n":
                self.tokens.append(("op", "\n"))
                i = self._heredocs(i + 1)
            elif c == "#":
                j = s.find("\n", i)
                i = n if j < 0 else j
            elif c in "<>" and s.startswith("(", i + 1):
                i = self._word(i)
            elif c == "(" and s.startswith("((", i) and self.arithmetic and \
                    (not self.tokens or self.tokens[-1][0] == "op"):
                i = self._arithmetic(i)
            elif c in "<>" or (c == "&" and s.startswith(">", i + 1)):
                i = self._redirect(i, "")
            elif c in ";&|()":
                two = s[i:i + 2]
                if two in ("&&", "||", ";;", "|&", ";&"):
                    self.tokens.append(("op", two))
                    i += 2
                else:
                    self.tokens.append(("op", c))
                    i += 1
            else:
                run = plain(s, i)
                if run is not None:
                    end = run.end()
                    if end >= n or s[end] in " \t\n;&|)":  # a whole ordinary word: no need to read it char by char
                        self.tokens.append(("w", run.group(), False, 0))
                        i = end
                        continue
                i = self._word(i)
        if self.pending:
            self.notes.append("heredoc without its terminating line")
            for redirect, _d, _s, _q in self.pending:
                redirect.target = ""
        return self.tokens

    def _arithmetic(self, i: int) -> int:
        """`(( expr ))`: an arithmetic command in bash, where `<<` is a shift, not a heredoc."""
        j = _close(self.s, i + 2, ")")
        if j >= self.n or not self.s.startswith(")", j + 1):
            if j >= self.n:
                self.notes.append("unterminated (( ))")
                self.arithmetic = False  # later `((` are read as two parentheses: no rescans, so linear
            self.tokens.append(("op", "("))  # not arithmetic after all: a subshell in a subshell
            return i + 1
        _DoubleScan("", self.subs).inner(self.s[i + 2:j])
        self.subs.append(self.s[i + 2:j])  # dash and other shells read `((` as two subshells: judge that too
        self.tokens.append(("w", "((", True, 0))
        return j + 2

    # -- redirects and heredocs

    def _redirect(self, i: int, fd: str) -> int:
        s = self.s
        for op in ("&>>", "<<<", "<<-", "&>", ">>", ">|", ">&", "<&", "<<", "<>", ">", "<"):
            if s.startswith(op, i):
                break
        i += len(op)
        while i < self.n and s[i] in " \t":
            i += 1
        start = len(self.tokens)
        i = self._word(i)
        words = self.tokens[start:]
        del self.tokens[start:]
        target, quoted = (words[0][1], words[0][2]) if words and words[0][0] == "w" else ("", False)
        redirect = Redirect(op, target, fd)
        redirect.dyn, redirect.quoted = (words[0][3] if words and words[0][0] == "w" else 0), quoted
        if op in ("<<", "<<-"):
            redirect.target = ""
            self.pending.append((redirect, target, op == "<<-", quoted))
        self.tokens.append(("r", redirect))
        return i

    def _heredocs(self, i: int) -> int:
        s, clock = self.s, _CLOCK
        pending, self.pending = self.pending, []
        for redirect, delim, strip, quoted in pending:
            body: list[str] = []
            while i < self.n:
                clock.tick()
                j = s.find("\n", i)
                line = s[i:] if j < 0 else s[i:j]
                i = self.n if j < 0 else j + 1
                if (line.lstrip("\t") if strip else line) == delim:
                    break
                body.append(line)
            else:
                self.notes.append(f"heredoc '{delim}' has no terminating line")
            redirect.target = "\n".join(body)
            if not quoted:  # an unquoted heredoc still runs its $( ) and backticks
                _DoubleScan(redirect.target, self.subs).scan(0, stop='')
        return i

    # -- words

    def _word(self, i: int) -> int:
        s, n = self.s, self.n
        buf: list[str] = []
        quoted = False
        dyn = 0
        plain = _plain_run()
        while i < n:
            run = plain(s, i)
            if run is not None:  # the common case: a stretch of ordinary characters, copied at C speed
                buf.append(run.group())
                i = run.end()
                continue
            c = s[i]
            if c in "<>" and s.startswith("(", i + 1):  # process substitution
                j = _close(s, i + 2, ")")
                self.subs.append(s[i + 2:j])
                buf.append(s[i:j + 1])
                dyn |= EXPANDS
                i = j + 1
                continue
            if c in _NOT_WORD:
                if c in "<>" and buf and not quoted and "".join(buf).isdigit():
                    return self._redirect(i, "".join(buf))
                break
            if c == "\\":
                if s.startswith("\n", i + 1):
                    i += 2
                    continue
                if i + 1 < n:
                    buf.append(s[i + 1])
                quoted = True
                i += 2
            elif c == "'":
                j = s.find("'", i + 1)
                if j < 0:
                    self.notes.append("unterminated single quote")
                    j = n
                buf.append(s[i + 1:j])
                quoted = True
                i = j + 1
            elif c == '"':
                scan = _DoubleScan(s, self.subs)
                i = scan.scan(i + 1, stop='"')
                if scan.unterminated:
                    self.notes.append("unterminated double quote")
                buf.append("".join(scan.out))
                dyn |= EXPANDS if scan.expands else 0
                quoted = True
            elif c == "`":
                j = _backtick_end(s, i + 1)
                if j >= n:
                    self.notes.append("unterminated backtick")
                self.subs.append(s[i + 1:j].replace("\\`", "`"))
                buf.append(s[i:j + 1])
                dyn |= EXPANDS
                i = j + 1
            elif c == "$":
                nxt = s[i + 1:i + 2]
                if nxt == "'":
                    i = self._ansi(i + 2, buf)
                    quoted = True
                elif nxt == '"':
                    scan = _DoubleScan(s, self.subs)
                    i = scan.scan(i + 2, stop='"')
                    buf.append("".join(scan.out))
                    dyn |= EXPANDS if scan.expands else 0
                    quoted = True
                elif s.startswith("$((", i):
                    j = _close(s, i + 2, ")")
                    j = j + 1 if s.startswith(")", j + 1) else j
                    _DoubleScan("", self.subs).inner(s[i + 3:j])  # $(( $(cmd) )) runs cmd
                    buf.append(s[i:j + 1])
                    dyn |= EXPANDS
                    i = j + 1
                elif nxt == "(":
                    j = _close(s, i + 2, ")")
                    if j >= n:
                        self.notes.append("unterminated $( )")
                    self.subs.append(s[i + 2:j])
                    buf.append(s[i:j + 1])
                    dyn |= EXPANDS
                    i = j + 1
                elif nxt == "{":
                    j = _close(s, i + 2, "}")
                    if j >= n:
                        self.notes.append("unterminated ${ }")
                        j = n - 1
                    inner = s[i + 2:j]
                    if _is_ifs(inner):
                        i = j + 1
                        if buf or quoted:
                            break
                        continue
                    _DoubleScan("", self.subs).inner(inner)  # ${x:-$(cmd)} runs cmd
                    buf.append(s[i:j + 1])
                    dyn |= EXPANDS
                    i = j + 1
                elif s.startswith("$IFS", i) and not (s[i + 4:i + 5].isalnum() or s[i + 4:i + 5] == "_"):
                    i += 4
                    if buf or quoted:
                        break
                    continue
                else:
                    if nxt and (nxt in _NAME_START or nxt in _SPECIAL_PARAMS):
                        dyn |= EXPANDS
                    buf.append("$")
                    i += 1
            else:
                if c in _GLOB:
                    dyn |= GLOBS
                buf.append(c)
                i += 1
        if buf or quoted:
            self.tokens.append(("w", "".join(buf), quoted, dyn))
        return i

    def _ansi(self, i: int, buf: list[str]) -> int:
        s, n = self.s, self.n
        while i < n and s[i] != "'":
            c = s[i]
            if c == "\\" and i + 1 < n:
                e = s[i + 1]
                if e in _ANSI:
                    buf.append(_ANSI[e])
                    i += 2
                elif e in "xuU":
                    width = {"x": 2, "u": 4, "U": 8}[e]
                    j = i + 2
                    while j < n and j < i + 2 + width and s[j] in "0123456789abcdefABCDEF":
                        j += 1
                    code = int(s[i + 2:j], 16) if j > i + 2 else -1
                    buf.append(chr(code) if 0 <= code <= 0x10FFFF else e)
                    i = j
                elif e in "01234567":
                    j = i + 1
                    while j < n and j < i + 4 and s[j] in "01234567":
                        j += 1
                    buf.append(chr(int(s[i + 1:j], 8)))
                    i = j
                else:
                    buf.append("\\" + e)
                    i += 2
            else:
                buf.append(c)
                i += 1
        if i >= n:
            self.notes.append("unterminated $'...' quote")
        return i + 1


def _is_ifs(inner: str) -> bool:
    return inner == "IFS" or (inner.startswith("IFS") and inner[3:4] in (":", "-", "=", "+", "%", "#", "?"))


class _DoubleScan:
    """Reads double-quoted text (or an unquoted heredoc body), collecting substitutions."""

    def __init__(self, s: str, subs: list[str], level: int = 0) -> None:
        self.s, self.subs, self.level = s, subs, level
        self.out: list[str] = []
        self.unterminated = False
        self.expands = False

    def inner(self, text: str) -> None:
        """Scan the inside of `$(( ))` or `${ }` for substitutions, at most MAX_DEPTH levels deep."""
        if self.level >= MAX_DEPTH:
            self.subs.append(_TOO_DEEP)
        else:
            _DoubleScan(text, self.subs, self.level + 1).scan(0, stop='')

    def scan(self, i: int, stop: str) -> int:
        s, n, out = self.s, len(self.s), self.out
        clock = _CLOCK
        steps = 0
        while i < n:
            steps += 1
            if steps == 4096:
                clock.tick(steps)
                steps = 0
            c = s[i]
            if stop and c == stop:
                return i + 1
            if c == "\\" and i + 1 < n:
                e = s[i + 1]
                if e == "\n":
                    i += 2
                    continue
                out.append(e if e in '$`"\\' else "\\" + e)
                i += 2
            elif c == "`":
                j = _backtick_end(s, i + 1)
                self.subs.append(s[i + 1:j].replace("\\`", "`"))
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            elif c == "$" and s.startswith("((", i + 1):
                j = _close(s, i + 2, ")")
                j = j + 1 if s.startswith(")", j + 1) else j
                self.inner(s[i + 3:j])
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            elif c == "$" and s.startswith("(", i + 1):
                j = _close(s, i + 2, ")")
                self.subs.append(s[i + 2:j])
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            else:
                if c == "$" and i + 1 < n and (s[i + 1] in _NAME_START or s[i + 1] in _SPECIAL_PARAMS or
                                                s[i + 1] == "{"):
                    self.expands = True
                out.append(c)
                i += 1
        self.unterminated = bool(stop)
        return n


def _backtick_end(s: str, i: int) -> int:
    n = len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "`":
            return i
        i += 1
    return n


def _skip_quoted(s: str, i: int) -> int:
    """If `s[i]` opens an escape or a quoted string, the index just past it; otherwise `i`."""
    c = s[i]
    if c == "\\":
        return i + 2
    if c == "'":
        j = s.find("'", i + 1)
        return len(s) if j < 0 else j + 1
    if c == '"':
        return min(len(s), _close(s, i + 1, '"') + 1)
    return i


def _heredoc_delimiter(s: str, i: int) -> tuple[str, bool, int]:
    """After `<<` at i-2: (delimiter without its quotes, strip tabs?, index after it)."""
    n = len(s)
    strip = s.startswith("-", i)
    if strip:
        i += 1
    while i < n and s[i] in " \t":
        i += 1
    out: list[str] = []
    while i < n and s[i] not in " \t\n;&|<>()":
        c = s[i]
        if c in "'\"":
            j = s.find(c, i + 1)
            j = n if j < 0 else j
            out.append(s[i + 1:j])
            i = j + 1
        elif c == "\\":
            out.append(s[i + 1:i + 2])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out), strip, i


def _close(s: str, i: int, kind: str) -> int:
    """Index of what closes `kind` (')' for `$(`/`(`, '}' for `${`, '"', '`') opened just before `i`.

    One pass with an explicit stack: quotes, nested substitutions, comments and
    heredoc bodies inside `$( )` are skipped as the shell would (so an
    apostrophe in a heredoc body cannot hide the rest of the line), and no
    depth of nesting can overflow Python's stack. Returns len(s) when unclosed.
    """
    n = len(s)
    stack = [kind]
    heredocs: list[tuple[str, bool]] = []
    clock = _CLOCK
    steps = 0
    while i < n:
        steps += 1
        if steps == 4096:
            clock.tick(steps)
            steps = 0
        top = stack[-1]
        c = s[i]
        if top == '"' or top == "`":
            if c == top:
                stack.pop()
                if not stack:
                    return i
            elif c == "\\":
                i += 1
            elif top == '"' and c == "`":
                stack.append("`")
            elif top == '"' and c == "$" and s.startswith("(", i + 1):
                stack.append(")")
                i += 1
            elif top == '"' and c == "$" and s.startswith("{", i + 1):
                stack.append("}")
                i += 1
            i += 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"' or c == "`":
            stack.append(c)
        elif c == "$" and s.startswith("(", i + 1):
            stack.append(")")
            i += 1
        elif c == "$" and s.startswith("{", i + 1):
            stack.append("}")
            i += 1
        elif c == top:
            stack.pop()
            if not stack:
                return i
        elif top == ")":
            if c == "(":
                stack.append(")")
            elif c == "<" and s.startswith("<<", i) and not s.startswith("<<<", i):
                delim, strip, i = _heredoc_delimiter(s, i + 2)
                if delim:
                    heredocs.append((delim, strip))
                continue
            elif c == "\n" and heredocs:
                i += 1
                for delim, strip in heredocs:
                    while i < n:
                        clock.tick()
                        j = s.find("\n", i)
                        end = n if j < 0 else j
                        line = s[i:end].lstrip("\t") if strip else s[i:end]
                        if line == delim:
                            i = end
                            break
                        if line.startswith(delim) and line[len(delim):].lstrip(" \t").startswith(")"):
                            i = end - len(line) + len(delim)  # `EOF)` closes the body and the `$(`
                            break
                        i = end + 1
                heredocs = []
                continue
            elif c == "#" and (i == 0 or s[i - 1] in " \t\n;&|("):
                j = s.find("\n", i)
                i = n if j < 0 else j
                continue
        i += 1
    return n


def _match_paren(s: str, i: int) -> int:
    """Index of the `)` closing a `(` that ends just before `i` (quote- and heredoc-aware)."""
    return _close(s, i, ")")


# --------------------------------------------------------------------------- parser

def parse(text: str, deadline: float = DEADLINE_SECONDS) -> Parse:
    """Every simple command `text` would run, outermost first.

    Never raises: a text too long, too slow or too deep to judge comes back with
    `unjudgeable` set (and whatever was found before that point).
    """
    global _CLOCK
    result = Parse()
    if len(text) > MAX_CHARS:
        result.unjudgeable = (f"it is {len(text):,} characters long, more than the {MAX_CHARS:,} the guard "
                              "judges in one call")
        return result
    _CLOCK = Clock(deadline)
    import gc

    collecting = gc.isenabled()
    gc.disable()  # a long line makes many small objects and none of them cycles: collection only costs time
    _STARTUP_RESULT.append(result)
    try:
        _parse(text, "", 0, result, _State())
    except OvertimeError:
        result.unjudgeable = f"the guard could not finish reading it within {deadline:g} s"
    except RecursionError:
        result.unjudgeable = "it nests too deeply to read"
    finally:
        _STARTUP_RESULT.pop()
        if collecting:
            gc.enable()
    for cmd in result.commands:
        argv = cmd.argv
        if argv and ("/" in argv[0] or argv[0][-4:-3] == ".") and not cmd.verb_dynamic:
            argv[0] = normalise_verb(argv[0])
    return result


def clock() -> Clock:
    """The deadline of the parse in progress, shared with the guard's rules."""
    return _CLOCK


def normalise_verb(word: str) -> str:
    """`/bin/rm`, `./rm`, `rm.exe` -> rm (quotes and backslashes are gone after lexing)."""
    if "/" in word:
        word = word.rsplit("/", 1)[-1] or word
    return word[:-4] if word[-4:-3] == "." and word[-3:].lower() == "exe" else word


class _State:
    """What the shell knows at one point of a line: its directory and the variables set so far.

    A variable maps to its value, or to None once it was set to something
    unknowable (`$(...)`, `read`); a name absent here comes from the
    environment and is unknown too.
    """

    __slots__ = ("cwd", "dirs", "vars")

    def __init__(self, cwd: str | None = "", variables: dict[str, str | None] | None = None) -> None:
        self.cwd = cwd
        self.dirs: list[str | None] = []
        self.vars: dict[str, str | None] = dict(variables or {})

    def copy(self) -> _State:
        twin = _State(self.cwd, self.vars)
        twin.dirs = list(self.dirs)
        return twin


class _Line:
    """Per-text bookkeeping for functions (fork-bomb detection) and subshell scopes."""

    __slots__ = ("bodies", "level", "pending_fn", "scopes")

    def __init__(self) -> None:
        self.bodies: list[tuple[str, int]] = []
        self.level = 0
        self.pending_fn = ""
        self.scopes: list[_State] = []


def _parse(text: str, via: str, depth: int, result: Parse, state: _State) -> None:
    result.parses += 1
    if depth > MAX_DEPTH or result.parses > MAX_PARSES:
        result.exhausted = True
        return
    lexer = _Lexer(text, result.notes)
    tokens = lexer.run()
    words: list[tuple[str, bool, int]] = []
    redirects: list[Redirect] = []
    previous: Command | None = None
    piped = False
    line = _Line()
    last: Command | None = None
    for token in tokens:
        kind = token[0]
        if kind == "w":
            words.append((token[1], token[2], token[3]))
        elif kind == "r":
            redirects.append(token[1])
        else:
            op = token[1]
            if op == "(" and words:  # `name() { ...; }`: a function definition, not a call
                names = [w[0] for w in words if not (w[0] == "function" and not w[1])]
                line.pending_fn = names[-1] if names else ""
                words = []
                continue
            if op == ")" and line.pending_fn and not words and not redirects:
                continue  # the `)` of `name()`
            closing = op in ("|", "|&") and words and all(not w[1] and w[0] in _CLOSERS for w in words)
            made = _finish(words, redirects, via, depth, result, previous if piped else None, state, line, op)
            if made is not None:
                previous = last = made
            elif closing:  # `for ...; do echo ...; done | psql`: the loop's output feeds the pipe
                previous = last
            words, redirects = [], []
            if op == "(":
                line.level += 1
                if line.pending_fn:
                    line.bodies.append((line.pending_fn, line.level))
                    line.pending_fn = ""
                line.scopes.append(state)
                state = state.copy()
            elif op == ")":
                if line.bodies and line.bodies[-1][1] == line.level:
                    line.bodies.pop()
                line.level -= 1
                if line.scopes:
                    state = line.scopes.pop()
            if op in ("|", "|&"):
                piped = True
            elif op != "(" and op != ")":
                piped, previous = False, None
    _finish(words, redirects, via, depth, result, previous if piped else None, state, line, "")
    for sub in lexer.subs:
        if sub == _TOO_DEEP:
            result.exhausted = True
            continue
        _parse(sub, "$( )", depth + 1, result, state.copy())


_UNUSUAL_FIRST = frozenset({*_RESERVED, *_LOOP_HEADS, "coproc"})
_CLOSERS = frozenset({"done", "fi", "esac", "}"})


def _finish(words: list[tuple[str, bool, int]], redirects: list[Redirect], via: str, depth: int, result: Parse,
            pipe_prev: Command | None, state: _State, line: _Line, op: str) -> Command | None:
    """Turn one segment's words into commands: drop keywords and assignments, unwrap, recurse."""
    if words and not redirects and pipe_prev is None and not line.bodies and op not in ("|", "|&"):
        first = words[0][0]
        if first not in _UNUSUAL_FIRST and "=" not in first and not any(w[2] for w in words) and \
                not any("{" in w[0] for w in words):
            cmd = Command([w[0] for w in words], redirects, via, depth, state.cwd)
            if first in _WRAPPERS or "/" in first:
                _unwrap(cmd, result)
            result.commands.append(cmd)
            if first in _TRACKED:
                _track(cmd, state)
            _descend(cmd, result)
            return cmd
    start = 0
    while start < len(words) and not words[start][1] and words[start][0] in _RESERVED:
        word = words[start][0]
        if word == "{":
            line.level += 1
            if line.pending_fn:
                line.bodies.append((line.pending_fn, line.level))
                line.pending_fn = ""
        elif word == "}":
            if line.bodies and line.bodies[-1][1] == line.level:
                line.bodies.pop()
            line.level -= 1
        start += 1
    if start < len(words) and not words[start][1] and words[start][0] == "coproc":
        start += 1
        if start + 1 < len(words) and words[start + 1][0] == "{" and not words[start + 1][1]:
            start += 1  # `coproc NAME { ...; }`
        while start < len(words) and not words[start][1] and words[start][0] in _RESERVED:
            start += 1
    if start < len(words) and not words[start][1] and words[start][0] in _LOOP_HEADS:
        head = words[start][0]
        if head == "function" and start + 1 < len(words):
            line.pending_fn = words[start + 1][0]
            rest = words[start + 2:]
            if rest and rest[0][0] == "{" and not rest[0][1]:
                line.level += 1
                line.bodies.append((line.pending_fn, line.level))
                line.pending_fn = ""
                rest = rest[1:]
            words, start = rest, 0
        else:
            if head in ("for", "select") and start + 1 < len(words):
                state.vars[words[start + 1][0]] = None
            words = []  # `for x in a b`, `case $x in`: the words are data
    assigned = start
    # `X='a b' rm -rf src` assigns X (only the value is quoted); a word quoted as a whole is not
    # an assignment to the shell, but it then fails to run, so skipping it errs on the safe side.
    while assigned < len(words) and _is_assignment(words[assigned][0]):
        assigned += 1
    if assigned == len(words) and assigned > start:  # `x=rm`: sets a shell variable for the rest of the line
        for text, _q, dyn in words[start:]:
            name, _eq, value = text.partition("=")
            resolved, known = _expand(value, True, dyn, state)
            state.vars[name.rstrip("+")] = resolved if known else None
    dynamic: set[str] = set()
    splits: set[str] = set()
    argv: list[str] = []
    for text, quoted, dyn in words[assigned:]:
        for word in _brace_expand(text) if not quoted and "{" in text and "," in text else (text,):
            if dyn & EXPANDS:
                value, known = _expand(word, quoted, dyn, state)
                if not known:
                    dynamic.add(word)
                    if not quoted:
                        splits.add(word)
                    argv.append(word)
                elif quoted and "$@" not in word and "${@}" not in word:
                    argv.append(value)
                else:
                    argv.extend(_split_fields(value, state) or [""])
            else:
                if dyn & GLOBS and not argv:
                    dynamic.add(word)
                argv.append(word)
    for r in redirects:
        if r.dyn & EXPANDS and r.mode not in ("heredoc", "herestring"):
            value, known = _expand(r.target, r.quoted, r.dyn, state)
            if known:
                r.target, r.dyn = value, 0
    if not argv and not redirects:
        return None
    cmd = Command(argv, redirects, via, depth, state.cwd)
    cmd.dynamic, cmd.splits = dynamic, splits
    cmd.pipe_prev = pipe_prev
    if assigned > start:
        _startup_env([w[0] for w in words[start:assigned]], cmd, result)
    _unwrap(cmd, result)
    if redirects and cmd.argv[:1] and cmd.argv[0] in ("echo", "printf", "cat"):
        _remember_script(cmd, result)
    result.commands.append(cmd)
    if cmd.argv and line.bodies and (op in ("|", "|&", "&") or pipe_prev is not None) and \
            any(cmd.argv[0] == name for name, _level in line.bodies):
        result.fork_bombs.append(cmd)
    _track(cmd, state)
    _descend(cmd, result)
    return cmd


def _expand(word: str, quoted: bool, dyn: int, state: _State) -> tuple[str, bool]:
    """`word` with the parameters and `$(echo ...)` the line itself defines filled in.

    Returns (value, True) when every expansion in it is known, else (word, False).
    """
    if word.startswith(("<(", ">(")):  # process substitution: a path the shell makes up at run time
        return word, False
    if not dyn & EXPANDS or ("$" not in word and "`" not in word):
        return word, True
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c == "`":
            j = _backtick_end(word, i + 1)
            value = _echo_value(word[i + 1:j])
            if value is None:
                return word, False
            out.append(value)
            i = j + 1
            continue
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = word[i + 1]
        if nxt == "(" and not word.startswith("$((", i):
            j = _close(word, i + 2, ")")
            value = _echo_value(word[i + 2:j])
            if value is None:
                return word, False
            out.append(value)
            i = j + 1
            continue
        if nxt == "{":
            j = word.find("}", i)
            if j < 0:
                return word, False
            name = word[i + 2:j]
            i = j + 1
        elif nxt in _NAME_START:
            j = i + 1
            while j < n and (word[j].isalnum() or word[j] == "_"):
                j += 1
            name = word[i + 1:j]
            i = j
        elif nxt in _SPECIAL_PARAMS:
            name = nxt
            i += 2
        else:
            out.append(c)
            i += 1
            continue
        if name == "PWD" and state.cwd is not None:
            out.append(state.cwd or ".")
            continue
        value = state.vars.get(name)
        if value is None:
            return word, False
        out.append(value)
    return "".join(out), True


def _split_fields(value: str, state: _State) -> list[str]:
    """Word splitting of an unquoted expansion, honouring an IFS assigned earlier on the line."""
    ifs = state.vars.get("IFS")
    if ifs:
        for c in ifs:
            value = value.replace(c, " ")
    return value.split()


def _echo_value(script: str) -> str | None:
    """What `$(echo a b)` or `$(printf a)` prints, when the words are static; else None."""
    tokens = _Lexer(script, []).run()
    if not tokens or any(t[0] != "w" or t[3] for t in tokens):
        return None
    argv = [t[1] for t in tokens]
    if (argv[0] == "which" or argv[:2] in (["command", "-v"], ["type", "-P"], ["type", "-p"])) and \
            len(argv) == 1 + (argv[0] != "which") + 1:
        return "/usr/bin/" + argv[-1]  # `$(which rm)`: the program's path; its name is what counts
    if argv[0] in ("echo", "printf"):  # escapes decoded as the shell would: $(printf '\x72\x6d') is rm
        from .decode import echo_output, printf_output

        text = echo_output(argv[1:])[-1] if argv[0] == "echo" else printf_output(argv[1:])
        return text.strip("\n")
    return None


def _brace_expand(word: str, budget: int = 64, groups: int = 0) -> list[str]:
    """Bash brace expansion of an unquoted word: `{rm,-rf,src}` -> rm -rf src; `a{b,c}` -> ab ac.

    At most 8 groups per word are expanded (and 64 words made); the rest stays as written.
    """
    start = word.find("{")
    if groups >= 8:
        return [word]
    depth, k, parts, last = 0, start, [], start + 1
    while k < len(word):
        c = word[k]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        elif c == "," and depth == 1:
            parts.append(word[last:k])
            last = k + 1
        k += 1
    if start < 0 or k >= len(word) or not parts or "$" in word[:start]:
        return [word]
    parts.append(word[last:k])
    prefix, suffix = word[:start], word[k + 1:]
    out: list[str] = []
    for part in parts:
        for tail in _brace_expand(suffix, budget, groups + 1) if "{" in suffix and "," in suffix else [suffix]:
            out.append(prefix + part + tail)
            if len(out) >= budget:
                return out
    return [w for w in out if w] or [word]


_TRACKED = frozenset({"cd", "pushd", "chdir", "popd", "export", "declare", "typeset", "local", "readonly", "read",
                      "mapfile", "readarray", "set"})


def _track(cmd: Command, state: _State) -> None:
    """Follow `cd`, `pushd`, `popd` and `export x=...` so later commands know where and what they are."""
    if not cmd.argv or cmd.argv[0] not in _TRACKED:
        return
    verb, args = cmd.argv[0], cmd.argv[1:]
    if verb in ("cd", "pushd", "chdir"):
        targets = [a for a in args if not (a.startswith("-") and a != "-")]
        target = targets[0] if targets else "~"
        if verb == "pushd":
            state.dirs.append(state.cwd)
        if target == "-" or target in cmd.dynamic or "$" in target or "`" in target:
            state.cwd = None
        elif state.cwd is None:
            state.cwd = target if target.startswith(("/", "~")) else None
        else:
            state.cwd = os.path.normpath(os.path.join(state.cwd, target)) if state.cwd else target
    elif verb == "popd":
        state.cwd = state.dirs.pop() if state.dirs else None
    elif verb in ("export", "declare", "typeset", "local", "readonly"):
        if verb == "export" and _STARTUP_RESULT:
            _startup_env([a for a in args if "=" in a], cmd, _STARTUP_RESULT[-1])
        for a in args:
            if _is_assignment(a):
                name, _eq, value = a.partition("=")
                state.vars[name.rstrip("+")] = None if a in cmd.dynamic else value
    elif verb == "set" and "--" in args:
        positional = args[args.index("--") + 1:]
        for key in [k for k in state.vars if k.isdigit() and k != "0"]:
            del state.vars[key]
        for k, value in enumerate(positional, 1):
            state.vars[str(k)] = None if value in cmd.dynamic else value
        state.vars["@"] = state.vars["*"] = None if any(v in cmd.dynamic for v in positional) else " ".join(positional)
    elif verb in ("read", "mapfile", "readarray"):
        for a in args:
            if not a.startswith("-"):
                state.vars[a] = None


_STARTUP_RESULT: list[Parse] = []  # the parse in progress, for `export BASH_ENV=...` seen by _track
_STARTUP_FILES = frozenset({"BASH_ENV", "ENV"})


def _startup_env(pairs: list[str], cmd: Command, result: Parse) -> None:
    """Variables that make a shell started later run code: `BASH_ENV`/`ENV` name a startup script,
    `BASH_FUNC_name%%=() { ...; }` defines an exported function. Their code is judged here."""
    for pair in pairs:
        name, _eq, value = pair.partition("=")
        if name.startswith("BASH_FUNC_") and value.lstrip().startswith("()"):
            _sub(value.lstrip()[2:], f"exported function {name[10:].rstrip('%')}", cmd, result)
        elif name in _STARTUP_FILES and value not in ("", "/dev/null"):
            text = _known_script(cmd, value, result)
            if text is not None:
                _sub(text, name, cmd, result)
            elif value.startswith("<(") and value.endswith(")") and _echo_value(value[2:-1]) is not None:
                _sub(_echo_value(value[2:-1]) or "", name, cmd, result)
            else:
                result.opaque.append((cmd, f"{name} makes every bash it starts run {value}, which the guard "
                                           "cannot read"))


def _is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and bool(name) and (name[0].isalpha() or name[0] == "_") and \
        all(c.isalnum() or c == "_" for c in name.rstrip("+"))


def _unwrap(cmd: Command, result: Parse) -> None:
    """Peel wrappers off in place; a wrapper's unknown option is read both ways."""
    for _ in range(8):
        if not cmd.argv:
            return
        verb = normalise_verb(cmd.argv[0])
        spec = _WRAPPERS.get(verb)
        if spec is None:
            return
        takes_value, stops, skip = spec
        args = cmd.argv[1:]
        i = 0
        alternative: list[str] | None = None
        while i < len(args):
            a = args[i]
            if a == "--":
                i += 1
                break
            if verb == "env" and "=" in a and not a.startswith("-"):  # env takes any NAME=value, even BASH_FUNC_f%%
                _startup_env([a], cmd, result)
                i += 1
                continue
            if verb == "nice" and a[:1] == "-" and a[1:].lstrip("-").isdigit():
                i += 1
                continue
            if not a.startswith("-") or a == "-":
                break
            name, eq, value = a.partition("=")
            if a.startswith("--"):
                if name in stops:
                    cmd.argv = []
                    return
                if verb == "env" and name == "--split-string":
                    if not eq and i + 1 < len(args):
                        value, i = args[i + 1], i + 1
                    _parse(" ".join([value, *(quote(x) for x in args[i + 1:])]), "env -S", cmd.depth + 1, result,
                           _State(cmd.cwd))
                    cmd.argv = []
                    return
                if name == "--output" and verb == "time":
                    target = value if eq else (args[i + 1] if i + 1 < len(args) else "")
                    cmd.writes.append((target, "truncate"))
                i += 1 if eq or name not in takes_value else 2
                continue
            j, consumed = 1, 1
            while j < len(a):
                flag = "-" + a[j]
                if flag in stops:
                    cmd.argv = []
                    return
                if flag in takes_value:
                    attached = a[j + 1:]
                    value = attached or (args[i + 1] if i + 1 < len(args) else "")
                    consumed = 1 if attached else 2
                    if verb == "env" and flag == "-S":
                        rest = args[i + consumed:]
                        _parse(" ".join([value, *(quote(x) for x in rest)]), "env -S", cmd.depth + 1, result,
                               _State(cmd.cwd))
                        cmd.argv = []
                        return
                    if verb == "time" and flag == "-o":
                        cmd.writes.append((value, "truncate"))
                    break
                if verb not in ("nohup", "command", "builtin") and alternative is None and \
                        flag not in _KNOWN_BOOLEAN.get(verb, ()):
                    # Unknown option: also read it as taking the next word as its value.
                    alternative = [verb, *args[i + 2:]] if j == len(a) - 1 else None
                j += 1
            i += consumed
        rest = args[i + skip:] if i + skip <= len(args) else []
        if verb == "sudo" and rest and any(a in ("-s", "-i", "--shell", "--login") or
                                           (a[:1] == "-" and a[1:2] != "-" and ("s" in a or "i" in a))
                                           for a in args[:i]):
            # `sudo -s CMD`: the words run through the target user's shell
            _parse(" ".join(rest), f"sudo {args[0]}", cmd.depth + 1, result, _State(cmd.cwd))
        if alternative is not None and len(alternative) > 1:
            twin = Command(alternative[1:], list(cmd.redirects), cmd.via, cmd.depth, cmd.cwd)
            twin.pipe_prev, twin.dynamic, twin.splits = cmd.pipe_prev, cmd.dynamic, cmd.splits
            _unwrap(twin, result)
            if twin.argv:
                twin.argv[0] = normalise_verb(twin.argv[0])
                result.commands.append(twin)
                _descend(twin, result)
        cmd.argv = rest
        while cmd.argv and (_is_assignment(cmd.argv[0]) or cmd.argv[0] in _KEYWORD_PREFIXES):
            cmd.argv = cmd.argv[1:]  # `time { ...; }`, `time ! cmd`: the keyword's command is what runs


_KEYWORD_PREFIXES = frozenset({"{", "!"})
_KNOWN_BOOLEAN: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-A", "-b", "-E", "-H", "-i", "-k", "-n", "-P", "-S", "-s", "-B", "-N"}),
    "doas": frozenset({"-n", "-s"}),
    "env": frozenset({"-i", "-0", "-v"}),
    "time": frozenset({"-p", "-a", "-v", "-q"}),
    "timeout": frozenset({"-v", "--preserve-status", "--foreground", "--verbose"}),
    "exec": frozenset({"-c", "-l"}),
    "ionice": frozenset({"-t"}),
    "unbuffer": frozenset({"-p"}),
}


_INTERPRETERS = {"python": "python", "python2": "python", "python3": "python", "pypy": "python",
                 "pypy3": "python", "node": "node", "nodejs": "node", "bun": "node", "deno": "node",
                 "perl": "perl", "ruby": "ruby", "awk": "awk", "gawk": "awk", "mawk": "awk", "nawk": "awk",
                 "php": "php", "lua": "lua", "lua5.1": "lua", "lua5.2": "lua", "lua5.3": "lua", "lua5.4": "lua",
                 "luajit": "lua", "tclsh": "tcl", "tclsh8.6": "tcl", "tclsh9.0": "tcl", "wish": "tcl", "expect": "tcl"}
_EDITOR_VERBS = frozenset({"vim", "vi", "nvim", "ex", "view", "gvim", "vimdiff", "rvim", "evim", "vim.tiny",
                           "vim.basic", "nvi", "elvis", "emacs", "emacs-nox", "emacsclient", "gdb", "lldb", "sed",
                           "gsed"})
_SSH_VALUE = frozenset("BbcDEeFIiJLlmOopQRSWw")
_WATCH_VALUE = frozenset({"-n", "--interval", "-d", "-q", "--equexit", "--chgexit"})
_STATIC_FEEDERS = frozenset({"echo", "printf", "cat"})


_DESCENDS = frozenset({*SHELLS, "busybox", "su", "runuser", "eval", "trap", "xargs", "find", "watch", "ssh", "flock",
                       "parallel", "fd", "fdfind", "npx", "pnpx", "bunx", "npm", "pnpm", "yarn", "bun", "rimraf",
                       "del-cli", "del", "premove", "rm-cli", "trash-empty", "shx", *_EDITOR_VERBS,
                       "source", ".", "alias", "at", "batch", "script", *_INTERPRETERS})


def _sub(text: str, via: str, cmd: Command, result: Parse, variables: dict[str, str | None] | None = None) -> None:
    _parse(text, via, cmd.depth + 1, result, _State(cmd.cwd, variables))


def _descend(cmd: Command, result: Parse) -> None:
    """Queue the commands `cmd` itself runs: shell -c payloads, eval, xargs, find -exec, interpreters..."""
    if not cmd.argv:
        return
    verb = normalise_verb(cmd.argv[0])
    if result.scripts and _known_script(cmd, cmd.argv[0], result) is not None:
        _script_file(cmd, cmd.argv[0], "./" + verb, result)
    if cmd.verb_dynamic:  # `$SHELL -c '...'`, `${SH:-bash} -c ...`: the verb may well be a shell
        at = _shell_payload(cmd.argv[1:])
        if at is not None:
            _sub(cmd.argv[1:][at], f"{cmd.argv[0]} -c", cmd, result)
        return
    if verb not in _DESCENDS and not verb.startswith(("python", "pypy")):
        return
    args = cmd.argv[1:]
    if verb in SHELLS or (verb == "busybox" and args[:1] == ["sh"]):
        if verb == "busybox":
            args = args[1:]
        at = _shell_payload(args)
        if at is not None:
            payload, positional = args[at], args[at + 1:]
            names: dict[str, str | None] = {str(k): v for k, v in enumerate(positional)}
            names["@"] = names["*"] = " ".join(positional[1:])
            for word in positional:
                if word in cmd.dynamic:
                    for key, value in list(names.items()):
                        if value is not None and word in value:
                            names[key] = None
            if payload in cmd.dynamic:
                result.opaque.append((cmd, f"{verb} -c runs a script built at run time"))
            _sub(payload, f"{verb} -c", cmd, result, names)
        elif not [a for a in args if not a.startswith(("-", "+"))] or args[-1:] == ["-s"]:
            _stdin_script(cmd, verb, result)
        else:
            _script_file(cmd, next(a for a in args if not a.startswith(("-", "+"))), verb, result)
    elif verb in ("source", ".") and args:
        _script_file(cmd, args[0], verb, result)
    elif verb == "alias":  # `alias x='rm -rf src'`: judged as if it ran, since a later line may call it
        for a in args:
            _name, eq, value = a.partition("=")
            if eq and value:
                _sub(value, "alias", cmd, result)
    elif verb in ("at", "batch"):
        if "-f" not in args:
            _stdin_script(cmd, "sh", result)
    elif verb == "script":
        for k, a in enumerate(args):
            if (a == "--command" or (a[:1] == "-" and a[1:2] != "-" and a.endswith("c"))) and k + 1 < len(args):
                _sub(args[k + 1], "script -c", cmd, result)
    elif verb in ("su", "runuser"):
        for k, a in enumerate(args):
            if a in ("-c", "--command") and k + 1 < len(args):
                _sub(args[k + 1], f"{verb} -c", cmd, result)
            elif a.startswith("--command="):
                _sub(a.split("=", 1)[1], f"{verb} -c", cmd, result)
    elif verb == "eval" or verb == "trap":
        words = args
        if verb == "trap":
            words = [a for a in args if a not in ("--", "-p", "-l")][:1]
        if any(w in cmd.dynamic and not _setup_output(w) for w in words):
            result.opaque.append((cmd, f"{verb} runs text built at run time"))
        if words:
            _sub(" ".join(words), verb, cmd, result)
    elif verb == "xargs":
        from . import runners

        inner, replace = runners.xargs_command(args)
        if inner:
            text = known_input(cmd)
            nul = any(a in ("-0", "--null") for a in args)
            words = None if text is None else runners.input_words(text, nul)
            for argv in runners.fill(inner, words, replace):
                _nested(argv, "xargs", cmd, result, {runners.INPUT}, feeder=cmd)
    elif verb == "parallel":
        from . import runners

        inner, inputs = runners.parallel_command(args)
        if not inner:  # the lines it reads are the commands
            _stdin_script(cmd, "sh", result)
        else:
            if inputs is None:
                text = known_input(cmd)
                inputs = None if text is None else runners.input_words(text)
            for argv in runners.fill(inner, inputs, None, runners.PARALLEL_TOKENS):
                if len(argv) == 1 and " " in argv[0]:
                    _sub(argv[0], "parallel", cmd, result)  # parallel 'rm -rf {}': a shell command line
                else:
                    _nested(argv, "parallel", cmd, result, {runners.INPUT}, feeder=cmd)
    elif verb in ("fd", "fdfind"):
        from . import runners

        for inner in runners.fd_commands(args):
            for argv in runners.fill(inner, [runners.FOUND], None, runners.PARALLEL_TOKENS):
                _nested(argv, "fd -x", cmd, result, {runners.FOUND})
    elif verb in _NODE_VERBS:
        _node_tool(cmd, verb, args, result)
    elif verb in _EDITOR_VERBS:
        from . import editors

        for kind, value in editors.escapes(verb, args, known_input(cmd)):
            if kind == "shell":
                _sub(value, f"{verb} shell escape", cmd, result)
            elif kind == "argv":
                _nested(value, f"{verb} shell escape", cmd, result)
            else:
                result.opaque.append((cmd, f"{verb}: {value}"))
    elif verb == "find":
        k = 0
        while k < len(args):
            if args[k] in ("-exec", "-execdir", "-ok", "-okdir"):
                end = k + 1
                while end < len(args) and args[end] not in (";", "+"):
                    end += 1
                if end > k + 1:
                    _nested(args[k + 1:end], "find " + args[k], cmd, result, {"{}"}, feeder=cmd)
                k = end
            k += 1
    elif verb == "watch":
        k = 0
        direct = False
        while k < len(args) and args[k].startswith("-"):
            direct = direct or args[k] in ("-x", "--exec")
            k += 2 if args[k] in _WATCH_VALUE else 1
        if k < len(args):
            if direct:
                _nested(args[k:], "watch", cmd, result)
            else:
                _sub(" ".join(args[k:]), "watch", cmd, result)
    elif verb == "ssh":
        k = 0
        while k < len(args) and args[k].startswith("-"):
            flag = args[k]
            k += 2 if len(flag) == 2 and flag[1] in _SSH_VALUE else 1
        if k + 1 < len(args):
            _sub(" ".join(args[k + 1:]), "ssh", cmd, result)
    elif verb == "flock":
        for k, a in enumerate(args):
            if a in ("-c", "--command") and k + 1 < len(args):
                _sub(args[k + 1], "flock -c", cmd, result)
                return
        operands = [k for k, a in enumerate(args) if not a.startswith("-")]
        if operands and operands[0] + 1 < len(args):
            _nested(args[operands[0] + 1:], "flock", cmd, result)
    elif verb in _INTERPRETERS or verb.startswith(("python3.", "python2.")):
        _interpreter(cmd, _INTERPRETERS.get(verb, "python"), result)


def printed(cmd: Command) -> list[str]:
    """The text an `echo` or `printf` with static arguments prints, escapes decoded (every reading)."""
    from .decode import echo_output, printf_output

    if cmd.verb == "printf":
        return [printf_output(cmd.args)]
    return echo_output(cmd.args)


def _remember_script(cmd: Command, result: Parse) -> None:
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
            result.scripts[key] = (result.scripts.get(key, "") + "\n" + text) if r.mode == "append" else text


def _known_script(cmd: Command, path: str, result: Parse) -> str | None:
    if cmd.cwd is None or not result.scripts:
        return None
    return result.scripts.get(os.path.normpath(os.path.join(cmd.cwd, path)))


def _script_file(cmd: Command, script: str, verb: str, result: Parse) -> None:
    """`sh <(curl ...)`, `source "$X"`: a script whose content only exists at run time."""
    if script in ("/dev/stdin", "-"):
        _stdin_script(cmd, verb if verb in SHELLS or verb in ("source", ".") else cmd.verb, result)
        return
    text = _known_script(cmd, script, result)
    if text is not None:
        lang = _INTERPRETERS.get(normalise_verb(cmd.argv[0]))
        if lang is not None:
            _interpreter_code(cmd, lang, [text], result)
        else:
            _sub(text, f"{verb} {script}", cmd, result)
        return
    if script.startswith("<(") and script.endswith(")"):
        text = _echo_value(script[2:-1])  # `bash <(echo 'rm -rf src')`: the script is spelled out
        if text is not None:
            _sub(text, f"{verb} <( )", cmd, result)
            return
    if script.startswith("<(") or script in cmd.dynamic or script.startswith("/dev/fd/") or script == "/dev/stdin":
        result.opaque.append((cmd, f"{verb} runs a script produced at run time"))


def _stdin_script(cmd: Command, verb: str, result: Parse) -> list[str]:
    """The script a shell or interpreter reads on stdin, parsed when it is static; noted when it is not."""
    texts: list[str] = []
    for r in cmd.redirects:
        if r.mode == "herestring" and r.dyn & EXPANDS:
            result.opaque.append((cmd, f"{verb} reads a script produced at run time"))
        if r.mode in ("heredoc", "herestring"):
            texts.append(r.target)
        elif r.mode == "read" and (r.target in cmd.dynamic or r.target.startswith(("<(", "/dev/stdin"))):
            result.opaque.append((cmd, f"{verb} reads a script produced at run time"))
    prev = cmd.pipe_prev
    if prev is not None:
        static = prev.verb in _STATIC_FEEDERS and not any(a in prev.dynamic for a in prev.args)
        if static and prev.verb in ("echo", "printf"):
            texts.extend(printed(prev))
        elif static and prev.verb == "cat" and not prev.args:
            texts.extend(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
        else:
            result.opaque.append((cmd, f"{prev.verb or 'a command'} pipes text into {verb}, and the guard "
                                       "cannot see what it will run"))
    if verb in SHELLS or verb in ("busybox", "source", "."):
        for text in texts:
            _sub(text, f"| {verb}" if prev is not None else f"{verb} <<", cmd, result)
    return texts


def _interpreter(cmd: Command, lang: str, result: Parse) -> None:
    """`python -c`, `node -e`, `perl -e`, `ruby -e`, awk programs and scripts fed on stdin."""
    from . import interp

    codes = interp.inline_code(lang, cmd.args)
    if codes is None:  # runs a script file or module: its content is not part of the command
        script = next((a for a in cmd.args if not a.startswith("-")), "")
        if script:
            _script_file(cmd, script, cmd.verb, result)
        return
    if not codes:
        codes = _stdin_script(cmd, cmd.verb, result)
    _interpreter_code(cmd, lang, codes, result)


def _interpreter_code(cmd: Command, lang: str, codes: list[str], result: Parse) -> None:
    from . import interp

    for code in codes:
        if code in cmd.dynamic:
            result.opaque.append((cmd, f"{cmd.verb} runs code built at run time"))
        for kind, value in interp.effects(lang, code):
            if kind == "shell":
                _sub(value if isinstance(value, str) else "", f"{cmd.verb} shell-out", cmd, result)
            elif kind == "argv" and isinstance(value, list):
                _nested(value, f"{cmd.verb} shell-out", cmd, result)
            elif kind == "delete":
                target = value if isinstance(value, str) else "$(...)"
                deleted = Command(["rm", "-rf", target], [], f"{cmd.verb} tree deletion", cmd.depth + 1, cmd.cwd)
                if not isinstance(value, str):
                    deleted.dynamic.add(target)
                result.commands.append(deleted)
            elif kind == "write" and isinstance(value, str):
                cmd.writes.append((value, "truncate"))
            elif kind == "unlink" and isinstance(value, str):
                cmd.writes.append((value, "delete"))
            elif kind == "opaque":
                result.opaque.append((cmd, f"{cmd.verb} {value}"))


def _nested(argv: list[str], via: str, parent: Command, result: Parse,
            supplied: set[str] | frozenset[str] = frozenset(), feeder: Command | None = None) -> None:
    """A command `parent` runs with these words; `supplied` are words its runner fills in at run time."""
    depth = parent.depth + 1
    result.parses += 1
    if depth > MAX_DEPTH or result.parses > MAX_PARSES:
        result.exhausted = True
        return
    cmd = Command(list(argv), [], via, depth, parent.cwd)
    cmd.feeder = feeder
    cmd.dynamic = {a for a in argv if a in parent.dynamic or any(s in a for s in supplied)}
    cmd.splits = {a for a in argv if a in parent.splits}  # a supplied word is an operand, not a run of flags
    _unwrap(cmd, result)
    if cmd.argv:
        if not cmd.verb_dynamic:
            cmd.argv[0] = normalise_verb(cmd.argv[0])
        result.commands.append(cmd)
        _descend(cmd, result)


_NODE_VERBS = frozenset({"npx", "pnpx", "bunx", "npm", "pnpm", "yarn", "bun", "rimraf", "del-cli", "del", "premove",
                         "rm-cli", "trash-empty", "shx"})


def _node_tool(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    """`npx rimraf src` is `rm -rf src`: peel the package runner, read a deletion tool as rm."""
    from . import nodetools

    if verb in nodetools.VERBS:
        got = nodetools.launched(verb, args)
        if got is not None:
            kind, value = got
            if kind == "shell":
                _sub(str(value), f"{verb} -c", cmd, result)
            elif isinstance(value, list):
                _nested(value, verb, cmd, result)
    elif verb == nodetools.SHX and args:
        _nested(args, "shx", cmd, result)
    else:
        argv = nodetools.deletion(verb, args)
        if argv is not None:
            deleted = Command(argv, [], _via_of(cmd, verb), cmd.depth + 1, cmd.cwd)
            deleted.dynamic = {a for a in argv if a in cmd.dynamic}
            deleted.splits = {a for a in argv if a in cmd.splits}
            result.commands.append(deleted)


def _via_of(cmd: Command, how: str) -> str:
    return f"{cmd.via}, {how}" if cmd.via else how


def _setup_output(word: str) -> bool:
    """`$(ssh-agent -s)`, `` `direnv export bash` ``: the whole word is the output of a program that prints
    shell set-up for eval (envsetup), called with static words."""
    if word.startswith("$(") and word.endswith(")"):
        inner = word[2:-1]
    elif word.startswith("`") and word.endswith("`") and len(word) > 1:
        inner = word[1:-1]
    else:
        return False
    tokens = _Lexer(inner, []).run()
    if not tokens or any(t[0] != "w" or t[3] for t in tokens):
        return False
    from .envsetup import is_setup

    return is_setup([t[1] for t in tokens])


def known_input(cmd: Command) -> str | None:
    """The text on `cmd`'s stdin when the line spells it out (`echo a b |`, `<<< x`, a heredoc), else None."""
    for r in cmd.redirects:
        if r.mode in ("heredoc", "herestring") and not r.dyn & EXPANDS:
            return r.target
        if r.mode == "read":
            return None
    prev = cmd.pipe_prev
    if prev is None or prev.verb not in _STATIC_FEEDERS or any(a in prev.dynamic for a in prev.args):
        return None
    if prev.verb == "cat":
        if prev.args:
            return None
        return "\n".join(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
    return "\n".join(printed(prev))


def _shell_payload(args: list[str]) -> int | None:
    """Index of the script in `bash -c SCRIPT [arg0 args...]` (also `-lc`, `-ec`, `-o pipefail -c`), else None."""
    wants = False
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            k += 2
            continue
        if a.startswith("--"):
            k += 1
            continue
        if a[:1] in ("-", "+") and len(a) > 1:
            if "c" in a[1:]:
                wants = True
            k += 2 if a[-1] in "oO" else 1  # `-euxo pipefail`: the cluster's last flag takes a value
            continue
        return k if wants else None
    return None


# --------------------------------------------------------------------------- what a command writes

# Verbs whose arguments name files they write (see write_targets); anything else writes only via redirects.
WRITING_VERBS = frozenset({"tee", "sed", "gsed", "perl", "cp", "mv", "install", "ln", "rsync", "dd", "truncate",
                           "touch", "rm", "unlink", "shred", "rmdir", "curl", "wget", "git", "tar", "bsdtar",
                           "gtar", "unzip", "patch"})
_TEE_APPEND = frozenset({"-a", "--append"})
_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")


def write_targets(cmd: Command) -> list[tuple[str, str]]:
    """Files `cmd` would write, as (path as written, mode).

    mode: truncate | append | edit | replace (cp/mv destination) | create | delete. Covers redirects, tee,
    sed -i, cp/mv/install/ln targets, dd of=, truncate, touch, rm/unlink,
    and GNU `time -o`.
    """
    out: list[tuple[str, str]] = list(cmd.writes)
    for r in cmd.redirects:
        if r.mode in ("truncate", "append") and r.target and not (r.op in (">&", "<&") and r.target.isdigit()):
            out.append((r.target, r.mode))
    verb, args = cmd.verb, cmd.args
    operands = _operands(args)
    flags = {a for a in args if a.startswith("-")}
    if verb == "tee":
        mode = "append" if flags & _TEE_APPEND or any(f.startswith("-") and not f.startswith("--") and "a" in f
                                                      for f in flags) else "truncate"
        out.extend((p, mode) for p in operands)
    elif verb in ("sed", "gsed", "perl") and any(a == "-i" or a.startswith(("-i", "--in-place")) or
                                                 (a.startswith("-") and not a.startswith("--") and "i" in a)
                                                 for a in args):
        has_script = any(a in ("-e", "--expression", "-f", "--file") or a.startswith(("--expression=", "--file="))
                         for a in args)
        files = _sed_files(args)
        out.extend((p, "edit") for p in (files if has_script else files[1:]))
    elif verb in ("cp", "mv", "install", "ln", "rsync"):
        target = None
        for k, a in enumerate(args):
            if a in ("-t", "--target-directory") and k + 1 < len(args):
                target = args[k + 1] + "/"
            elif a.startswith("--target-directory="):
                target = a.split("=", 1)[1] + "/"
        if target is not None:
            out.append((target, "replace"))
            sources = [p for p in operands if p + "/" != target]
        elif len(operands) >= 2:
            out.append((operands[-1], "replace"))
            sources = operands[:-1]
        else:
            sources = []
        if verb == "mv":
            out.extend((p, "delete") for p in sources)
    elif verb == "dd":
        out.extend((a[3:], "truncate") for a in args if a.startswith("of="))
    elif verb == "truncate":
        out.extend((p, "truncate") for p in _operands(args, value_flags=("-s", "-r", "--size", "--reference")))
    elif verb == "touch":
        out.extend((p, "create") for p in _operands(args, value_flags=("-d", "-r", "-t", "--date", "--reference")))
    elif verb in ("rm", "unlink", "shred", "rmdir"):
        out.extend((p, "delete") for p in operands)
    elif verb in ("chmod", "chown", "chgrp", "chattr", "setfacl"):  # metadata: a runtime made unreadable is off
        out.extend((p, "edit") for p in operands[1:] if verb != "chattr" or not p.startswith("+"))
    elif verb == "curl":
        out.extend(_option_values(args, ("-o", "--output"), "truncate"))
        out.extend((args[k + 1], "truncate") for k, a in enumerate(args[:-1])
                   if a[:1] == "-" and a[1:2] != "-" and len(a) > 2 and a.endswith("o"))
        if any(a in ("-O", "--remote-name", "--remote-name-all") or (a[:1] == "-" and a[1:2] != "-" and "O" in a)
               for a in args):
            out.append((".", "create"))  # named after the URL, in the current directory
    elif verb == "wget":
        named = _option_values(args, ("-O", "--output-document"), "truncate")
        out.extend(named or _option_values(args, ("-P", "--directory-prefix"), "create", suffix="/") or
                   [(".", "create")])
    elif verb == "git":
        out.extend(_git_writes(args))
    elif verb in ("tar", "bsdtar", "gtar") and _tar_extracts(args):
        out.extend(_option_values(args, ("-C", "--directory"), "create", suffix="/") or [(".", "create")])
    elif verb == "unzip":
        out.extend(_option_values(args, ("-d",), "create", suffix="/") or [(".", "create")])
    elif verb == "patch":
        named = _option_values(args, ("-o", "--output"), "truncate")
        files = _operands(args, value_flags=("-i", "--input", "-p", "-o", "--output", "-d", "--directory", "-r",
                                             "-B", "-F", "-z", "-V", "-D"))
        out.extend(named or [(files[0], "edit")] if (named or files) else [(".", "edit")])
    return [(p, m) for p, m in out if p and not p.startswith(_DEVICES)]


def _option_values(args: list[str], names: tuple[str, ...], mode: str, suffix: str = "") -> list[tuple[str, str]]:
    """Values of options such as `-o FILE`, `-oFILE`, `--output=FILE`."""
    out: list[tuple[str, str]] = []
    for k, a in enumerate(args):
        for name in names:
            if a == name and k + 1 < len(args):
                out.append((args[k + 1].rstrip("/") + suffix, mode))
            elif name.startswith("--") and a.startswith(name + "="):
                out.append((a.split("=", 1)[1].rstrip("/") + suffix, mode))
            elif not name.startswith("--") and a.startswith(name) and len(a) > len(name):
                out.append((a[len(name):].rstrip("/") + suffix, mode))
    return out


def _tar_extracts(args: list[str]) -> bool:
    if any(a in ("--extract", "--get", "-x") for a in args):
        return True
    first = args[0] if args else ""
    return (first[:1] != "-" and "x" in first) or any(a[:1] == "-" and a[1:2] != "-" and "x" in a for a in args)


def _git_writes(args: list[str]) -> list[tuple[str, str]]:
    """Working-tree files a git subcommand overwrites or moves: mv, checkout/restore of paths, rm."""
    k = 0
    while k < len(args) and args[k].startswith("-"):
        k += 2 if args[k] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    sub, rest = (args[k], args[k + 1:]) if k < len(args) else ("", [])
    if sub == "mv":
        files = [a for a in rest if not a.startswith("-")]
        if len(files) >= 2:
            return [(files[-1], "replace"), *((p, "delete") for p in files[:-1])]
    elif sub in ("checkout", "restore"):
        if "--" in rest:
            return [(p, "edit") for p in rest[rest.index("--") + 1:]]
        if sub == "restore":
            return [(p, "edit") for p in _operands(rest, value_flags=("-s", "--source"))]
    elif sub == "rm" and not any(a == "--cached" for a in rest):
        return [(p, "delete") for p in _operands(rest)]
    return []


def _operands(args: list[str], value_flags: tuple[str, ...] = ()) -> list[str]:
    out, k, dd = [], 0, False
    while k < len(args):
        a = args[k]
        if dd or a == "-" or not a.startswith("-"):
            out.append(a)
        elif a == "--":
            dd = True
        elif a in value_flags:
            k += 1
        k += 1
    return out


def _sed_files(args: list[str]) -> list[str]:
    out, k = [], 0
    while k < len(args):
        a = args[k]
        if a in ("-e", "--expression", "-f", "--file", "-l", "--line-length"):
            k += 2
            continue
        if not a.startswith("-") or a == "-":
            out.append(a)
        k += 1
    return out


def skeleton(text: str) -> str:
    """`text` with quoted data removed: what is left is shell syntax and bare words."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = _skip_quoted(text, i)
        if j != i:
            if text[i] != "\\":  # a quoted string leaves a word break; an escape leaves nothing
                out.append(" ")
            i = j
            continue
        out.append(text[i])
        i += 1
    return "".join(out)
