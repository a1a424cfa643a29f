# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a git command line really runs, after aliases, `-c` settings and abbreviations.

git gives a command line several ways to mean something other than what it
says: `-c alias.x='reset --hard' x`, an alias defined earlier in the same line
with `git config alias.x ...`, a `!` alias that is a shell command,
`-c remote.origin.push=+refs/heads/*:...` that turns a plain `git push` into a
force push, `-c clean.requireForce=false`, and long options abbreviated to any
unambiguous prefix (`reset --h` is `reset --hard`; checked against git 2.39).
The guard's rules are written against the expanded form this module produces,
so they hold for every spelling rather than the one written in the policy.

Everything here is lexical: it reads the command line and, only for a
subcommand git does not ship, the `[alias]` section of the repository's and the
user's git config. It never runs git.
"""

from __future__ import annotations

import os
from pathlib import Path

# Global options that take the next word as their value.
GLOBAL_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env",
                          "--list-cmds"})

# Long options per subcommand (from `git <sub> -h`, git 2.39), used to resolve abbreviations
# exactly as git's option parser does: a unique prefix means that option.
_LONG: dict[str, tuple[str, ...]] = {
    "reset": ("hard", "soft", "mixed", "merge", "keep", "quiet", "no-refresh", "refresh", "patch", "intent-to-add",
              "recurse-submodules", "pathspec-from-file", "pathspec-file-nul"),
    "push": ("all", "atomic", "delete", "dry-run", "exec", "follow-tags", "force", "force-if-includes",
             "force-with-lease", "ipv4", "ipv6", "mirror", "no-verify", "verify", "porcelain", "progress", "prune",
             "push-option", "quiet", "receive-pack", "recurse-submodules", "repo", "set-upstream", "signed", "tags",
             "thin", "verbose"),
    "clean": ("dry-run", "force", "interactive", "quiet", "exclude"),
    "checkout": ("conflict", "detach", "force", "guess", "ignore-other-worktrees", "ignore-skip-worktree-bits",
                 "merge", "orphan", "ours", "overlay", "overwrite-ignore", "patch", "pathspec-file-nul",
                 "pathspec-from-file", "progress", "quiet", "recurse-submodules", "theirs", "track"),
    "switch": ("conflict", "create", "detach", "discard-changes", "force", "force-create", "guess",
               "ignore-other-worktrees", "merge", "orphan", "overwrite-ignore", "progress", "quiet",
               "recurse-submodules", "track"),
    "restore": ("conflict", "ignore-skip-worktree-bits", "ignore-unmerged", "merge", "ours", "overlay", "patch",
                "pathspec-file-nul", "pathspec-from-file", "progress", "quiet", "recurse-submodules", "source",
                "staged", "theirs", "worktree"),
    "rm": ("cached", "dry-run", "force", "ignore-unmatch", "pathspec-file-nul", "pathspec-from-file", "quiet",
           "sparse"),
    "branch": ("abbrev", "all", "color", "column", "contains", "copy", "create-reflog", "delete", "edit-description",
               "force", "format", "ignore-case", "list", "merged", "move", "no-contains", "no-merged", "points-at",
               "quiet", "recurse-submodules", "remotes", "set-upstream-to", "show-current", "sort", "track",
               "unset-upstream", "verbose"),
    "gc": ("aggressive", "auto", "cruft", "force", "keep-largest-pack", "prune", "quiet"),
    "prune": ("dry-run", "expire", "exclude-promisor-objects", "progress", "verbose"),
    "update-ref": ("create-reflog", "no-deref", "stdin"),
    "clone": ("mirror", "bare"),
}
# Short options that are the same switch as a long one, so `--no-<long>` also cancels them.
_SHORT: dict[str, dict[str, str]] = {
    "clean": {"-n": "--dry-run", "-f": "--force", "-i": "--interactive"},
    "restore": {"-S": "--staged", "-W": "--worktree"},
    "rm": {"-n": "--dry-run", "-f": "--force"},
    "push": {"-f": "--force", "-d": "--delete", "-n": "--dry-run"},
    "checkout": {"-f": "--force"},
    "switch": {"-f": "--force"},
    "branch": {"-d": "--delete", "-f": "--force"},
}
# Config keys whose value git runs as a command (through the shell when it has shell syntax).
_EXEC_KEYS = ("core.pager", "pager.*", "core.editor", "sequence.editor", "core.sshcommand", "core.askpass",
              "core.fsmonitor", "core.gitproxy", "credential.helper", "credential.*.helper", "diff.external",
              "diff.*.command", "diff.*.textconv", "difftool.*.cmd", "mergetool.*.cmd", "merge.*.driver",
              "filter.*.clean", "filter.*.smudge", "filter.*.process", "gpg.program", "gpg.*.program",
              "uploadpack.packobjectshook", "interactive.difffilter", "remote.*.uploadpack",
              "remote.*.receivepack", "sendemail.*cmd", "web.browser", "browser.*.cmd", "man.*.cmd")
_FALSE = frozenset({"false", "no", "off", "0"})
_NEVER = frozenset({"never", "false", "off"})  # expiry settings that keep everything

# Subcommands git ships; anything else may be an alias defined in a config file.
BUILTINS = frozenset({
    "add", "am", "annotate", "apply", "archive", "bisect", "blame", "branch", "bugreport", "bundle",
    "cat-file", "check-attr", "check-ignore", "check-mailmap", "check-ref-format", "checkout",
    "checkout-index", "cherry", "cherry-pick", "citool", "clean", "clone", "column", "commit", "commit-graph",
    "commit-tree", "config", "count-objects", "credential", "describe", "diff", "diff-files", "diff-index",
    "diff-tree", "difftool", "fetch", "fetch-pack", "filter-branch", "fmt-merge-msg", "for-each-ref",
    "for-each-repo", "format-patch", "fsck", "gc", "get-tar-commit-id", "grep", "gui", "hash-object", "help",
    "hook", "index-pack", "init", "instaweb", "interpret-trailers", "log", "ls-files", "ls-remote", "ls-tree",
    "mailinfo", "mailsplit", "maintenance", "merge", "merge-base", "merge-file", "merge-index", "merge-tree",
    "mktag", "mktree", "multi-pack-index", "mv", "name-rev", "notes", "pack-objects", "pack-redundant",
    "pack-refs", "patch-id", "prune", "prune-packed", "pull", "push", "range-diff", "read-tree", "rebase",
    "reflog", "remote", "repack", "replace", "request-pull", "rerere", "reset", "restore", "rev-list",
    "rev-parse", "revert", "rm", "send-email", "send-pack", "shortlog", "show", "show-branch", "show-index",
    "show-ref", "sparse-checkout", "stash", "status", "stripspace", "submodule", "switch", "symbolic-ref",
    "tag", "unpack-file", "unpack-objects", "update-index", "update-ref", "update-server-info", "var",
    "verify-commit", "verify-pack", "verify-tag", "version", "whatchanged", "worktree", "write-tree", "lfs",
    "filter-repo",
})


class Expansion:
    """The result of reading one git command line.

    `argv`: git's words from the subcommand on, abbreviations resolved and
    config-driven behaviour made explicit (a `+` refspec, `--mirror`, `--force`).
    `git`: further git command lines it stands for (alias bodies, a push that a
    `git config remote.*.push` sets up), each as words after `git`. `shell`:
    shell command lines git would run (a `!` alias, a pager or ssh command).
    `unknown`: settings that run a program whose text cannot be known here.
    """

    __slots__ = ("argv", "git", "shell", "unknown")

    def __init__(self) -> None:
        self.argv: list[str] = []
        self.git: list[list[str]] = []
        self.shell: list[str] = []
        self.unknown: list[str] = []


def split_global(args: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(config from -c/--config-env as (lowercased key, value or None when unknown), args from the subcommand)."""
    config: list[tuple[str, str | None]] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-c", "--config-env") or a.startswith("--config-env="):
            if a.startswith("--config-env="):
                value, k = a.split("=", 1)[1], k + 1
            else:
                value, k = (args[k + 1] if k + 1 < len(args) else ""), k + 2
            key, eq, val = value.partition("=")
            if a != "-c":
                config.append((_norm_key(key), None))  # the value comes from the environment
            else:
                config.append((_norm_key(key), val if eq else "true"))
        elif a in GLOBAL_VALUE:
            k += 2
        elif a.startswith("-"):
            k += 1
        else:
            return config, args[k:]
    return config, []


def _norm_key(key: str) -> str:
    """Section and variable names are case-insensitive; a subsection (alias names aside) is not."""
    parts = key.split(".")
    if len(parts) >= 3 and parts[0].lower() != "alias":
        return ".".join([parts[0].lower(), *parts[1:-1], parts[-1].lower()])
    return key.lower()


def line_config(commands: list[list[str]]) -> list[tuple[str, str | None]]:
    """Settings that `git config ...` commands in the same command line write, in order."""
    out: list[tuple[str, str | None]] = []
    for args in commands:
        _, sub = split_global(args)
        if not sub or sub[0] != "config":
            continue
        words: list[str] = []
        k, rest = 0, sub[1:]
        while k < len(rest):
            a = rest[k]
            if a in ("-f", "--file", "--blob", "--type", "--default", "--comment", "--value"):
                k += 2
                continue
            if a.startswith("-"):
                if a in ("--unset", "--unset-all", "--get", "--get-all", "--get-regexp", "--list", "-l",
                         "--remove-section", "--rename-section", "-e", "--edit"):
                    words = []
                    break
                k += 1
                continue
            words.append(a)
            k += 1
        if words and words[0] in ("set",):
            words = words[1:]
        if len(words) >= 2 and "." in words[0]:
            out.append((_norm_key(words[0]), words[1]))
    return out


def _lookup(config: list[tuple[str, str | None]], key: str) -> tuple[bool, str | None]:
    """(found, last value) for `key` in `config`."""
    found, value = False, None
    for k, v in config:
        if k == key:
            found, value = True, v
    return found, value


def expand(args: list[str], line: list[tuple[str, str | None]], root: Path | None = None,
           depth: int = 0) -> Expansion:
    """Read `git <args>`; `line` is config written by `git config` earlier in the same command line."""
    out = Expansion()
    own, sub = split_global(args)
    config = line + own
    written = line_config([args]) if sub[:1] == ["config"] else []
    for key, value in own + written:
        _judge_setting(key, value, out)
    if not sub:
        return out
    name = sub[0]
    found, body = _lookup(config, "alias." + name.lower())  # alias names are case-insensitive
    if not found and name not in BUILTINS and root is not None:
        body = disk_aliases(root).get(name.lower())
        found = body is not None
    if found and name not in BUILTINS:
        if body is None:
            out.unknown.append(f"alias.{name}")
        elif body.startswith("!"):
            out.shell.append(" ".join([body[1:], *(_quote(a) for a in sub[1:])]))
        elif depth >= 8:  # git refuses alias loops; a chain this long is judged as unknowable
            out.unknown.append(f"alias.{name}")
        else:
            inner = expand([*split_words(body), *sub[1:]], config, root, depth + 1)
            out.argv = inner.argv
            out.git += inner.git
            out.shell += inner.shell
            out.unknown += inner.unknown
        return out
    out.argv = canonical(sub)
    out.shell.extend(_runs_shell(out.argv))
    if name == "push":
        for key, value in config:
            if key.startswith("remote.") and key.endswith(".push") and value and value.startswith("+"):
                out.argv.append(value)
            if key.startswith("remote.") and key.endswith(".mirror") and (value or "").lower() not in _FALSE:
                out.argv.insert(1, "--mirror")
    elif name == "clean":
        seen, value = _lookup(config, "clean.requireforce")
        if seen and (value is None or value.lower() in _FALSE):
            out.argv.insert(1, "--force")
    return out


def _judge_setting(key: str, value: str | None, out: Expansion) -> None:
    """A setting is judged as what it makes git do: an alias as its body, a command key as that command."""
    if key.startswith("alias."):
        if value is None:
            out.unknown.append(key)
        elif value.startswith("!"):
            out.shell.append(value[1:])
        else:
            out.git.append(split_words(value))
    elif key.startswith("remote.") and key.endswith(".push"):
        if value is None:
            out.unknown.append(key)
        elif value.startswith("+"):
            out.git.append(["push", key.split(".", 1)[1].rsplit(".", 1)[0], value])
    elif key.startswith("remote.") and key.endswith(".mirror"):
        if value is None or value.lower() not in _FALSE:
            out.git.append(["push", "--mirror", key.split(".", 1)[1].rsplit(".", 1)[0]])
    elif key.startswith("gc.") and key.endswith(("reflogexpire", "reflogexpireunreachable")):
        if (value or "now").lower() not in _NEVER:
            out.git.append(["reflog", "expire", "--expire=" + (value or "now"), "--all"])
    elif key == "gc.pruneexpire":
        if (value or "now").lower() not in _NEVER:
            out.git.append(["gc", "--prune=" + (value or "now")])
    elif _is_exec_key(key):
        if value is None:
            out.unknown.append(key)
        elif key.startswith("credential") or key == "uploadpack.packobjectshook" or key.startswith("diff."):
            out.shell.append(value[1:] if value.startswith("!") else value)
        else:
            out.shell.append(value)


def _runs_shell(argv: list[str]) -> list[str]:
    """Shell commands a git subcommand runs itself: `submodule foreach CMD`, `bisect run CMD`,
    `rebase --exec CMD`, `difftool --extcmd CMD`."""
    name, rest = argv[0], argv[1:]
    if name == "submodule" and "foreach" in rest:
        words = [w for w in rest[rest.index("foreach") + 1:] if w not in ("--recursive", "-q", "--quiet")]
        return [" ".join(words)] if words else []
    if name == "bisect" and rest[:1] == ["run"] and len(rest) > 1:
        return [" ".join(_quote(w) for w in rest[1:])]
    out: list[str] = []
    value_opts = {"rebase": ("-x", "--exec"), "difftool": ("-x", "--extcmd")}.get(name, ())
    for k, a in enumerate(rest):
        if a in value_opts and k + 1 < len(rest):
            out.append(rest[k + 1])
        elif a.startswith(tuple(o + "=" for o in value_opts if o.startswith("--"))):
            out.append(a.split("=", 1)[1])
        elif a.startswith("-x") and len(a) > 2 and "-x" in value_opts:
            out.append(a[2:])
    return out


def env_settings(raw: str) -> tuple[list[str], bool]:
    """Commands that git-reading environment variables set in `raw` would make git run
    (`GIT_PAGER='...' git log`), and whether config is injected through the environment
    (`GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`), which cannot be read here."""
    if "GIT_" not in raw:
        return [], False
    injected = "GIT_CONFIG_PARAMETERS" in raw or "GIT_CONFIG_VALUE_" in raw
    shells: list[str] = []
    bare = _unquoted_starts(raw)
    for name in _EXEC_ENV:
        start = 0
        for _ in range(16):
            at = raw.find(name + "=", start)
            if at < 0:
                break
            start = at + len(name) + 1
            if at not in bare:  # inside quotes, or inside a longer word: data, not an assignment
                continue
            words = split_words(raw[start:start + 4096])
            if words:
                shells.append(words[0])
        else:
            injected = True  # more settings than a real command line has: judged as unknown
    return shells, injected


def _unquoted_starts(raw: str) -> set[int]:
    """Positions where an unquoted word begins (one linear pass over the shell quoting)."""
    starts: set[int] = set()
    quote = ""
    prev_blank = True
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            prev_blank = False
            continue
        if c == "\\":
            i += 2
            prev_blank = False
            continue
        if c in "'\"":
            quote = c
        elif prev_blank and c not in " \t\n;&|()":
            starts.add(i)
        prev_blank = c in " \t\n;&|()"
        i += 1
    return starts


_EXEC_ENV = ("GIT_PAGER", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_EXTERNAL_DIFF",
             "GIT_ASKPASS", "GIT_PROXY_COMMAND")


def _is_exec_key(key: str) -> bool:
    from .pathglob import glob_match

    return any(glob_match(p.replace("*", "**"), key) for p in _EXEC_KEYS)


def canonical(sub: list[str]) -> list[str]:
    """Subcommand words with abbreviated long options spelled out (an ambiguous one as every
    option it could mean: git refuses it, so reading it broadly costs nothing) and options
    that a later `--no-<name>` cancels removed."""
    name, table = sub[0], _LONG.get(sub[0])
    shorts = _SHORT.get(name, {})
    out: list[str] = [name]
    dashdash = False
    for a in sub[1:]:
        if dashdash or not a.startswith("--") or a == "--":
            dashdash = dashdash or a == "--"
            out.append(a)
            continue
        opt, eq, value = a[2:].partition("=")
        if opt.startswith("no-") and table is not None and opt[3:] and opt not in table:
            gone = {"--" + o for o in _resolve(opt[3:], table)}
            out = [x for x in out if x.split("=", 1)[0] not in gone and shorts.get(x) not in gone]
            continue
        names = _resolve(opt, table) if table is not None else [opt]
        out.extend("--" + n + (eq + value) for n in (names or [opt]))
    return out


def _resolve(opt: str, table: tuple[str, ...]) -> list[str]:
    if opt in table:
        return [opt]
    return [o for o in table if o.startswith(opt)]


def split_words(text: str) -> list[str]:
    """git's own splitting of an alias body: whitespace, single and double quotes, backslash."""
    words: list[str] = []
    buf: list[str] = []
    quote = ""
    have = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"' and i + 1 < n:
                i += 1
                buf.append(text[i])
            else:
                buf.append(c)
        elif c in "'\"":
            quote, have = c, True
        elif c == "\\" and i + 1 < n:
            i += 1
            buf.append(text[i])
            have = True
        elif c in " \t\n":
            if buf or have:
                words.append("".join(buf))
            buf, have = [], False
        else:
            buf.append(c)
        i += 1
    if buf or have:
        words.append("".join(buf))
    return words


def _quote(word: str) -> str:
    from .shellmodel import quote

    return quote(word)


def git_dir(root: Path) -> Path | None:
    """The repository's git directory (`.git`, or where a worktree's `.git` file points)."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    try:
        text = dot.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if text.startswith("gitdir:"):
        path = Path(text[7:].strip())
        return path if path.is_absolute() else (root / path)
    return None


def disk_aliases(root: Path) -> dict[str, str]:
    """`[alias]` entries of the repository's and the user's git config (later files win, as in git)."""
    files: list[Path] = []
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files += [Path(xdg) / "git" / "config", Path(home) / ".gitconfig"]
    gdir = git_dir(root)
    if gdir is not None:
        common = gdir
        try:
            rel = (gdir / "commondir").read_text(encoding="utf-8").strip()
            common = (gdir / rel) if rel else gdir
        except OSError:
            pass
        files.append(common / "config")
    aliases: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("["):
                section = line[1:line.find("]")].strip().lower() if "]" in line else ""
                continue
            if section != "alias" or "=" not in line or line.startswith(("#", ";")):
                continue
            key, value = line.split("=", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            aliases[key.strip().lower()] = value
    return aliases


def is_branch(root: Path, name: str) -> bool:
    """True when `name` is a local branch (loose or packed ref)."""
    gdir = git_dir(root)
    if gdir is None or not name or ".." in name:
        return False
    common = gdir
    try:
        rel = (gdir / "commondir").read_text(encoding="utf-8").strip()
        common = (gdir / rel) if rel else gdir
    except OSError:
        pass
    if (common / "refs" / "heads" / name).is_file():
        return True
    try:
        packed = (common / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.endswith(" refs/heads/" + name) for line in packed.splitlines())
