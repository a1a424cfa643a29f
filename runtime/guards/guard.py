# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Destructive-command guard: judges parsed commands against the policy's rules.

Rules describe structure (verb, subcommand, flags, operands), never a regex over
the raw text, so `git commit -m "never git reset --hard"` passes while
`sudo env X=1 /bin/rm -fr src` and `bash -c "git push -f"` are caught. The
parser (shell.py) has already peeled wrappers and found nested commands; this
module only decides.

Blocking does not depend on `enforcement`: a destructive command is denied at
every level, and so is a command the guard could not finish judging (too long,
too slow, too deep). `enforcement` decides what happens when a command's verb
or a destructive argument is unknowable before it runs (strict denies, warn/off
warn), and when the guard itself cannot work (its policy is unreadable): then
strict denies and warn/off allow with a notice, unless the command names a
destructive verb, which is denied regardless. `allow-destructive-ops: true`
lifts the guard, and the banner says so.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..hookpath.context import HookContext
from ..hookpath.decision import DENY, WARN, Decision, cannot_judge, risky_words
from .pathglob import glob_match
from .limits import OvertimeError, clock
from .shell import parse
from .shellmodel import Command, Parse, known_input, printed, quote, resolve_cwd
from .writeeffects import WRITING_VERBS, write_targets

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

_MAX_EXPANSIONS = 32
_DB_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlite", "sqlcmd", "duckdb", "clickhouse-client",
                         "clickhouse", "cockroach", "mycli", "pgcli", "litecli", "usql", "snowsql", "mysqlsh"})
_GLOB_CHARS = frozenset("*?[")
_CONTAINER_ENGINES = frozenset({"docker", "podman", "nerdctl", "finch", "lima-nerdctl"})
_SCRIPT_RUNNERS = frozenset({"npm", "pnpm", "yarn", "bun", "make", "gmake", "bmake"})


class Hit:
    """One rule matching one command."""

    __slots__ = ("command", "rule")

    def __init__(self, rule: dict[str, Any], command: Command | None) -> None:
        self.rule, self.command = rule, command

    @property
    def severity(self) -> str:
        return str(self.rule["severity"])


def check_command(command: str, ctx: HookContext | None = None, parsed: Parse | None = None) -> Decision:
    """The guard's decision for one shell command line.

    The cyclic garbage collector is paused while it judges: a large command builds
    hundreds of thousands of small objects, and the collector's repeated passes over
    them cost more than the judging itself (a 100,000-command line took twice as
    long with it on). Reference counting still frees everything that is not a cycle.
    """
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return _check_command(command, ctx, parsed)
    finally:
        if paused:
            gc.enable()


def _check_command(command: str, ctx: HookContext | None, parsed: Parse | None) -> Decision:
    if ctx is not None and ctx.config.get("allow-destructive-ops"):
        return Decision()
    from . import policy as policy_mod

    root = ctx.root if ctx is not None else _root()
    cwd = str(ctx.cwd) if ctx is not None else os.getcwd()
    enforcement = ctx.enforcement if ctx is not None else "strict"
    try:
        pol = policy_mod.load(root)
    except policy_mod.PolicyError as exc:
        risky = risky_words(command)
        return cannot_judge("check this command", str(exc), enforcement, "guard-policy-unreadable",
                            "The command can run once the policy file is restored.", risky[0] if risky else "")
    parsed = parsed if parsed is not None else parse(command)
    if parsed.unjudgeable:
        return unjudgeable(parsed.unjudgeable)
    if any(note.startswith("unterminated") for note in parsed.notes):
        risky = risky_words(command)
        if risky:  # text swallowed by an unclosed quote or bracket must not hide a destructive verb
            return unjudgeable(f"it has an {parsed.notes[0]}, and the text it swallows names '{risky[0]}'")
    try:
        hits = evaluate(parsed, command, pol.rules, root, cwd)
        decision = decide(hits, parsed)
        if not decision.denied:
            unknown = judge_unknown(parsed, pol.rules, root, cwd, enforcement)
            if unknown is not None and (unknown.denied or decision.action != WARN):
                decision = unknown
    except OvertimeError:
        return unjudgeable("the guard could not finish checking it in time")
    if pol.overlay_error and not decision.denied:
        note = Decision(WARN, f"session-orchestrator guard: {pol.overlay_error}.", "guard-overlay-invalid")
        if decision.action == WARN:
            return Decision(WARN, decision.reason + "\n" + note.reason, decision.rule + "," + note.rule)
        return note
    return decision


def unjudgeable(why: str) -> Decision:
    """A command the guard could not judge is denied at every level: time or size must never buy a pass."""
    return Decision(DENY, f"session-orchestrator blocked this command because it could not judge it: {why}. "
                          "Split it into smaller calls: run each step separately, and write long data to a "
                          "file with the Write tool instead of putting it on the command line.",
                    "guard-unjudgeable")


def judge_unknown(parsed: Parse, rules: list[dict[str, Any]], root: Path, cwd: str,
                  enforcement: str) -> Decision | None:
    """Commands whose verb or a destructive argument is unknowable, and code the guard cannot see.

    Each command with a dynamic word is re-judged with that word replaced by what a
    rule needs there (a verb, a subcommand, a flag); if any such reading would be
    blocked, the command is unknown-destructive. Under strict that denies, otherwise
    it warns. Dynamic text piped into a shell or an interpreter counts the same.
    """
    found: list[tuple[Command, str]] = list(parsed.opaque)
    ticker = clock()
    for cmd in parsed.commands:
        ticker.tick()
        if not cmd.dynamic or not cmd.argv:
            continue
        rule = _what_if(cmd, rules, root, cwd)
        if rule:
            found.append((cmd, f"with the value it gets at run time it could match rule {rule}"))
    if not found:
        return None
    cmd, why = found[0]
    segment = _segment(cmd)
    head = "blocked this command" if enforcement == "strict" else "allowed this command with a warning"
    text = (f"session-orchestrator {head} (rule guard-unknown): part of it cannot be known before it runs.\n"
            f"Segment: {segment}\nWhy: {why}.\n"
            "Safer: write the command out literally (no variables, $(...), globs or decoded text in the verb or "
            "in a destructive argument), or save the script to a file, read it, and run that file.")
    return Decision(DENY if enforcement == "strict" else WARN, text, "guard-unknown")


def _what_if(cmd: Command, rules: list[dict[str, Any]], root: Path, cwd: str) -> str:
    import fnmatch

    verb_unknown = cmd.verb_dynamic
    pattern = cmd.argv[0].rsplit("/", 1)[-1]
    is_glob = verb_unknown and any(c in _GLOB_CHARS for c in pattern) and "$" not in pattern and "`" not in pattern
    unknown_args = [k for k, a in enumerate(cmd.argv) if k and a in cmd.dynamic and ("$" in a or "`" in a)]
    if not verb_unknown and not unknown_args:
        return ""
    for rule in rules:
        if rule["severity"] != "block":
            continue
        match = rule["match"]
        for alt in match if isinstance(match, list) else [match]:
            if alt.get("kind", "command") != "command":
                continue
            verbs = [v for v in _as_list(alt.get("verb")) if not any(c in _GLOB_CHARS for c in v)]
            if verb_unknown and not set(alt) - {"verb", "kind", "via"} and \
                    not any(a.startswith("/dev/") for a in cmd.argv[1:]):
                continue  # a verb-only rule (mkfs) would make every `$X args` suspect; its args must hint at it
            if verb_unknown:
                if is_glob:
                    verbs = [v for v in verbs if fnmatch.fnmatchcase(v, pattern)]
            elif not any(glob_match(v, cmd.verb) for v in _as_list(alt.get("verb"))):
                continue
            else:
                verbs = [cmd.verb]
            sub = list(alt.get("sub") or [])
            fill = [*sub, *(group[0] for group in alt.get("flags") or [])]
            for verb in verbs:
                argv = [verb]
                for k, a in enumerate(cmd.argv[1:], 1):
                    if k not in unknown_args:
                        argv.append(a)
                    elif a in cmd.splits:  # unquoted: may become several words, flags included
                        argv.extend(fill)
                    else:  # one quoted word: at most the subcommand the rule needs there
                        argv.append(sub[k - 1] if k - 1 < len(sub) else a)
                twin = Command(argv, cmd.redirects, cmd.via, cmd.depth, cmd.cwd)
                if _match_command(alt, twin, root, cwd):
                    return str(rule["id"])
    return ""


def _root() -> Path:
    from ..paths import project_root

    return project_root()


def decide(hits: list[Hit], parsed: Parse) -> Decision:
    if parsed.unjudgeable:
        return unjudgeable(parsed.unjudgeable)
    blocks = [h for h in hits if h.severity == "block"]
    if parsed.exhausted and not blocks:
        return Decision(DENY, "session-orchestrator blocked this command: it nests shells, substitutions or eval "
                              "too deeply to check. Run the inner commands directly, one per call.",
                        "too-deeply-nested")
    if blocks:
        first = blocks[0]
        others = sorted({h.rule["id"] for h in blocks[1:]} - {first.rule["id"]})
        text = explain(first)
        if others:
            text += f"\nAlso matched: {', '.join(others)}."
        return Decision(DENY, text, first.rule["id"])
    warns = [h for h in hits if h.severity == "warn"]
    if warns:
        seen: dict[str, Hit] = {}
        for hit in warns:
            seen.setdefault(hit.rule["id"], hit)
        return Decision(WARN, "\n".join(explain(h, blocked=False) for h in seen.values()), ",".join(seen))
    return Decision()


def _segment(cmd: Command) -> str:
    """The offending command as the agent reads it, clipped so a 1 MB line yields a short reason."""
    text = cmd.text()
    return text if len(text) <= 300 else text[:297] + "..."


def explain(hit: Hit, blocked: bool = True) -> str:
    """The reason the agent reads: rule, offending segment, why, and the safer route."""
    rule = hit.rule
    head = "blocked this command" if blocked else "allowed this command with a warning"
    segment = _segment(hit.command) if hit.command is not None else "(the command line as a whole)"
    via = f" (run through {hit.command.via})" if hit.command is not None and hit.command.via else ""
    return (f"session-orchestrator {head} (rule {rule['id']}).\n"
            f"Segment: {segment}{via}\n"
            f"Why: {rule['why']}\n"
            f"Safer: {rule['safer']}")


def evaluate(parsed: Parse, raw: str, rules: list[dict[str, Any]], root: Path, cwd: str) -> list[Hit]:
    """Every rule that matches some command, at most one hit per rule.

    Linear in the number of commands: each alternative is tried only against the
    commands that can match its verb or client (an index built once), identical
    simple commands are judged once, and the parse's deadline is honoured.
    """
    hits: list[Hit] = []
    ticker = clock()
    ev = _Eval(parsed, root, cwd, raw, skip=_repeats(parsed.commands))
    for rule in rules:
        match = rule["match"]
        for alt in match if isinstance(match, list) else [match]:
            kind = alt.get("kind", "command")
            if kind == "fork-bomb":
                if parsed.fork_bombs:
                    hits.append(Hit(rule, parsed.fork_bombs[0]))
                    break
                continue
            if kind == "command":
                candidates = ev.with_verb(_as_list(alt["verb"]))
            elif kind == "sql":
                candidates = ev.with_client(_as_list(alt["clients"]))
            elif kind == "git-config":
                candidates = [c for c in ev.commands if id(c) in ev.unknown] if ev.unknown else []
            else:
                candidates = [c for c in ev.commands if c.writes or c.redirects or c.verb in WRITING_VERBS]
            for cmd in candidates:
                ticker.tick()
                if (kind == "command" and _match_command(alt, cmd, root, cwd, ev)) or \
                        (kind == "sql" and _match_sql(alt, cmd, ev)) or \
                        (kind == "truncate" and _match_truncate(alt, cmd, root, cwd)) or \
                        (kind == "device-write" and _match_device_write(alt, cmd, root, cwd)) or \
                        kind == "git-config":
                    hits.append(Hit(rule, cmd))
                    break
            else:
                continue
            break
    return hits


def _repeats(commands: list[Command]) -> set[int]:
    """Plain commands identical to an earlier one on the line: judging them again cannot change the answer."""
    seen: set[tuple[Any, ...]] = set()
    out: set[int] = set()
    for cmd in commands:
        if cmd.redirects or cmd.writes or cmd.pipe_prev is not None:
            continue
        key = (tuple(cmd.argv), cmd.via, cmd.cwd)
        if key in seen:
            out.add(id(cmd))
        else:
            seen.add(key)
    return out


class _Eval:
    """One evaluation's view of the command line: the parsed commands plus what git
    would really run for each git command (aliases, `-c` settings, abbreviations)."""

    __slots__ = ("_by_rule", "_by_verb", "_by_word", "_creators", "_links", "_position", "commands", "cwd", "git",
                 "parsed", "root", "unknown")

    def __init__(self, parsed: Parse, root: Path, cwd: str, raw: str = "", skip: set[int] | None = None) -> None:
        self.parsed, self.root, self.cwd = parsed, root, cwd
        # Repeats of an earlier plain command cannot change the answer; leaving them out keeps
        # a line of a hundred thousand `echo a` as cheap to judge as one.
        self.commands: list[Command] = [c for c in parsed.commands if id(c) not in skip] if skip else \
            list(parsed.commands)
        self.git: dict[int, list[str]] = {}
        self.unknown: dict[int, list[str]] = {}
        self._by_rule: dict[tuple[str, ...], list[Command]] = {}
        self._by_verb: dict[str, list[Command]] | None = None
        self._by_word: dict[str, list[Command]] | None = None
        self._position: dict[int, int] | None = None
        self._links: list[str] | None = None
        self._creators: int | None = None
        if any(c.verb == "git" for c in self.commands):
            self._expand_git(raw)
        self._client_shell_escapes()
        if any(c.verb in _CONTAINER_ENGINES for c in self.commands):
            self._expand_containers()
        if any(c.verb in _SCRIPT_RUNNERS for c in self.commands):
            self._expand_scripts()
        # The escapes and git expansion added commands: the indexes built on the way are stale.
        self._by_rule, self._by_verb, self._by_word, self._position = {}, None, None, None

    def _client_shell_escapes(self) -> None:
        """A database client's `.shell`, `\\!` or `system` line runs a shell command: judge it too."""
        for cmd in self.naming(_DB_CLIENTS):
            if not (cmd.verb in _DB_CLIENTS or any(a in _DB_CLIENTS for a in cmd.args[:8])):
                continue
            got = _sql_inputs(cmd, _DB_CLIENTS)
            if got is None:
                continue
            from . import sql

            for text in got[1]:
                for shell_text in sql.meta_commands(text)[1]:
                    inner = parse(shell_text)
                    if inner.exhausted:
                        self.parsed.exhausted = True
                    for sub in inner.commands:
                        sub.via = _via(cmd, f"{got[0]} shell escape")
                        sub.cwd = cmd.cwd
                        self.commands.append(sub)

    def _expand_scripts(self) -> None:
        """`npm run clean`, `make distclean`: judged by the text the script runs, read from package.json or
        the Makefile (or from what the line itself writes there), nested scripts included."""
        from . import scripts

        queue = [c for c in self.commands if c.verb in _SCRIPT_RUNNERS]
        written = {os.path.normpath(os.path.join(self.cwd, k)): v for k, v in self.parsed.scripts.items()}
        sets = scripts.npm_sets([c.argv for c in self.commands if c.verb == "npm"])
        budget = len(queue) + _MAX_EXPANSIONS
        seen: set[tuple[Any, ...]] = set()
        ticker = clock()
        k = 0
        while k < len(queue) and k < budget:
            cmd = queue[k]
            k += 1
            ticker.tick(64)
            where = self.where(cmd) or str(self.root)  # a directory only known at run time: judged at the root
            key = (cmd.verb, tuple(cmd.args), where, known_input(cmd))
            if key in seen:  # the same script in the same place: its body is already judged
                continue
            seen.add(key)
            bodies: list[tuple[str, str, str]] = []
            if cmd.verb in scripts.MAKES:
                directory, files, goals, dry = scripts.make_request(cmd.args)
                if dry:
                    continue
                directory = os.path.normpath(os.path.join(where, directory))
                texts = scripts.makefile_texts(directory, files, written, known_input(cmd))
                if texts is None:
                    self.parsed.opaque.append((cmd, "make reads a makefile produced at run time"))
                    continue
                overrides = dict(a.split("=", 1) for a in cmd.args if "=" in a and not a.startswith("-"))
                name = f"make {' '.join(goals)}" if goals else "make (default goal)"
                bodies = [(line, name, directory) for text in texts for line in scripts.make_bodies(text, goals,
                                                                                                   overrides)]
            else:
                found, binary = scripts.package_bodies(cmd.verb, cmd.args, where, written, sets, str(self.root))
                bodies = [(b.text, b.via, b.directory) for b in found]
                if binary:
                    bodies.append((" ".join(quote(w) for w in binary), f"{cmd.verb} runs the package binary", where))
            for text, via, directory in bodies:
                for sub in self._add_parsed(text, cmd, via, directory):
                    if sub.verb in _SCRIPT_RUNNERS:
                        queue.append(sub)
        if k < len(queue):  # scripts that keep calling scripts: judged as unknowable
            self.parsed.exhausted = True

    def _add_parsed(self, text: str, cmd: Command, via: str, directory: str | None) -> list[Command]:
        """Judge `text` as run by `cmd` in `directory` (None: unknown) along with the line's own commands,
        within what is left of the line's deadline."""
        import time

        left = clock().deadline - time.monotonic()
        if left <= 0:
            raise OvertimeError
        inner = parse(text, left)
        if inner.unjudgeable:
            self.parsed.unjudgeable = inner.unjudgeable
        if inner.exhausted:
            self.parsed.exhausted = True
        self.parsed.opaque.extend(inner.opaque)
        self.parsed.fork_bombs.extend(inner.fork_bombs)
        for sub in inner.commands:
            sub.via = _via(cmd, via)
            if directory is None:
                sub.cwd = None if not str(sub.cwd or "").startswith("/") else sub.cwd
            elif sub.cwd is not None:
                sub.cwd = os.path.normpath(os.path.join(directory, sub.cwd))
            self.commands.append(sub)
        return inner.commands

    def _expand_containers(self) -> None:
        """`docker run -v "$PWD":/w alpine rm -rf /w/src` is `rm -rf src` here: judged on the host paths."""
        from . import containers

        for cmd in [c for c in self.commands if c.verb in containers.ENGINES]:
            got = containers.commands(cmd.args, self.where(cmd) or str(self.root))
            if got is not None:
                text, directory, _hosts = got
                self._add_parsed(text, cmd, f"{cmd.verb} run with the host mounted", directory)

    def _expand_git(self, raw: str) -> None:
        from . import gitargs

        line = gitargs.line_config([c.args for c in self.commands if c.verb == "git"])
        queue = [c for c in self.commands if c.verb == "git"]
        env_shells, injected = gitargs.env_settings(raw)
        if injected:
            for cmd in queue:
                self.unknown[id(cmd)] = ["GIT_CONFIG_* environment"]
        for text in env_shells:
            self._add_shell(text, queue[0], queue)
        # Every git command written on the line is read; what expansion adds on top (alias
        # bodies, commands run by git) has a budget, so self-referencing definitions end.
        budget = len(queue) + _MAX_EXPANSIONS
        k = 0
        while k < len(queue) and k < budget:
            cmd = queue[k]
            k += 1
            exp = gitargs.expand(cmd.args, line, self.root)
            self.git[id(cmd)] = exp.argv
            if exp.unknown:
                self.unknown[id(cmd)] = exp.unknown
            for words in exp.git:
                twin = Command(["git", *words], [], _via(cmd, "git config"), cmd.depth + 1)
                twin.cwd = cmd.cwd
                self.commands.append(twin)
                queue.append(twin)
            for text in exp.shell:
                self._add_shell(text, cmd, queue)
        if k < len(queue):  # more expansions than a real command line has: judge it as unknowable
            self.parsed.exhausted = True

    def _add_shell(self, text: str, cmd: Command, queue: list[Command]) -> None:
        """A shell command git would run for `cmd` (a `!` alias, a pager): judged like any other."""
        inner = parse(text)
        if inner.exhausted:
            self.parsed.exhausted = True
        for sub in inner.commands:
            sub.via = _via(cmd, "run by git")
            sub.cwd = cmd.cwd if sub.cwd == "" else sub.cwd
            self.commands.append(sub)
            if sub.verb == "git":
                queue.append(sub)

    def with_verb(self, verbs: list[str]) -> list[Command]:
        """The commands whose verb matches one of `verbs`, in line order. Indexed by verb, so a
        line of thousands of commands costs one pass per evaluation, not one per rule."""
        key = tuple(verbs)
        got = self._by_rule.get(key)
        if got is None:
            if self._by_verb is None:
                self._by_verb = {}
                for cmd in self.commands:
                    self._by_verb.setdefault(cmd.verb, []).append(cmd)
            picked: list[Command] = []
            for verb, cmds in self._by_verb.items():
                if verb and (verb in verbs or any(glob_match(v, verb) for v in verbs if _is_glob(v))):
                    picked.extend(cmds)
            order = self._order()
            got = self._by_rule[key] = sorted(picked, key=lambda c: order[id(c)])
        return got

    def with_client(self, clients: list[str]) -> list[Command]:
        """Commands that run a database client themselves or through `docker exec` and the like."""
        key = ("sql", *clients)
        got = self._by_rule.get(key)
        if got is None:
            got = self._by_rule[key] = self.naming(clients)
        return got

    def naming(self, names: list[str] | frozenset[str]) -> list[Command]:
        """Commands with a word (verb or argument, directory stripped) matching one of `names`, in
        line order. One index of every word serves all client rules: each costs a few lookups."""
        if self._by_word is None:
            self._by_word = {}
            for cmd in self.commands:
                for word in {w.rsplit("/", 1)[-1] for w in cmd.argv}:
                    self._by_word.setdefault(word, []).append(cmd)
        plain = [n for n in names if not _is_glob(n)]
        globs = [n for n in names if _is_glob(n)]
        picked: dict[int, Command] = {}
        for name in plain:
            for cmd in self._by_word.get(name, ()):
                picked[id(cmd)] = cmd
        if globs:
            for word, cmds in self._by_word.items():
                if any(glob_match(g, word) for g in globs):
                    for cmd in cmds:
                        picked[id(cmd)] = cmd
        order = self._order()
        return sorted(picked.values(), key=lambda c: order[id(c)])

    def _order(self) -> dict[int, int]:
        if self._position is None:
            self._position = {id(c): k for k, c in enumerate(self.commands)}
        return self._position

    def git_args(self, cmd: Command) -> list[str]:
        got = self.git.get(id(cmd))
        if got is None:
            from . import gitargs

            got = self.git[id(cmd)] = gitargs.expand(cmd.args, [], self.root).argv
        return got

    def where(self, cmd: Command) -> str | None:
        return resolve_cwd(cmd, self.cwd)

    def links(self) -> list[str]:
        """Symlinks the line itself creates (absolute paths), found once per evaluation."""
        if self._links is None:
            from . import disposable

            self._links = disposable.line_links(self.commands, self.where)
        return self._links

    def creates(self, cmd: Command) -> bool:
        """Whether some other command on the line may create files a glob of `cmd` would then match
        (counted once per evaluation, so a line of many deletes stays linear)."""
        from . import disposable

        def makes(c: Command) -> bool:
            return c.verb in disposable.CREATORS or bool(c.redirects) or bool(c.writes)

        if self._creators is None:
            self._creators = sum(1 for c in self.commands if makes(c))
        return self._creators - (1 if makes(cmd) else 0) > 0


def _via(cmd: Command, how: str) -> str:
    return f"{cmd.via}, {how}" if cmd.via else how


# --------------------------------------------------------------------------- command rules

def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _match_command(alt: dict[str, Any], cmd: Command, root: Path, cwd: str, ev: _Eval | None = None) -> bool:
    """Does `cmd` match one alternative of a command rule? `ev` carries the line's git
    expansions; without it (a command judged on its own) git words are expanded here."""
    if ev is None:
        ev = _Eval(Parse(), root, cwd)
    verb = cmd.verb
    if not verb or not any(glob_match(v, verb) for v in _as_list(alt["verb"])):
        return False
    via = alt.get("via")
    if via is not None and not glob_match(via, cmd.via.split(" ", 1)[0] if cmd.via else ""):
        return False
    args = ev.git_args(cmd) if verb == "git" else cmd.args
    sub = alt.get("sub") or []
    if args[:len(sub)] != sub:
        return False
    rest = args[len(sub):]
    if alt.get("loose"):  # words compared in lower case with blanks removed: FlushAll, deleteMany( {} )
        rest = ["".join(a.lower().split()) for a in rest + _stdin_lines(cmd)]
    flags, operands, after_dd = _split(rest)
    for group in alt.get("flags") or []:
        if not any(_has_flag(flags, f) for f in group):
            return False
    if any(_has_flag(flags, f) for f in alt.get("not_flags") or []):
        return False
    for group in alt.get("args") or []:
        if not any(glob_match(p, a) for a in rest for p in group):
            return False
    if any(glob_match(p, a) for a in rest for p in alt.get("not_args") or []):
        return False
    for group in alt.get("operands") or []:
        if not any(glob_match(p, a) for a in operands for p in group):
            return False
    if any(glob_match(p, a) for a in operands for p in alt.get("not_operands") or []):
        return False
    if not _in_sequence(alt.get("seq") or [], operands):
        return False
    if len(operands) < alt.get("min_operands", 0):
        return False
    if alt.get("after_dashdash") and not after_dd:
        return False
    if alt.get("root_operand") and not any(_is_root_or_above(op, cmd, ev) for op in operands):
        return False
    if alt.get("path_operand") and not any(_is_worktree_path(op, cmd, ev) for op in operands):
        return False
    if alt.get("unknown_operand") and not any(op in cmd.dynamic or any(c in op for c in "$`*?[") for op in operands):
        return False
    if not operands or not (alt.get("allow_temp") or alt.get("allow_paths") or alt.get("allow_ignored")):
        return True
    return not _disposable(alt, cmd, operands, ev)


def _disposable(alt: dict[str, Any], cmd: Command, operands: list[str], ev: _Eval) -> bool:
    """Every operand is scratch space, a regenerable cache, or ignored build output the rule lets go
    (see disposable.py); a find's deletion is judged by what its expression selects."""
    from . import disposable

    where = ev.where(cmd)
    finder = cmd if cmd.verb == "find" else cmd.feeder
    if finder is not None and finder.verb == "find" and (finder is cmd or all(op == "{}" for op in operands)):
        where = ev.where(finder)
        return bool(alt.get("allow_ignored")) and where is not None and \
            disposable.find_selects_only_ignored(finder.args, ev.root, where, ev.links())
    if where is None:  # a dynamic `cd` came first: no relative path is placed, so none is allow-listed
        if not all(op.startswith("/") for op in operands):
            return False
        where = "/"
    links = ev.links()
    left = [op for op in operands
            if disposable.through_link(op, where, links) or
            not ((alt.get("allow_temp") and disposable.is_temp_path(op, ev.root, where)) or
                 _in_allowlist(op, alt.get("allow_paths") or [], ev.root, where))]
    if not left:
        return True
    return bool(alt.get("allow_ignored")) and disposable.ignored_output(left, ev.root, where, links, ev.creates(cmd))


def _stdin_lines(cmd: Command) -> list[str]:
    """Lines a command reads as its script from a here-doc, a here-string or `echo ... |`
    (`mongosh <<EOF`, `echo FLUSHALL | redis-cli`), for the rules that read such input."""
    texts = [r.target for r in cmd.redirects if r.mode in ("heredoc", "herestring")]
    prev = cmd.pipe_prev
    if prev is not None and prev.verb in ("echo", "printf"):
        texts.extend(printed(prev))  # escapes decoded: printf 'FLUSHALL\r\n' | nc host 6379
    if prev is not None and prev.verb == "cat":
        texts.extend(r.target for r in prev.redirects if r.mode in ("heredoc", "herestring"))
    return [line for text in texts for line in text.splitlines() if line.strip()]


def _in_sequence(groups: list[list[str]], operands: list[str]) -> bool:
    """The operands contain, in this order (other words may sit between), one match per group:
    `kubectl -n prod delete ns x` holds ["delete"], ["ns", "namespace*"]."""
    k = 0
    for group in groups:
        while k < len(operands) and not any(glob_match(p, operands[k]) for p in group):
            k += 1
        if k >= len(operands):
            return False
        k += 1
    return True


def _is_root_or_above(operand: str, cmd: Command, ev: _Eval) -> bool:
    """`git rm -r` of the whole work tree: `.` at the top, `..` from below, `:/`, or an absolute
    path at or above the project root. An unknown directory counts as the root."""
    if operand.startswith((":/", ":(top")) and operand.rstrip("*") in (":/", ":(top)", ":(top)/", ":/."):
        return True
    if any(c in operand for c in "$`") or operand in cmd.dynamic:  # a path only known when it runs counts as the root
        return True
    if any(c in operand for c in "*?[") and operand.strip("*./") == "":
        operand = "."
    where = ev.where(cmd)
    if where is None and not operand.startswith("/"):
        return True
    path = os.path.normpath(os.path.join(where or "/", operand))
    base = os.path.normpath(str(ev.root))
    return path == base or base.startswith(path.rstrip("/") + "/") or path == "/"


def _is_worktree_path(operand: str, cmd: Command, ev: _Eval) -> bool:
    """`git checkout NAME` restores a file when NAME is a path and not a branch."""
    where = ev.where(cmd)
    if where is None or operand.startswith("-"):
        return False
    from . import gitargs

    return os.path.lexists(os.path.join(where, operand)) and not gitargs.is_branch(ev.root, operand)


def ignored_build_output(operands: list[str], root: Path, where: str) -> bool:
    """Kept for callers of the earlier name: see disposable.ignored_output."""
    from . import disposable

    return disposable.ignored_output(operands, root, where, [], True)


def _in_allowlist(operand: str, patterns: list[str], root: Path, cwd: str) -> bool:
    """A regenerable path inside the repo (node_modules, caches), judged both as
    written and after resolving symlinks, so a link named node_modules cannot
    point the delete somewhere else."""
    if not patterns or any(c in operand for c in "$`*?[~"):
        return False
    from .scope import resolve

    lexical = repo_relative(operand, root, cwd)
    real = resolve(operand, root, cwd)
    return bool(lexical) and bool(real) and all(
        any(glob_match(p, rel) for p in patterns) for rel in (lexical, real))


def _split(args: list[str]) -> tuple[set[str], list[str], list[str]]:
    """(flags, operands, operands after `--`). `-rf` yields -rf, -r and -f."""
    flags: set[str] = set()
    operands: list[str] = []
    after: list[str] = []
    dashdash = False
    for a in args:
        if dashdash:
            operands.append(a)
            after.append(a)
        elif a == "--":
            dashdash = True
        elif a.startswith("--"):
            flags.add(a.split("=", 1)[0])
        elif a.startswith("-") and len(a) > 1:
            flags.add(a)
            if "=" in a:  # Go-style single-dash long options: -auto-approve=true
                flags.add(a.split("=", 1)[0])
            flags.update("-" + c for c in a[1:])
        else:
            operands.append(a)
    return flags, operands, after


def _has_flag(flags: set[str], wanted: str) -> bool:
    if wanted in flags:
        return True
    if wanted.startswith("--"):  # GNU getopt accepts any unambiguous prefix: --rec, --forc
        return any(f.startswith("--") and len(f) >= 5 and wanted.startswith(f) for f in flags)
    return False


def is_temp_path(operand: str, root: Path, cwd: str) -> bool:
    """See disposable.is_temp_path (kept here for existing callers)."""
    from . import disposable

    return disposable.is_temp_path(operand, root, cwd)


# --------------------------------------------------------------------------- SQL and protected files

_SQL_FEEDERS = frozenset({"echo", "printf", "cat"})
_SQL_FILE_OPTS = ("-f", "--file", "-i", "--input-file", "--queries-file", "--init-file", "--init")
_SQL_MAX_FILE = 1 << 20
_OVERSIZED = "DROP TABLE"  # a file too large to read is judged as if it dropped everything


def _sql_inputs(cmd: Command, clients: list[str] | frozenset[str]) -> tuple[str, list[str], list[str]] | None:
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
            from . import sql

            texts.extend(sql.generated(prev.args))
        prev, hops = prev.pipe_prev, hops + 1
    return client, [t for t in texts if t], files


def _is_glob(pattern: str) -> bool:
    return any(x in pattern for x in "*?[\\")


def _is_client(word: str, clients: list[str] | frozenset[str]) -> bool:
    return word in clients or any(glob_match(c, word) for c in clients if _is_glob(c))


def _match_sql(alt: dict[str, Any], cmd: Command, ev: _Eval) -> bool:
    got = _sql_inputs(cmd, _as_list(alt["clients"]))
    if got is None:
        return False
    from . import sql  # imported only when a database client is on the line

    client, texts, files = got
    seen: set[str] = set()
    for _ in range(3):  # files named by `-f`, `<`, and by `.read`/`\\i`/`source` inside the SQL, two levels deep
        for text in texts:
            files.extend(sql.meta_commands(text)[0])
        fresh = [f for f in files if f and f != "-" and f not in seen]
        if not fresh:
            break
        seen.update(fresh)
        texts = texts + [_sql_file_text(f, cmd, ev) for f in fresh]
    dialects = sql.dialects_for(client)
    for text in list(texts):
        if "\\gexec" in text or "\\gset" in text:  # psql runs the query's result text as SQL
            lexer = sql.Lexer(text)
            lexer.statements()
            texts.extend(lexer.literals)
    statements, lacks, contains = _as_list(alt["statements"]), alt.get("lacks"), alt.get("contains")
    anywhere = client in sql.ANYWHERE_CLIENTS
    return any(t and sql.find(t, statements, lacks, contains, dialects=dialects, anywhere=anywhere) for t in texts)


def _sql_file_text(name: str, cmd: Command, ev: _Eval) -> str:
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
        for other in ev.parsed.commands:
            other_where = ev.where(other)
            for target, _mode in write_targets(other):
                if other_where is None or os.path.normpath(os.path.join(other_where, target)) == path:
                    return _OVERSIZED
        return ""
    if len(data) > _SQL_MAX_FILE:
        return _OVERSIZED
    return data.decode("utf-8", errors="replace")


def _match_device_write(alt: dict[str, Any], cmd: Command, root: Path, cwd: str) -> bool:
    """Any write (redirect, tee, cp, an interpreter's open) whose target resolves into /dev/, other
    than the harmless pseudo-devices: `> /dev/sda` is `dd of=/dev/sda` by another name."""
    where = resolve_cwd(cmd, cwd) or str(root)
    for target, _mode in write_targets(cmd):
        if any(c in target for c in "$`"):
            continue
        path = os.path.normpath(os.path.join(where, os.path.expanduser(target)))
        if path.startswith("/dev/") and not any(glob_match(p, path) for p in _as_list(alt.get("not_targets"))):
            return True
    return False


def _match_truncate(alt: dict[str, Any], cmd: Command, root: Path, cwd: str) -> bool:
    targets = write_targets(cmd)
    if not targets:
        return False
    cwd = resolve_cwd(cmd, cwd) or str(root)  # an unknown directory is judged as the project root
    for target, mode in targets:
        if mode not in ("truncate", "replace") or any(c in target for c in "$`"):
            continue
        rel = repo_relative(target, root, cwd)
        if rel is None:
            continue
        low = rel.lower()
        if any(glob_match(p.lower(), low) for p in _as_list(alt["targets"])):
            return True
    return False


def repo_relative(target: str, root: Path, cwd: str) -> str | None:
    """`target` relative to the project root (lexically normalised), or None when outside it."""
    if target.startswith("~"):
        target = os.path.expanduser(target)
    path = os.path.normpath(os.path.join(cwd, target))
    base = os.path.normpath(str(root))
    if path == base:
        return ""
    if path.startswith(base.rstrip("/") + "/"):
        return path[len(base.rstrip("/")) + 1:]
    real, real_base = os.path.realpath(path), os.path.realpath(base)
    if real.startswith(real_base.rstrip("/") + "/"):
        return real[len(real_base.rstrip("/")) + 1:]
    return None
