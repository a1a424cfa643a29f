# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The shell parse walk, written for the guards: every simple command a line would run.

The guards must judge what a shell would run, not what a string mentions:
`git commit -m "undo git reset --hard"` runs git commit, while
`bash -c "rm -rf src"` runs rm. So this module reads the lexer's tokens
(lexer.py) into the commands of the parse model (shellmodel.py), including
the ones hidden inside `$( )`, backticks, `( )`, `bash -c`, `eval`, `xargs`
and `find -exec`, with wrappers such as `sudo`, `env` or `timeout` peeled off
(the tables of programs are in programs.py). The walk descends into those
nested texts by calling itself, so it stays one module; a verb whose arguments
hold commands has one small handler in `_DESCENTS`.

It never raises on bad input: an unterminated quote runs to the end of the
text (the shell would refuse it, but judging the part before it is safer than
judging nothing). Nesting deeper than the budget sets `Parse.exhausted`; a text
longer than `MAX_CHARS`, or one the parser cannot finish before its deadline,
sets `Parse.unjudgeable` (limits.py); the guard denies both at every
enforcement level.

Beyond finding commands, the parser tracks the shell state a reader needs to
know what a command touches: `cd`/`pushd`/`popd` (each command carries the
directory it runs in, see `Command.cwd`), variables assigned earlier in the same
line, positional parameters of `sh -c '...' _ args`, and `$(echo ...)`
(expansion.py). Anything it cannot know statically is marked dynamic rather
than guessed.
"""

from __future__ import annotations

import os

from .expansion import ShellState, brace_expand, echo_value, expand, is_assignment, split_fields
from .lexer import TOO_DEEP, Lexer
from .limits import DEADLINE_SECONDS, MAX_CHARS, MAX_DEPTH, MAX_PARSES, OvertimeError, start
from .programs import (
    EDITOR_VERBS,
    INTERPRETERS,
    KNOWN_BOOLEAN,
    NODE_VERBS,
    SHELLS,
    SSH_VALUE,
    STATIC_FEEDERS,
    WATCH_VALUE,
    WRAPPERS,
    normalise_verb,
    shell_payload,
)
from .shellmodel import EXPANDS, GLOBS, Command, Parse, Redirect, known_input, printed, quote

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable, Iterable

_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
                       "esac", "in"})
_LOOP_HEADS = frozenset({"for", "select", "case", "function"})


def parse(text: str, deadline: float = DEADLINE_SECONDS) -> Parse:
    """Every simple command `text` would run, outermost first.

    Never raises: a text too long, too slow or too deep to judge comes back with
    `unjudgeable` set (and whatever was found before that point).
    """
    result = Parse()
    if len(text) > MAX_CHARS:
        result.unjudgeable = (f"it is {len(text):,} characters long, more than the {MAX_CHARS:,} the guard "
                              "judges in one call")
        return result
    start(deadline)
    import gc

    collecting = gc.isenabled()
    gc.disable()  # a long line makes many small objects and none of them cycles: collection only costs time
    _STARTUP_RESULT.append(result)
    try:
        _parse(text, "", 0, result, ShellState())
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


class _Line:
    """Per-text bookkeeping for functions (fork-bomb detection) and subshell scopes."""

    __slots__ = ("bodies", "level", "pending_fn", "scopes")

    def __init__(self) -> None:
        self.bodies: list[tuple[str, int]] = []
        self.level = 0
        self.pending_fn = ""
        self.scopes: list[ShellState] = []


def _parse(text: str, via: str, depth: int, result: Parse, state: ShellState) -> None:
    result.parses += 1
    if depth > MAX_DEPTH or result.parses > MAX_PARSES:
        result.exhausted = True
        return
    lexer = Lexer(text, result.notes)
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
        if sub == TOO_DEEP:
            result.exhausted = True
            continue
        _parse(sub, "$( )", depth + 1, result, state.copy())


_UNUSUAL_FIRST = frozenset({*_RESERVED, *_LOOP_HEADS, "coproc"})
_CLOSERS = frozenset({"done", "fi", "esac", "}"})


def _finish(words: list[tuple[str, bool, int]], redirects: list[Redirect], via: str, depth: int, result: Parse,
            pipe_prev: Command | None, state: ShellState, line: _Line, op: str) -> Command | None:
    """Turn one segment's words into commands: drop keywords and assignments, unwrap, recurse."""
    if words and not redirects and pipe_prev is None and not line.bodies and op not in ("|", "|&"):
        first = words[0][0]
        if first not in _UNUSUAL_FIRST and "=" not in first and not any(w[2] for w in words) and \
                not any("{" in w[0] for w in words):
            cmd = Command([w[0] for w in words], redirects, via, depth, state.cwd)
            if first in WRAPPERS or "/" in first:
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
    while assigned < len(words) and is_assignment(words[assigned][0]):
        assigned += 1
    if assigned == len(words) and assigned > start:  # `x=rm`: sets a shell variable for the rest of the line
        for text, _q, dyn in words[start:]:
            name, _eq, value = text.partition("=")
            resolved, known = expand(value, True, dyn, state)
            state.vars[name.rstrip("+")] = resolved if known else None
    dynamic: set[str] = set()
    splits: set[str] = set()
    argv: list[str] = []
    for text, quoted, dyn in words[assigned:]:
        for word in brace_expand(text) if not quoted and "{" in text and "," in text else (text,):
            if dyn & EXPANDS:
                value, known = expand(word, quoted, dyn, state)
                if not known:
                    dynamic.add(word)
                    if not quoted:
                        splits.add(word)
                    argv.append(word)
                elif quoted and "$@" not in word and "${@}" not in word:
                    argv.append(value)
                else:
                    argv.extend(split_fields(value, state) or [""])
            else:
                if dyn & GLOBS and not argv:
                    dynamic.add(word)
                argv.append(word)
    for r in redirects:
        if r.dyn & EXPANDS and r.mode not in ("heredoc", "herestring"):
            value, known = expand(r.target, r.quoted, r.dyn, state)
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
        result.remember_script(cmd)
    result.commands.append(cmd)
    if cmd.argv and line.bodies and (op in ("|", "|&", "&") or pipe_prev is not None) and \
            any(cmd.argv[0] == name for name, _level in line.bodies):
        result.fork_bombs.append(cmd)
    _track(cmd, state)
    _descend(cmd, result)
    return cmd


_TRACKED = frozenset({"cd", "pushd", "chdir", "popd", "export", "declare", "typeset", "local", "readonly", "read",
                      "mapfile", "readarray", "set"})


def _track(cmd: Command, state: ShellState) -> None:
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
            if is_assignment(a):
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
            text = result.known_script(cmd, value)
            if text is not None:
                _sub(text, name, cmd, result)
            elif value.startswith("<(") and value.endswith(")") and echo_value(value[2:-1]) is not None:
                _sub(echo_value(value[2:-1]) or "", name, cmd, result)
            else:
                result.opaque.append((cmd, f"{name} makes every bash it starts run {value}, which the guard "
                                           "cannot read"))


def _unwrap(cmd: Command, result: Parse) -> None:
    """Peel wrappers off in place; a wrapper's unknown option is read both ways."""
    for _ in range(8):
        if not cmd.argv:
            return
        verb = normalise_verb(cmd.argv[0])
        spec = WRAPPERS.get(verb)
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
                           ShellState(cmd.cwd))
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
                               ShellState(cmd.cwd))
                        cmd.argv = []
                        return
                    if verb == "time" and flag == "-o":
                        cmd.writes.append((value, "truncate"))
                    break
                if verb not in ("nohup", "command", "builtin") and alternative is None and \
                        flag not in KNOWN_BOOLEAN.get(verb, ()):
                    # Unknown option: also read it as taking the next word as its value.
                    alternative = [verb, *args[i + 2:]] if j == len(a) - 1 else None
                j += 1
            i += consumed
        rest = args[i + skip:] if i + skip <= len(args) else []
        if verb == "sudo" and rest and any(a in ("-s", "-i", "--shell", "--login") or
                                           (a[:1] == "-" and a[1:2] != "-" and ("s" in a or "i" in a))
                                           for a in args[:i]):
            # `sudo -s CMD`: the words run through the target user's shell
            _parse(" ".join(rest), f"sudo {args[0]}", cmd.depth + 1, result, ShellState(cmd.cwd))
        if alternative is not None and len(alternative) > 1:
            twin = Command(alternative[1:], list(cmd.redirects), cmd.via, cmd.depth, cmd.cwd)
            twin.pipe_prev, twin.dynamic, twin.splits = cmd.pipe_prev, cmd.dynamic, cmd.splits
            _unwrap(twin, result)
            if twin.argv:
                twin.argv[0] = normalise_verb(twin.argv[0])
                result.commands.append(twin)
                _descend(twin, result)
        cmd.argv = rest
        while cmd.argv and (is_assignment(cmd.argv[0]) or cmd.argv[0] in _KEYWORD_PREFIXES):
            cmd.argv = cmd.argv[1:]  # `time { ...; }`, `time ! cmd`: the keyword's command is what runs


_KEYWORD_PREFIXES = frozenset({"{", "!"})


def _sub(text: str, via: str, cmd: Command, result: Parse, variables: dict[str, str | None] | None = None) -> None:
    _parse(text, via, cmd.depth + 1, result, ShellState(cmd.cwd, variables))


def _descend(cmd: Command, result: Parse) -> None:
    """Queue the commands `cmd` itself runs: shell -c payloads, eval, xargs, find -exec, interpreters..."""
    if not cmd.argv:
        return
    verb = normalise_verb(cmd.argv[0])
    if result.scripts and result.known_script(cmd, cmd.argv[0]) is not None:
        _script_file(cmd, cmd.argv[0], "./" + verb, result)
    if cmd.verb_dynamic:  # `$SHELL -c '...'`, `${SH:-bash} -c ...`: the verb may well be a shell
        at = shell_payload(cmd.argv[1:])
        if at is not None:
            _sub(cmd.argv[1:][at], f"{cmd.argv[0]} -c", cmd, result)
        return
    handler = _DESCENTS.get(verb)
    if handler is None and verb.startswith(("python3.", "python2.")):
        handler = _interpreted
    if handler is not None:
        handler(cmd, verb, cmd.argv[1:], result)


# Each handler below reads one kind of verb whose arguments (or stdin) hold commands:
# handler(cmd, verb as normalised, its arguments, the parse in progress).

def _shell(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    """`bash -c SCRIPT arg0 args`, `sh < file`, `bash script.sh`."""
    at = shell_payload(args)
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


def _busybox(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    if args[:1] == ["sh"]:
        _shell(cmd, verb, args[1:], result)


def _source(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    if args:
        _script_file(cmd, args[0], verb, result)


def _alias(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    """`alias x='rm -rf src'`: judged as if it ran, since a later line may call it."""
    for a in args:
        _name, eq, value = a.partition("=")
        if eq and value:
            _sub(value, "alias", cmd, result)


def _at(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    if "-f" not in args:
        _stdin_script(cmd, "sh", result)


def _script(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    for k, a in enumerate(args):
        if (a == "--command" or (a[:1] == "-" and a[1:2] != "-" and a.endswith("c"))) and k + 1 < len(args):
            _sub(args[k + 1], "script -c", cmd, result)


def _su(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    for k, a in enumerate(args):
        if a in ("-c", "--command") and k + 1 < len(args):
            _sub(args[k + 1], f"{verb} -c", cmd, result)
        elif a.startswith("--command="):
            _sub(a.split("=", 1)[1], f"{verb} -c", cmd, result)


def _eval(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    """`eval WORDS`, `trap 'CMD' SIGNAL`: the words are a command line."""
    words = args
    if verb == "trap":
        words = [a for a in args if a not in ("--", "-p", "-l")][:1]
    if any(w in cmd.dynamic for w in words):
        from .envsetup import is_setup_output

        if any(w in cmd.dynamic and not is_setup_output(w) for w in words):
            result.opaque.append((cmd, f"{verb} runs text built at run time"))
    if words:
        _sub(" ".join(words), verb, cmd, result)


def _xargs(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    from . import runners

    inner, replace = runners.xargs_command(args)
    if inner:
        text = known_input(cmd)
        nul = any(a in ("-0", "--null") for a in args)
        words = None if text is None else runners.input_words(text, nul)
        for argv in runners.fill(inner, words, replace):
            _nested(argv, "xargs", cmd, result, {runners.INPUT}, feeder=cmd)


def _parallel(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    from . import runners

    inner, inputs = runners.parallel_command(args)
    if not inner:  # the lines it reads are the commands
        _stdin_script(cmd, "sh", result)
        return
    if inputs is None:
        text = known_input(cmd)
        inputs = None if text is None else runners.input_words(text)
    for argv in runners.fill(inner, inputs, None, runners.PARALLEL_TOKENS):
        if len(argv) == 1 and " " in argv[0]:
            _sub(argv[0], "parallel", cmd, result)  # parallel 'rm -rf {}': a shell command line
        else:
            _nested(argv, "parallel", cmd, result, {runners.INPUT}, feeder=cmd)


def _fd(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    from . import runners

    for inner in runners.fd_commands(args):
        for argv in runners.fill(inner, [runners.FOUND], None, runners.PARALLEL_TOKENS):
            _nested(argv, "fd -x", cmd, result, {runners.FOUND})


def _editor(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    from . import editors

    for kind, value in editors.escapes(verb, args, known_input(cmd)):
        if kind == "shell":
            _sub(value, f"{verb} shell escape", cmd, result)
        elif kind == "argv":
            _nested(value, f"{verb} shell escape", cmd, result)
        else:
            result.opaque.append((cmd, f"{verb}: {value}"))


def _find(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
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


def _watch(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    k = 0
    direct = False
    while k < len(args) and args[k].startswith("-"):
        direct = direct or args[k] in ("-x", "--exec")
        k += 2 if args[k] in WATCH_VALUE else 1
    if k < len(args):
        if direct:
            _nested(args[k:], "watch", cmd, result)
        else:
            _sub(" ".join(args[k:]), "watch", cmd, result)


def _ssh(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    k = 0
    while k < len(args) and args[k].startswith("-"):
        flag = args[k]
        k += 2 if len(flag) == 2 and flag[1] in SSH_VALUE else 1
    if k + 1 < len(args):
        _sub(" ".join(args[k + 1:]), "ssh", cmd, result)


def _flock(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    for k, a in enumerate(args):
        if a in ("-c", "--command") and k + 1 < len(args):
            _sub(args[k + 1], "flock -c", cmd, result)
            return
    operands = [k for k, a in enumerate(args) if not a.startswith("-")]
    if operands and operands[0] + 1 < len(args):
        _nested(args[operands[0] + 1:], "flock", cmd, result)


def _interpreted(cmd: Command, verb: str, args: list[str], result: Parse) -> None:
    _interpreter(cmd, INTERPRETERS.get(verb, "python"), result)


def _script_file(cmd: Command, script: str, verb: str, result: Parse) -> None:
    """`sh <(curl ...)`, `source "$X"`: a script whose content only exists at run time."""
    if script in ("/dev/stdin", "-"):
        _stdin_script(cmd, verb if verb in SHELLS or verb in ("source", ".") else cmd.verb, result)
        return
    text = result.known_script(cmd, script)
    if text is not None:
        lang = INTERPRETERS.get(normalise_verb(cmd.argv[0]))
        if lang is not None:
            _interpreter_code(cmd, lang, [text], result)
        else:
            _sub(text, f"{verb} {script}", cmd, result)
        return
    if script.startswith("<(") and script.endswith(")"):
        text = echo_value(script[2:-1])  # `bash <(echo 'rm -rf src')`: the script is spelled out
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
        static = prev.verb in STATIC_FEEDERS and not any(a in prev.dynamic for a in prev.args)
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




def _registry(*entries: tuple[Iterable[str], Callable[[Command, str, list[str], Parse], None]]) -> dict[
        str, Callable[[Command, str, list[str], Parse], None]]:
    """Verb -> handler; a verb listed twice keeps its first handler (`bun` runs packages before it runs code)."""
    table: dict[str, Callable[[Command, str, list[str], Parse], None]] = {}
    for verbs, handler in entries:
        for verb in verbs:
            table.setdefault(verb, handler)
    return table


# The verbs whose arguments or input hold further commands, and who reads them. `_descend` looks a
# verb up here (a `python3.x` not listed is read as python); any other verb runs nothing nested.
_DESCENTS = _registry(
    (SHELLS, _shell), (("busybox",), _busybox), (("source", "."), _source), (("alias",), _alias),
    (("at", "batch"), _at), (("script",), _script), (("su", "runuser"), _su), (("eval", "trap"), _eval),
    (("xargs",), _xargs), (("parallel",), _parallel), (("fd", "fdfind"), _fd), (NODE_VERBS, _node_tool),
    (EDITOR_VERBS, _editor), (("find",), _find), (("watch",), _watch), (("ssh",), _ssh), (("flock",), _flock),
    (INTERPRETERS, _interpreted),
)
