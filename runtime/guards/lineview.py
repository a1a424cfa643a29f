# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The command line as the guard's rules see it: the parsed commands plus what they run in turn.

Before any rule is tried, the line is widened by what its commands would really run: git's
aliases, `-c` settings and abbreviations; the scripts `npm run` and `make` stand for; commands a
container engine runs on mounted host paths; a database client's shell escapes. Indexes by verb
and by word then let each rule look only at the commands that could match it, so a line of
thousands of commands costs one pass per evaluation, not one per rule.
"""

from __future__ import annotations

import os

from .limits import OvertimeError, clock
from .pathglob import glob_match, is_glob
from .programs import CONTAINER_ENGINES, DB_CLIENTS, SCRIPT_RUNNERS
from .shell import parse
from .shellmodel import Command, Parse, known_input, quote, resolve_cwd

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from pathlib import Path
    from typing import Any

_MAX_EXPANSIONS = 32


class LineView:
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
        if any(c.verb in CONTAINER_ENGINES for c in self.commands):
            self._expand_containers()
        if any(c.verb in SCRIPT_RUNNERS for c in self.commands):
            self._expand_scripts()
        # The escapes and git expansion added commands: the indexes built on the way are stale.
        self._by_rule, self._by_verb, self._by_word, self._position = {}, None, None, None

    def _client_shell_escapes(self) -> None:
        """A database client's `.shell`, `\\!` or `system` line runs a shell command: judge it too."""
        for cmd in self.naming(DB_CLIENTS):
            if not (cmd.verb in DB_CLIENTS or any(a in DB_CLIENTS for a in cmd.args[:8])):
                continue
            from . import sql

            got = sql.inputs(cmd, DB_CLIENTS)
            if got is None:
                continue
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

        queue = [c for c in self.commands if c.verb in SCRIPT_RUNNERS]
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
                request = scripts.make_request(cmd.args)
                if request is None:  # `make --help` and the like run no target
                    continue
                directory, files, goals, dry = request
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
                    if sub.verb in SCRIPT_RUNNERS:
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
                if verb and (verb in verbs or any(glob_match(v, verb) for v in verbs if is_glob(v))):
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
        plain = [n for n in names if not is_glob(n)]
        globs = [n for n in names if is_glob(n)]
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
