# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Programs that run another command with operands they supply: xargs, GNU parallel, fd -x.

`git branch --merged | xargs git branch -D` deletes branches although `git branch -D` is written
without one. Every rule must see such operands, not only the rm rule, so the parser gives the
inner command the words its input supplies: the static text of `echo`/`printf`/a heredoc when
the input is known, otherwise one placeholder word that the rules treat as unknowable (it may be
any path or name, so no allow-list accepts it and a rule that needs "some operand" matches).
"""

from __future__ import annotations

INPUT = "${INPUT}"  # an operand supplied at run time; contains `$`, so every rule reads it as unknown
FOUND = "{}"  # a path find or fd supplies

_XARGS_VALUE = frozenset({"-a", "-d", "-E", "-e", "-I", "-i", "-L", "-l", "-n", "-P", "-s", "--arg-file",
                          "--delimiter", "--eof", "--replace", "--max-lines", "--max-args", "--max-procs",
                          "--max-chars", "--process-slot-var"})
_XARGS_OPTIONAL = frozenset({"-e", "-i", "-l"})  # these take their value only when attached
_PARALLEL_VALUE = frozenset({"-j", "--jobs", "-P", "--max-procs", "-N", "-n", "--max-args", "-L", "--max-lines",
                             "-S", "--sshlogin", "-I", "--delay", "--timeout", "--joblog", "--results", "--res",
                             "--tmpdir", "-a", "--arg-file", "--colsep", "-C", "-d", "--delimiter", "-E",
                             "--workdir", "--wd", "--env", "--halt", "--retries", "--memfree", "--load",
                             "--basefile", "--bf", "--return", "--sshloginfile", "--slf", "--tag-string",
                             "--tagstring", "--limit", "--termseq", "--rpl", "--shebang-wrap", "--block",
                             "--blocksize", "--recstart", "--recend", "--nice", "--progress-bar"})
PARALLEL_TOKENS = ("{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}")
_FD_VALUE = frozenset({"-e", "--extension", "-t", "--type", "-d", "--max-depth", "--min-depth", "--exact-depth",
                       "-E", "--exclude", "-S", "--size", "--changed-within", "--changed-before", "-o", "--owner",
                       "-j", "--threads", "--base-directory", "--search-path", "-c", "--color", "--ignore-file",
                       "--max-results", "--path-separator", "--format", "--batch-size", "--strip-cwd-prefix"})
_FD_EXEC = frozenset({"-x", "--exec", "-X", "--exec-batch"})


def xargs_command(args: list[str]) -> tuple[list[str], str | None]:
    """(the command xargs runs, its replace string or None)."""
    replace: str | None = None
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            return args[k + 1:], replace
        if not a.startswith("-") or a == "-":
            return args[k:], replace
        name = a.split("=", 1)[0]
        if a.startswith("--"):
            if name == "--replace":
                replace = a.split("=", 1)[1] if "=" in a else "{}"
            k += 1 if "=" in a or name not in _XARGS_VALUE else 2
            continue
        flag = a[:2]
        if flag == "-I":
            replace = a[2:] or (args[k + 1] if k + 1 < len(args) else "{}")
        elif flag == "-i":
            replace = a[2:] or "{}"
        if flag in _XARGS_VALUE and len(a) == 2 and flag not in _XARGS_OPTIONAL:
            k += 2
        else:
            k += 1
    return [], replace


def parallel_command(args: list[str]) -> tuple[list[str], list[str] | None]:
    """(the command GNU parallel runs, the inputs given after `:::` or None when read from stdin or a file)."""
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            k += 1
            break
        if not a.startswith("-") or a in ("-", ":::", "::::", ":::+", "::::+"):
            break
        k += 1 if "=" in a or a.split("=", 1)[0] not in _PARALLEL_VALUE else 2
    rest = args[k:]
    for sep in (":::", ":::+", "::::", "::::+"):
        if sep in rest:
            at = rest.index(sep)
            inputs = [w for w in rest[at + 1:] if w not in (":::", ":::+")]
            return rest[:at], (inputs if sep.startswith(":::") and "::::" not in rest else None)
    return rest, None


def fd_commands(args: list[str]) -> list[list[str]]:
    """The commands `fd ... -x CMD` / `-X CMD` runs on what it finds (up to `;` or the end)."""
    out: list[list[str]] = []
    k = 0
    while k < len(args):
        a = args[k]
        name = a.split("=", 1)[0]
        if a in _FD_EXEC:
            end = k + 1
            while end < len(args) and args[end] != ";":
                end += 1
            if end > k + 1:
                out.append(args[k + 1:end])
            k = end + 1
            continue
        k += 2 if name in _FD_VALUE and "=" not in a else 1
    return out


def fill(inner: list[str], words: list[str] | None, replace: str | None,
         tokens: tuple[str, ...] = ()) -> list[list[str]]:
    """Each command the runner would start, with its input put where it goes: in place of the
    replace string (or of parallel's `{}`, `{.}`...) or appended. Unknown input is `INPUT`."""
    items = words if words is not None else [INPUT]
    marks = (replace,) if replace else tokens
    placed = [w for w in inner if any(m and m in w for m in marks)]
    if not placed:
        return [list(inner)] if replace else [[*inner, *items]]
    out: list[list[str]] = []
    for item in items[:8]:
        argv = []
        for w in inner:
            for m in marks:
                if m:
                    w = w.replace(m, item)
            argv.append(w)
        out.append(argv)
    return out


def input_words(text: str, nul: bool = False) -> list[str]:
    """The operands xargs/parallel read from known input text."""
    return [w for w in (text.split("\0") if nul else text.split()) if w]
