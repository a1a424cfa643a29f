# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Word expansion as far as the line itself decides it: parameters assigned earlier on the line,
`$(echo ...)`, braces and field splitting, and the shell state (directory, variables) they read.

Anything whose value only exists at run time (the environment, a command's output) is reported
as unknown, never guessed: the parser then marks the word dynamic.
"""

from __future__ import annotations

from .lexer import NAME_START, SPECIAL_PARAMS, Lexer, backtick_end, find_close
from .shellmodel import EXPANDS


class ShellState:
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

    def copy(self) -> ShellState:
        twin = ShellState(self.cwd, self.vars)
        twin.dirs = list(self.dirs)
        return twin


def expand(word: str, quoted: bool, dyn: int, state: ShellState) -> tuple[str, bool]:
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
            j = backtick_end(word, i + 1)
            value = echo_value(word[i + 1:j])
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
            j = find_close(word, i + 2, ")")
            value = echo_value(word[i + 2:j])
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
        elif nxt in NAME_START:
            j = i + 1
            while j < n and (word[j].isalnum() or word[j] == "_"):
                j += 1
            name = word[i + 1:j]
            i = j
        elif nxt in SPECIAL_PARAMS:
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


def split_fields(value: str, state: ShellState) -> list[str]:
    """Word splitting of an unquoted expansion, honouring an IFS assigned earlier on the line."""
    ifs = state.vars.get("IFS")
    if ifs:
        for c in ifs:
            value = value.replace(c, " ")
    return value.split()


def echo_value(script: str) -> str | None:
    """What `$(echo a b)` or `$(printf a)` prints, when the words are static; else None."""
    tokens = Lexer(script, []).run()
    if not tokens or any(t[0] != "w" or t[3] for t in tokens):
        return None
    argv = [t[1] for t in tokens]
    if (argv[0] == "which" or argv[:2] in (["command", "-v"], ["type", "-P"], ["type", "-p"])) and \
            len(argv) == 1 + (argv[0] != "which") + 1:
        return "/usr/bin/" + str(argv[-1])  # `$(which rm)`: the program's path; its name is what counts
    if argv[0] in ("echo", "printf"):  # escapes decoded as the shell would: $(printf '\x72\x6d') is rm
        from .decode import echo_output, printf_output

        text = echo_output(argv[1:])[-1] if argv[0] == "echo" else printf_output(argv[1:])
        return text.strip("\n")
    return None


def brace_expand(word: str, budget: int = 64, groups: int = 0) -> list[str]:
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
        for tail in brace_expand(suffix, budget, groups + 1) if "{" in suffix and "," in suffix else [suffix]:
            out.append(prefix + part + tail)
            if len(out) >= budget:
                return out
    return [w for w in out if w] or [word]


def is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and bool(name) and (name[0].isalpha() or name[0] == "_") and \
        all(c.isalnum() or c == "_" for c in name.rstrip("+"))
