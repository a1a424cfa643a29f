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
judging nothing). Nesting deeper than the budget sets `Parse.exhausted`, and
the guard treats that as a reason to deny.
"""

from __future__ import annotations

MAX_DEPTH = 6
MAX_PARSES = 48

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "busybox-sh"})
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
}
_XARGS_VALUE = frozenset({"-a", "-d", "-E", "-e", "-I", "-i", "-L", "-l", "-n", "-P", "-s", "--arg-file",
                          "--delimiter", "--eof", "--replace", "--max-lines", "--max-args", "--max-procs",
                          "--max-chars", "--process-slot-var"})
_XARGS_OPTIONAL = frozenset({"-e", "-i", "-l"})  # these take their value only when attached


class Redirect:
    """One redirection. mode: truncate | append | read | dup | heredoc | herestring.

    For heredoc and herestring, `target` holds the data itself.
    """

    __slots__ = ("fd", "mode", "op", "target")

    def __init__(self, op: str, target: str, fd: str = "") -> None:
        self.op, self.target, self.fd = op, target, fd
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
    'find -exec'); `pipe_prev` is the command whose output feeds this one.
    `writes` holds extra files a wrapper writes (GNU `time -o FILE`).
    """

    __slots__ = ("argv", "depth", "pipe_prev", "redirects", "via", "writes")

    def __init__(self, argv: list[str], redirects: list[Redirect], via: str = "", depth: int = 0) -> None:
        self.argv, self.redirects, self.via, self.depth = argv, redirects, via, depth
        self.pipe_prev: Command | None = None
        self.writes: list[tuple[str, str]] = []

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


class Parse:
    """Every simple command found in one command line, in order."""

    __slots__ = ("commands", "exhausted", "notes", "parses")

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.exhausted = False
        self.notes: list[str] = []
        self.parses = 0


# --------------------------------------------------------------------------- lexer

class _Lexer:
    """Turns text into tokens: ('w', text, quoted), ('op', op), ('r', Redirect)."""

    def __init__(self, s: str, notes: list[str]) -> None:
        self.s, self.n, self.notes = s, len(s), notes
        self.subs: list[str] = []
        self.tokens: list[tuple] = []
        self.pending: list[tuple[Redirect, str, bool, bool]] = []

    def run(self) -> list[tuple]:
        s, n, i = self.s, self.n, 0
        while i < n:
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
                i = self._word(i)
        if self.pending:
            self.notes.append("heredoc without its terminating line")
            for redirect, _d, _s, _q in self.pending:
                redirect.target = ""
        return self.tokens

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
        if op in ("<<", "<<-"):
            redirect.target = ""
            self.pending.append((redirect, target, op == "<<-", quoted))
        self.tokens.append(("r", redirect))
        return i

    def _heredocs(self, i: int) -> int:
        s = self.s
        while self.pending:
            redirect, delim, strip, quoted = self.pending.pop(0)
            body: list[str] = []
            while i < self.n:
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
        while i < n:
            c = s[i]
            if c in "<>" and s.startswith("(", i + 1):  # process substitution
                j = _match_paren(s, i + 2)
                self.subs.append(s[i + 2:j])
                buf.append(s[i:j + 1])
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
                quoted = True
            elif c == "`":
                j = _backtick_end(s, i + 1)
                self.subs.append(s[i + 1:j].replace("\\`", "`"))
                buf.append(s[i:j + 1])
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
                    quoted = True
                elif s.startswith("$((", i):
                    j = _match_paren(s, i + 2)
                    j = j + 1 if s.startswith(")", j + 1) else j
                    buf.append(s[i:j + 1])
                    i = j + 1
                elif nxt == "(":
                    j = _match_paren(s, i + 2)
                    self.subs.append(s[i + 2:j])
                    buf.append(s[i:j + 1])
                    i = j + 1
                elif nxt == "{":
                    j = s.find("}", i)
                    j = n - 1 if j < 0 else j
                    inner = s[i + 2:j]
                    if _is_ifs(inner):
                        i = j + 1
                        if buf or quoted:
                            break
                        continue
                    buf.append(s[i:j + 1])
                    i = j + 1
                elif s.startswith("$IFS", i) and not (s[i + 4:i + 5].isalnum() or s[i + 4:i + 5] == "_"):
                    i += 4
                    if buf or quoted:
                        break
                    continue
                else:
                    buf.append("$")
                    i += 1
            else:
                buf.append(c)
                i += 1
        if buf or quoted:
            self.tokens.append(("w", "".join(buf), quoted))
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
                    buf.append(chr(int(s[i + 2:j], 16)) if j > i + 2 else e)
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

    def __init__(self, s: str, subs: list[str]) -> None:
        self.s, self.subs = s, subs
        self.out: list[str] = []
        self.unterminated = False

    def scan(self, i: int, stop: str) -> int:
        s, n, out = self.s, len(self.s), self.out
        while i < n:
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
                i = j + 1
            elif c == "$" and s.startswith("((", i + 1):
                j = _match_paren(s, i + 2)
                j = j + 1 if s.startswith(")", j + 1) else j
                out.append(s[i:j + 1])
                i = j + 1
            elif c == "$" and s.startswith("(", i + 1):
                j = _match_paren(s, i + 2)
                self.subs.append(s[i + 2:j])
                out.append(s[i:j + 1])
                i = j + 1
            else:
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
        return _DoubleScan(s, []).scan(i + 1, stop='"')
    return i


def _match_paren(s: str, i: int) -> int:
    """Index of the `)` closing a `(` that ends just before `i` (quote-aware)."""
    depth, n = 1, len(s)
    while i < n:
        j = _skip_quoted(s, i)
        if j != i:
            i = j
            continue
        c = s[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


# --------------------------------------------------------------------------- parser

def parse(text: str) -> Parse:
    """Every simple command `text` would run, outermost first."""
    result = Parse()
    _parse(text, "", 0, result)
    for cmd in result.commands:
        if cmd.argv:
            cmd.argv[0] = normalise_verb(cmd.argv[0])
    return result


def normalise_verb(word: str) -> str:
    """`/bin/rm`, `./rm`, `rm.exe` -> rm (quotes and backslashes are gone after lexing)."""
    base = word.rsplit("/", 1)[-1] or word
    return base[:-4] if base.lower().endswith(".exe") else base


def _parse(text: str, via: str, depth: int, result: Parse) -> None:
    result.parses += 1
    if depth > MAX_DEPTH or result.parses > MAX_PARSES:
        result.exhausted = True
        return
    lexer = _Lexer(text, result.notes)
    tokens = lexer.run()
    words: list[tuple[str, bool]] = []
    redirects: list[Redirect] = []
    previous: Command | None = None
    piped = False
    for token in tokens:
        kind = token[0]
        if kind == "w":
            words.append((token[1], token[2]))
        elif kind == "r":
            redirects.append(token[1])
        else:
            op = token[1]
            if op == "(" and words:  # `name() { ...; }`: a function definition, not a call
                words = []
                continue
            made = _finish(words, redirects, via, depth, result, previous if piped else None)
            if made is not None:
                previous = made
            words, redirects = [], []
            if op in ("|", "|&"):
                piped = True
            elif op != "(" and op != ")":
                piped, previous = False, None
    _finish(words, redirects, via, depth, result, previous if piped else None)
    for sub in lexer.subs:
        _parse(sub, "$( )", depth + 1, result)


def _finish(words: list[tuple[str, bool]], redirects: list[Redirect], via: str, depth: int, result: Parse,
            pipe_prev: Command | None) -> Command | None:
    """Turn one segment's words into commands: drop keywords and assignments, unwrap, recurse."""
    start = 0
    while start < len(words) and not words[start][1] and words[start][0] in _RESERVED:
        start += 1
    if start < len(words) and not words[start][1] and words[start][0] in _LOOP_HEADS:
        words = []  # `for x in a b`, `case $x in`: the words are data
    while start < len(words) and not words[start][1] and _is_assignment(words[start][0]):
        start += 1
    argv = [w for w, _q in words[start:]]
    if not argv and not redirects:
        return None
    cmd = Command(argv, redirects, via, depth)
    cmd.pipe_prev = pipe_prev
    _unwrap(cmd, result)
    result.commands.append(cmd)
    _descend(cmd, result)
    return cmd


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
            if verb == "env" and _is_assignment(a):
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
                    _parse(" ".join([value, *(quote(x) for x in args[i + 1:])]), "env -S", cmd.depth + 1, result)
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
                        _parse(" ".join([value, *(quote(x) for x in rest)]), "env -S", cmd.depth + 1, result)
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
        if alternative is not None and len(alternative) > 1:
            twin = Command(alternative[1:], list(cmd.redirects), cmd.via, cmd.depth)
            twin.pipe_prev = cmd.pipe_prev
            _unwrap(twin, result)
            if twin.argv:
                twin.argv[0] = normalise_verb(twin.argv[0])
                result.commands.append(twin)
                _descend(twin, result)
        cmd.argv = rest
        while cmd.argv and _is_assignment(cmd.argv[0]):
            cmd.argv = cmd.argv[1:]


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


def _descend(cmd: Command, result: Parse) -> None:
    """Queue the commands `cmd` itself runs: shell -c payloads, eval, xargs, find -exec."""
    if not cmd.argv:
        return
    verb = normalise_verb(cmd.argv[0])
    args = cmd.argv[1:]
    depth = cmd.depth + 1
    if verb in SHELLS or (verb == "busybox" and args[:1] == ["sh"]):
        payload = _shell_payload(args)
        if payload is not None:
            _parse(payload, f"{verb} -c", depth, result)
        elif not [a for a in args if not a.startswith(("-", "+"))]:  # reads its script from stdin
            for r in cmd.redirects:
                if r.mode in ("heredoc", "herestring"):
                    _parse(r.target, f"{verb} <<", depth, result)
            prev = cmd.pipe_prev
            if prev is not None and prev.verb in ("echo", "printf"):
                _parse(" ".join(prev.args), f"| {verb}", depth, result)
            elif prev is not None and prev.verb == "cat":
                for r in prev.redirects:
                    if r.mode in ("heredoc", "herestring"):
                        _parse(r.target, f"| {verb}", depth, result)
    elif verb in ("su", "runuser"):
        for k, a in enumerate(args):
            if a in ("-c", "--command") and k + 1 < len(args):
                _parse(args[k + 1], f"{verb} -c", depth, result)
            elif a.startswith("--command="):
                _parse(a.split("=", 1)[1], f"{verb} -c", depth, result)
    elif verb == "eval":
        _parse(" ".join(args), "eval", depth, result)
    elif verb == "xargs":
        inner = _xargs_command(args)
        if inner:
            _nested(inner, "xargs", depth, result)
    elif verb == "find":
        k = 0
        while k < len(args):
            if args[k] in ("-exec", "-execdir", "-ok", "-okdir"):
                end = k + 1
                while end < len(args) and args[end] not in (";", "+"):
                    end += 1
                if end > k + 1:
                    _nested(args[k + 1:end], "find " + args[k], depth, result)
                k = end
            k += 1
    elif verb in ("watch", "flock") and args:
        pass  # not run through a shell we can see reliably; the guard judges their own words


def _nested(argv: list[str], via: str, depth: int, result: Parse) -> None:
    result.parses += 1
    if depth > MAX_DEPTH or result.parses > MAX_PARSES:
        result.exhausted = True
        return
    cmd = Command(list(argv), [], via, depth)
    _unwrap(cmd, result)
    if cmd.argv:
        cmd.argv[0] = normalise_verb(cmd.argv[0])
        result.commands.append(cmd)
        _descend(cmd, result)


def _shell_payload(args: list[str]) -> str | None:
    """The script of `bash -c SCRIPT` (also `-lc`, `-ec`, `-o pipefail -c`), else None."""
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
            k += 1
            continue
        return a if wants else None
    return None


def _xargs_command(args: list[str]) -> list[str]:
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            return args[k + 1:]
        if not a.startswith("-") or a == "-":
            return args[k:]
        name = a.split("=", 1)[0]
        if a.startswith("--"):
            k += 1 if "=" in a or name not in _XARGS_VALUE else 2
            continue
        flag = a[:2]
        if flag in _XARGS_VALUE and len(a) == 2 and flag not in _XARGS_OPTIONAL:
            k += 2
        else:
            k += 1
    return []


# --------------------------------------------------------------------------- what a command writes

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
    elif verb in ("rm", "unlink", "shred"):
        out.extend((p, "delete") for p in operands)
    return [(p, m) for p, m in out if p and not p.startswith(_DEVICES)]


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
