# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The shell lexer: text to tokens, the way a POSIX shell reads it.

Quotes, escapes, comments, heredocs, redirects, `$'...'` quoting and the
brackets of substitutions are read here; the text of every `$( )`, backtick
and process substitution is queued for the parser to read as commands of its
own. Every scan is a single left-to-right pass with an explicit stack (no
recursion per bracket, no backtracking regular expression), so the time is
linear in the length of the text and deep nesting cannot overflow Python's
stack.
"""

from __future__ import annotations

from .limits import MAX_DEPTH
from .limits import clock as current_clock
from .shellmodel import EXPANDS, GLOBS, Redirect

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

_NOT_WORD = frozenset(" \t\n;&|<>()")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
         "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")
_GLOB = frozenset("*?[")
TOO_DEEP = "\x00too-deep"  # queued as a substitution: marks the parse as exhausted

_PLAIN: Any = None
_PLAIN_PATTERN = r"[^\s;&|<>()\\'\"`$*?\[#]+"
_SPECIAL = frozenset(";&|<>()\\'\"`$*?[#")  # with whitespace: the characters `_PLAIN_PATTERN` stops at
_SHORT = 2048  # up to this length a text is scanned in Python: cheaper than compiling the pattern


class _Run:
    """What the lexer reads of a `re.Match`: the run's text and where it ends."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def group(self) -> str:
        return self._text[self._start:self._end]

    def end(self) -> int:
        return self._end


def _short_run(s: str, i: int) -> _Run | None:
    """`re.match(_PLAIN_PATTERN, s[i:])`, scanned in Python (`str.isspace` is the pattern's `\\s`)."""
    end, n = i, len(s)
    while end < n:
        c = s[end]
        if c in _SPECIAL or c.isspace():
            break
        end += 1
    return _Run(s, i, end) if end > i else None


def _plain_run(s: str) -> Any:
    """`match(s, i)` of a run of characters with no meaning to the shell. A short text (every ordinary
    command) is scanned in Python; a long one with the pattern, compiled on first use, not at import.

    A character class with `+` cannot backtrack, so this stays linear.
    """
    global _PLAIN
    if len(s) <= _SHORT:
        return _short_run
    if _PLAIN is None:
        import re

        _PLAIN = re.compile(_PLAIN_PATTERN).match
    return _PLAIN


class Lexer:
    """Turns text into tokens: ('w', text, quoted, dyn), ('op', op), ('r', Redirect).

    `dyn` has EXPANDS set when the word holds a parameter expansion or a
    substitution outside single quotes, and GLOBS when it holds an unquoted
    glob character: the parser resolves or marks such words.
    """

    def __init__(self, s: str, notes: list[str]) -> None:
        self.s, self.n, self.notes = s, len(s), notes
        self.subs: list[str] = []
        self.tokens: list[tuple[Any, ...]] = []
        self.pending: list[tuple[Redirect, str, bool, bool]] = []
        self.arithmetic = True

    def run(self) -> list[tuple[Any, ...]]:
        s, n, i = self.s, self.n, 0
        clock = current_clock()
        steps = 0
        plain = _plain_run(s)
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
        j = find_close(self.s, i + 2, ")")
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
        s, clock = self.s, current_clock()
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
        plain = _plain_run(s)
        while i < n:
            run = plain(s, i)
            if run is not None:  # the common case: a stretch of ordinary characters, copied at C speed
                buf.append(run.group())
                i = run.end()
                continue
            c = s[i]
            if c in "<>" and s.startswith("(", i + 1):  # process substitution
                j = find_close(s, i + 2, ")")
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
                j = backtick_end(s, i + 1)
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
                    j = find_close(s, i + 2, ")")
                    j = j + 1 if s.startswith(")", j + 1) else j
                    _DoubleScan("", self.subs).inner(s[i + 3:j])  # $(( $(cmd) )) runs cmd
                    buf.append(s[i:j + 1])
                    dyn |= EXPANDS
                    i = j + 1
                elif nxt == "(":
                    j = find_close(s, i + 2, ")")
                    if j >= n:
                        self.notes.append("unterminated $( )")
                    self.subs.append(s[i + 2:j])
                    buf.append(s[i:j + 1])
                    dyn |= EXPANDS
                    i = j + 1
                elif nxt == "{":
                    j = find_close(s, i + 2, "}")
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
                    if nxt and (nxt in NAME_START or nxt in SPECIAL_PARAMS):
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
            self.subs.append(TOO_DEEP)
        else:
            _DoubleScan(text, self.subs, self.level + 1).scan(0, stop='')

    def scan(self, i: int, stop: str) -> int:
        s, n, out = self.s, len(self.s), self.out
        clock = current_clock()
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
                j = backtick_end(s, i + 1)
                self.subs.append(s[i + 1:j].replace("\\`", "`"))
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            elif c == "$" and s.startswith("((", i + 1):
                j = find_close(s, i + 2, ")")
                j = j + 1 if s.startswith(")", j + 1) else j
                self.inner(s[i + 3:j])
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            elif c == "$" and s.startswith("(", i + 1):
                j = find_close(s, i + 2, ")")
                self.subs.append(s[i + 2:j])
                out.append(s[i:j + 1])
                self.expands = True
                i = j + 1
            else:
                if c == "$" and i + 1 < n and (s[i + 1] in NAME_START or s[i + 1] in SPECIAL_PARAMS or
                                                s[i + 1] == "{"):
                    self.expands = True
                out.append(c)
                i += 1
        self.unterminated = bool(stop)
        return n


def backtick_end(s: str, i: int) -> int:
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
        return min(len(s), find_close(s, i + 1, '"') + 1)
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


def find_close(s: str, i: int, kind: str) -> int:
    """Index of what closes `kind` (')' for `$(`/`(`, '}' for `${`, '"', '`') opened just before `i`.

    One pass with an explicit stack: quotes, nested substitutions, comments and
    heredoc bodies inside `$( )` are skipped as the shell would (so an
    apostrophe in a heredoc body cannot hide the rest of the line), and no
    depth of nesting can overflow Python's stack. Returns len(s) when unclosed.
    """
    n = len(s)
    stack = [kind]
    heredocs: list[tuple[str, bool]] = []
    clock = current_clock()
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
