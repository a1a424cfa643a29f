# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""SQL for the guard: what a database client on the command line would run, and a small lexer
that finds the statements in it (keywords count only where a statement starts).

`inputs` collects the SQL a client reads (`-c`/`-e` texts, `-f` files, heredocs, text piped
in, even the literals of a program generating SQL) and `matches` judges one `sql` rule
alternative against it; the rest of this module reads SQL text.

Searching the text for "drop table" blocks `psql -c "SELECT 'drop table'"` and
misses `DROP /* x */ TABLE`. This lexer reads SQL the way a server would, well
enough for that one question: string literals ('...', "...", E'...', $$...$$,
$tag$...$tag$), comments (`--`, nested `/* */`, and MySQL's `#`), quoted
identifiers, and `;` between statements. Each statement becomes the list of its
bare words (upper-cased) and punctuation; literals become a single `'` token.

Dialects disagree (MySQL strings take backslash escapes and `#` starts a
comment; PostgreSQL nests block comments and has dollar quotes), so `statements`
reads the text once per dialect and the guard flags a statement found by either
reading: a text crafted so one dialect sees a comment where the other sees a
`DROP` is still caught.

Every loop step consumes at least one character and no character is examined
twice except by one shared look-ahead for `]`, so the work is linear in the
input; `Lexer.work` counts the characters examined so a test can hold it to that.
"""

from __future__ import annotations

import os
import stat

from .pathglob import as_list, glob_match, is_glob
from .shellmodel import printed

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

    from .shellmodel import Command

    LineView = Any  # the guard's view of the line (lineview.py), which imports this module

_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
LITERAL = "'"


class Lexer:
    """Splits SQL text into statements of tokens; `mysql` selects MySQL's quoting and comments."""

    def __init__(self, text: str, mysql: bool = False) -> None:
        self.s, self.n, self.mysql = text, len(text), mysql
        self.work = 0
        self.literals: list[str] = []
        self._rb = -1

    def statements(self) -> list[list[str]]:
        s, n, mysql = self.s, self.n, self.mysql
        out: list[list[str]] = []
        current: list[str] = []
        literals: list[str] = []
        i = 0
        while i < n:
            c = s[i]
            start = i
            if c in " \t\r\n\f\v":
                i += 1
            elif c == ";":
                if current:
                    out.append(current)
                current = []
                i += 1
            elif (c == "#" and mysql) or (c == "-" and s.startswith("-", i + 1) and
                                          (not mysql or i + 2 >= n or s[i + 2] in " \t\r\n\f\v")):
                j = s.find("\n", i)
                i = n if j < 0 else j + 1
            elif c == "/" and s.startswith("*", i + 1):
                if mysql and s.startswith("!", i + 2):  # /*! ... */ runs in MySQL: read it as code
                    i += 3
                    while i < n and s[i].isdigit():
                        i += 1
                elif mysql:
                    j = s.find("*/", i + 2)
                    i = n if j < 0 else j + 2
                else:
                    i = self._nested_comment(i + 2)
            elif mysql and c == "*" and s.startswith("/", i + 1):
                i += 2  # the end of a /*! ... */ block
            elif c == "'" or (c in "eEnNbBxX" and s.startswith("'", i + 1) and not _word_before(s, i)):
                q = i if c == "'" else i + 1
                backslash = mysql or c in "eE"
                i, text = self._quoted(q, "'", backslash)
                current.append(LITERAL)
                literals.append(text)
            elif c == '"':
                i, text = self._quoted(i, '"', mysql)
                current.append(LITERAL if mysql else '"' + text.upper())
                if mysql:
                    literals.append(text)
            elif c == "`" and mysql:
                i, text = self._quoted(i, "`", False)
                current.append("`" + text.upper())
            elif c == "[" and not mysql and self._bracket_end(i) - i < 256:
                j = self._bracket_end(i)
                current.append("[" + s[i + 1:j].upper())
                i = min(j + 1, n)
            elif c == "$" and not mysql and not _word_before(s, i):
                j = i + 1
                while j < n and (s[j].isalnum() or s[j] == "_") and not (j == i + 1 and s[j].isdigit()):
                    j += 1
                if j < n and s[j] == "$":
                    tag = s[i:j + 1]
                    k = s.find(tag, j + 1)
                    body = s[j + 1:] if k < 0 else s[j + 1:k]
                    i = n if k < 0 else k + len(tag)
                    current.append(LITERAL)
                    literals.append(body)
                else:
                    current.append(s[i:j])
                    i = j
            elif c in _WORD:
                j = i + 1
                while j < n and s[j] in _WORD:
                    j += 1
                current.append(s[i:j].upper())
                i = j
            else:
                current.append(c)
                i += 1
            self.work += i - start
        if current:
            out.append(current)
        self.literals = literals
        return out

    def _bracket_end(self, i: int) -> int:
        """Where the `]` after `i` is (the end when none): searched once per `]`, so many `[`
        without a closing bracket cost one scan, not one scan each."""
        if self._rb < i:
            j = self.s.find("]", i)
            self._rb = self.n if j < 0 else j
            self.work += self._rb - i  # characters the search looked at ahead of the lexer
        return self._rb

    def _nested_comment(self, i: int) -> int:
        s, n, depth = self.s, self.n, 1
        while i < n:
            if s.startswith("*/", i):
                depth -= 1
                i += 2
                if depth == 0:
                    return i
            elif s.startswith("/*", i):
                depth += 1
                i += 2
            else:
                i += 1
        return n

    def _quoted(self, i: int, q: str, backslash: bool) -> tuple[int, str]:
        """Index past the literal opening at `i`, and its text; a doubled quote is one quote."""
        s, n = self.s, self.n
        buf: list[str] = []
        j = i + 1
        while j < n:
            c = s[j]
            if backslash and c == "\\" and j + 1 < n:
                buf.append(s[j + 1])
                j += 2
            elif c == q:
                if s.startswith(q, j + 1):
                    buf.append(q)
                    j += 2
                else:
                    return j + 1, "".join(buf)
            else:
                buf.append(c)
                j += 1
        return n, "".join(buf)


def _word_before(s: str, i: int) -> bool:
    return i > 0 and s[i - 1] in _WORD


def statements(text: str) -> list[list[str]]:
    """Statements as read by the standard/PostgreSQL rules and by MySQL's, both lists joined."""
    return [*Lexer(text).statements(), *Lexer(text, mysql=True).statements()]


# Leading words that run the statement after them, so `EXPLAIN ANALYZE DELETE FROM t` is a DELETE.
_PREFIXES = frozenset({"EXPLAIN", "ANALYZE", "ANALYSE", "VERBOSE", "BEGIN"})
# Statements whose string literals are themselves SQL that runs.
_RUNS_LITERALS = frozenset({"DO", "EXEC", "EXECUTE", "PREPARE", "CALL", "SP_EXECUTESQL"})


def head(tokens: list[str]) -> list[str]:
    """The statement's words from its verb on: EXPLAIN options and `PREPARE x AS` dropped."""
    k = 0
    while k < len(tokens) and (tokens[k] in _PREFIXES or tokens[k] == "("):
        if tokens[k] == "(":  # EXPLAIN (ANALYZE, FORMAT JSON)
            while k < len(tokens) and tokens[k] != ")":
                k += 1
        k += 1
    if tokens[k:k + 1] == ["PREPARE"] and "AS" in tokens[k:]:
        k = tokens.index("AS", k) + 1
    return tokens[k:]


MYSQL_CLIENTS = frozenset({"mysql", "mariadb", "mycli", "mysqlsh"})
POSTGRES_CLIENTS = frozenset({"psql", "pgcli", "cockroach", "usql"})


# Clients whose SQL (T-SQL) needs no `;` between statements: a keyword anywhere may start one.
ANYWHERE_CLIENTS = frozenset({"sqlcmd", "isql", "osql", "tsql", "mssql-cli"})


def dialects_for(client: str) -> tuple[bool, ...]:
    """Which readings apply (False: standard/PostgreSQL, True: MySQL); both for other clients."""
    if client in MYSQL_CLIENTS:
        return (True,)
    if client in POSTGRES_CLIENTS:
        return (False,)
    return (False, True)


def find(text: str, patterns: list[str], lacks: list[str] | None = None, contains: list[str] | None = None,
         depth: int = 0, dialects: tuple[bool, ...] = (False, True), anywhere: bool = False) -> str | None:
    """The first statement of `text` that starts with one of `patterns` (words, `*` for any one
    word), has every word in `contains` and none in `lacks`; None when there is none.

    `anywhere` also tries every later word of a statement as a start: T-SQL needs no `;`
    between statements, and a procedural body (`BEGIN ... IF x THEN DROP ...`) nests them.
    The words of `lacks` and `contains` are looked up by their last position, so this stays
    one pass per statement however many candidate starts it has."""
    wanted = [p.upper().split() for p in patterns]
    lacks_set = {w.upper() for w in lacks or []}
    need = {w.upper() for w in contains or []}
    firsts = {pat[0] for pat in wanted if pat}
    for dialect in dialects:
        lexer = Lexer(text, mysql=dialect)
        for tokens in lexer.statements():
            words = head(tokens)
            last: dict[str, int] = {}
            if lacks_set or need:
                for k, w in enumerate(words):
                    if w in lacks_set or w in need:
                        last[w] = k
            for start in range(len(words)) if anywhere else range(1 if words else 0):
                if words[start] not in firsts and "*" not in firsts:
                    continue
                for pat in wanted:
                    fits = len(words) - start >= len(pat) and all(
                        p == "*" or p == w for p, w in zip(pat, words[start:start + len(pat)], strict=False))
                    if fits and all(last.get(w, -1) >= start for w in need) and \
                            not any(last.get(w, -1) >= start for w in lacks_set):
                        return " ".join(words[start:start + len(pat)])
            if words and words[0] in _RUNS_LITERALS and depth < 3 and lexer.literals:
                literals, lexer.literals = lexer.literals, []  # each literal is read once per dialect
                for literal in literals:
                    found = find(literal, patterns, lacks, contains, depth + 1, dialects, anywhere=True)
                    if found:
                        return found
    return None


# Client commands (at the start of a line) that read another file, or run a shell command.
_READS = (".read ", "\\i ", "\\ir ", "\\include ", "\\include_relative ", "source ", "\\. ")
_SHELLS = (".shell ", ".system ", "\\! ", "system ", "\\system ")


def meta_commands(text: str) -> tuple[list[str], list[str]]:
    """(files read, shell commands run) by client meta-commands in `text`: sqlite's `.read` and
    `.shell`, psql's `\\i` and `\\!`, mysql's `source` and `system`."""
    files: list[str] = []
    shells: list[str] = []
    if "." not in text and "\\" not in text and "source" not in text.lower() and "system" not in text.lower():
        return files, shells
    for line in text.splitlines():
        stripped = line.strip()
        low = stripped.lower()
        for prefix in _READS:
            if low.startswith(prefix):
                files.append(stripped[len(prefix):].strip().rstrip(";").strip("'\""))
        for prefix in _SHELLS:
            if low.startswith(prefix):
                shells.append(stripped[len(prefix):].strip())
    return files, shells


def generated(words: list[str]) -> list[str]:
    """SQL a program piped into a client may print, read from its arguments: the string literals in
    them (`python3 -c 'print("DROP TABLE t")'`, `psql -Atc "select 'drop table ' || ..."`, awk's
    `print "TRUNCATE " $1`) and the replacement of a sed `s` command (`sed 's/^/DROP TABLE /'`)."""
    out: list[str] = []
    for word in words[:64]:
        if len(word) > 3 and word[0] == "s" and not word[1].isalnum() and not word[1].isspace():
            parts = word[2:].split(word[1])
            if len(parts) >= 2:
                out.append(parts[1])
        k, n = 0, min(len(word), 1 << 16)
        while k < n:
            quote = word[k]
            if quote in "'\"":
                end = word.find(quote, k + 1)
                if end < 0:
                    break
                if end > k + 1:
                    out.append(word[k + 1:end])
                k = end + 1
                continue
            k += 1
    return out


# --------------------------------------------------------------------------- a client's SQL and sql rules

_SQL_FEEDERS = frozenset({"echo", "printf", "cat"})
_SQL_FILE_OPTS = ("-f", "--file", "-i", "--input-file", "--queries-file", "--init-file", "--init")
_SQL_MAX_FILE = 1 << 20
_OVERSIZED = "DROP TABLE"  # a file too large to read is judged as if it dropped everything


def inputs(cmd: Command, clients: list[str] | frozenset[str]) -> tuple[str, list[str], list[str]] | None:
    """(client, SQL texts, files it reads) when `cmd` runs one of `clients`, else None."""
    args = cmd.args
    client = cmd.verb
    if not _is_client(cmd.verb, clients):
        # `docker exec db psql -c ...`, `kubectl exec pod -- mysql -e ...`
        at = next((k for k, a in enumerate(args) if _is_client(a.rsplit("/", 1)[-1], clients)), None)
        if at is None:
            return None
        client = args[at].rsplit("/", 1)[-1]
        args = args[at + 1:]
    texts: list[str] = []
    files: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        name, eq, value = a.partition("=")
        if a in _SQL_FILE_OPTS and k + 1 < len(args):
            files.append(args[k + 1])
            k += 2
            continue
        if eq and name in _SQL_FILE_OPTS:
            files.append(value)
        elif a.startswith("--"):
            texts.append(value if eq else "")
        elif a.startswith("-") and len(a) > 2:
            (files if a[:2] in ("-f", "-i") else texts).append(a[2:])
        elif not a.startswith("-"):
            texts.append(a)
        k += 1
    texts.extend(r.target for r in cmd.redirects if r.mode in ("heredoc", "herestring"))
    files.extend(r.target for r in cmd.redirects if r.mode == "read" and r.op == "<")
    prev, hops = cmd.pipe_prev, 0
    while prev is not None and hops < 8:
        if prev.verb in ("echo", "printf"):
            texts.extend(prev.args)
            texts.extend(printed(prev))
        if prev.verb == "cat":
            files.extend(a for a in prev.args if not a.startswith("-"))
        if prev.verb in _SQL_FEEDERS:
            texts.extend(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
        else:  # SQL generated by a program: the statements it prints are spelled in its string literals
            texts.extend(generated(prev.args))
        prev, hops = prev.pipe_prev, hops + 1
    return client, [t for t in texts if t], files


def _is_client(word: str, clients: list[str] | frozenset[str]) -> bool:
    return word in clients or any(glob_match(c, word) for c in clients if is_glob(c))


def matches(alt: dict[str, Any], cmd: Command, ev: LineView) -> bool:
    got = inputs(cmd, as_list(alt["clients"]))
    if got is None:
        return False
    client, texts, files = got
    seen: set[str] = set()
    for _ in range(3):  # files named by `-f`, `<`, and by `.read`/`\\i`/`source` inside the SQL, two levels deep
        for text in texts:
            files.extend(meta_commands(text)[0])
        fresh = [f for f in files if f and f != "-" and f not in seen]
        if not fresh:
            break
        seen.update(fresh)
        texts = texts + [_file_text(f, cmd, ev) for f in fresh]
    dialects = dialects_for(client)
    for text in list(texts):
        if "\\gexec" in text or "\\gset" in text:  # psql runs the query's result text as SQL
            lexer = Lexer(text)
            lexer.statements()
            texts.extend(lexer.literals)
    statements, lacks, contains = as_list(alt["statements"]), alt.get("lacks"), alt.get("contains")
    anywhere = client in ANYWHERE_CLIENTS
    return any(t and find(t, statements, lacks, contains, dialects=dialects, anywhere=anywhere) for t in texts)


def _file_text(name: str, cmd: Command, ev: LineView) -> str:
    """The SQL a client would read from file `name`. A file that does not exist yet but is written
    earlier in the same command line, one in an unknown directory, or one too large to read,
    is judged as destructive: its text cannot be known now."""
    where = ev.where(cmd)
    if where is None and not name.startswith("/"):
        return _OVERSIZED
    path = os.path.normpath(os.path.join(where or "/", os.path.expanduser(name)))
    if path == os.devnull:
        return ""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block or never end
            return _OVERSIZED
        with open(path, "rb") as fh:
            data = fh.read(_SQL_MAX_FILE + 1)
    except OSError:
        from .writeeffects import write_targets

        for other in ev.parsed.commands:
            other_where = ev.where(other)
            for target, _mode in write_targets(other):
                if other_where is None or os.path.normpath(os.path.join(other_where, target)) == path:
                    return _OVERSIZED
        return ""
    if len(data) > _SQL_MAX_FILE:
        return _OVERSIZED
    return data.decode("utf-8", errors="replace")
