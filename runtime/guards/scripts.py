# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Package-manager and make scripts, judged by what they run rather than by their name.

`npm run clean` is harmless or `rm -rf src` depending on package.json, and `make distclean` on
the Makefile. For a command that runs such a script this module returns the shell text the
script would run: the named script with its pre/post hooks (npm, yarn, pnpm, bun; the install,
test, start and publish lifecycles included) or the make target's recipe with the recipes of
its prerequisites. Scripts written earlier on the same line count (`npm pkg set
scripts.x=...`, `echo ... > package.json`, `printf ... > m.mk && make -f m.mk`, `make -f -
<<EOF`), read both ways when the file on disk says something else.

Files are read only here, only when such a command is on the line, and at most 1 MB each.
"""

from __future__ import annotations

import os

PACKAGE_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
MAKES = frozenset({"make", "gmake", "bmake"})
_MAX = 1 << 20
_NPM_RUN = frozenset({"run", "run-script", "rum", "urn"})
_LIFECYCLE = {
    "install": ["preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"],
    "test": ["pretest", "test", "posttest"],
    "start": ["prestart", "start", "poststart"],
    "stop": ["prestop", "stop", "poststop"],
    "restart": ["prerestart", "restart", "postrestart", "prestop", "stop", "poststop", "prestart", "start",
                "poststart"],
    "publish": ["prepublishOnly", "prepack", "prepare", "postpack", "prepublish", "publish", "postpublish"],
    "pack": ["prepack", "prepare", "postpack"],
    "version": ["preversion", "version", "postversion"],
}
_ALIASES = {"i": "install", "ci": "install", "add": "install", "isntall": "install", "in": "install",
            "clean-install": "install", "install-clean": "install", "t": "test", "tst": "test"}
# subcommands of each manager that are its own commands, never a script of that name
_BUILTINS = {
    "yarn": frozenset({"add", "audit", "autoclean", "bin", "cache", "check", "config", "create", "dedupe", "dlx",
                       "exec", "explain", "generate-lock-entry", "global", "help", "import", "info", "init",
                       "licenses", "link", "list", "login", "logout", "node", "npm", "outdated", "owner", "pack",
                       "patch", "plugin", "policies", "publish", "rebuild", "remove", "search", "set", "tag", "team",
                       "unlink", "unplug", "up", "upgrade", "upgrade-interactive", "version", "versions", "why",
                       "workspace", "workspaces", "constraints", "stage"}),
    "pnpm": frozenset({"add", "audit", "bin", "config", "create", "dedupe", "deploy", "dlx", "env", "exec", "fetch",
                       "import", "init", "licenses", "link", "list", "ls", "outdated", "pack", "patch",
                       "patch-commit", "prune", "publish", "rebuild", "remove", "rm", "root", "server", "setup",
                       "store", "unlink", "update", "up", "why", "help"}),
    "bun": frozenset({"add", "build", "create", "init", "link", "pm", "remove", "rm", "unlink", "update",
                      "upgrade", "x", "test", "repl", "exec", "outdated", "patch", "publish", "help"}),
}
_GLOBAL_VALUE = frozenset({"--prefix", "-C", "--dir", "--cwd", "-w", "--workspace", "--filter", "-F",
                           "--registry", "--cache", "--userconfig", "--loglevel"})


class Body:
    """Shell text a script runs, where it runs, and how the guard names it in a reason."""

    __slots__ = ("directory", "text", "via")

    def __init__(self, text: str, via: str, directory: str) -> None:
        self.text, self.via, self.directory = text, via, directory


def _read(path: str, written: dict[str, str]) -> str | None:
    if path in written:
        return written[path]
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX + 1)
    except OSError:
        return None
    return data[:_MAX].decode("utf-8", errors="replace")


def _package(directory: str, written: dict[str, str], stop: str) -> tuple[str, list[dict[str, str]]] | None:
    """(the package directory, its scripts as written on the line and on disk) for the nearest package.json."""
    here = directory
    for _ in range(64):
        path = os.path.join(here, "package.json")
        texts = [t for t in (written.get(path), _read(path, {})) if t is not None]
        if texts:
            import json

            tables: list[dict[str, str]] = []
            for text in texts:
                try:
                    data = json.loads(text)
                except ValueError:
                    tables.append({"*": "${UNREADABLE_PACKAGE_JSON}"})  # cannot be read: judged as unknown
                    continue
                scripts = data.get("scripts") if isinstance(data, dict) else None
                if isinstance(scripts, dict):
                    tables.append({str(k): str(v) for k, v in scripts.items() if isinstance(v, (str, int, float))})
            return here, tables
        parent = os.path.dirname(here)
        if parent == here or here == stop:
            return None
        here = parent
    return None


def package_bodies(verb: str, args: list[str], directory: str, written: dict[str, str],
                   line_sets: dict[str, str], root: str) -> tuple[list[Body], list[str] | None]:
    """(the script bodies `npm run x` and kin run, the argv of a package binary run by name or None)."""
    k = 0
    while k < len(args) and args[k].startswith("-"):
        a = args[k]
        name = a.split("=", 1)[0]
        if name in ("--prefix", "-C", "--dir", "--cwd") and k + 1 < len(args) and "=" not in a:
            directory = os.path.join(directory, args[k + 1])
        elif name in ("--prefix", "--dir", "--cwd") and "=" in a:
            directory = os.path.join(directory, a.split("=", 1)[1])
        k += 2 if name in _GLOBAL_VALUE and "=" not in a else 1
    rest = args[k:]
    sub = rest[0] if rest else ("install" if verb in ("yarn", "pnpm") else "")
    names: list[str] = []
    binary: list[str] | None = None
    if sub in _NPM_RUN or (verb == "bun" and sub == "run"):
        target = next((a for a in rest[1:] if not a.startswith("-")), "")
        if not target:
            return [], None
        names = [f"pre{target}", target, f"post{target}"]
    else:
        sub = _ALIASES.get(sub, sub)
        if verb == "bun" and sub == "test":
            return [], None
        if sub in _LIFECYCLE:
            if sub == "install" and [a for a in rest[1:] if not a.startswith("-")]:
                return [], None  # installing named packages runs their scripts, not this package's
            names = _LIFECYCLE[sub]
        elif verb in _BUILTINS and sub and sub not in _BUILTINS[verb] and not sub.startswith("-"):
            names = [f"pre{sub}", sub, f"post{sub}"]
            binary = [sub, *rest[1:]]  # no such script: yarn/pnpm/bun run the package binary of that name
        else:
            return [], None
    found = _package(os.path.normpath(directory), written, root)
    tables = found[1] if found else []
    home = found[0] if found else directory
    bodies: list[Body] = []
    seen: set[str] = set()
    for name in names:
        for table in [*tables, line_sets]:
            text = table.get(name, table.get("*") if name in names[1:2] else None)
            if text is not None and text not in seen:
                seen.add(text)
                bodies.append(Body(text, f"{verb} script '{name}'", home))
    if binary is not None and any(b.via.endswith(f"'{sub}'") for b in bodies):
        binary = None
    return bodies, binary


def npm_sets(argvs: list[list[str]]) -> dict[str, str]:
    """Scripts the line itself defines: `npm pkg set scripts.x=...`, `npm set-script x ...`."""
    out: dict[str, str] = {}
    for argv in argvs:
        words = [a for a in argv[1:] if not a.startswith("-")]
        if words[:2] == ["pkg", "set"]:
            for pair in words[2:]:
                key, eq, value = pair.partition("=")
                if eq and key.startswith("scripts."):
                    out[key[len("scripts."):]] = value
        elif words[:1] == ["set-script"] and len(words) >= 3:
            out[words[1]] = words[2]
    return out


# --------------------------------------------------------------------------- make

_MAKE_VALUE = frozenset({"-C", "-f", "-I", "-j", "-l", "-o", "-W", "--directory", "--file", "--makefile",
                         "--include-dir", "--jobs", "--load-average", "--old-file", "--assume-old", "--what-if",
                         "--new-file", "--assume-new", "--eval", "-E"})
_MAKE_DRY = frozenset({"-n", "--dry-run", "--just-print", "--recon", "-q", "--question", "-p",
                       "--print-data-base", "-v", "--version", "-h", "--help"})
_MAKE_BUILTIN_VARS = {"RM": "rm -f", "MAKE": "make", "CP": "cp", "MV": "mv", "SHELL": "/bin/sh", "CC": "cc",
                      "CXX": "g++", "AR": "ar", "MKDIR": "mkdir", "ECHO": "echo"}


def make_request(args: list[str]) -> tuple[str, list[str], list[str], bool] | None:
    """(directory, makefiles, goals, dry run) of a make command line; None for `make --help` and the like."""
    directory, files, goals, dry = "", [], [], False
    k = 0
    while k < len(args):
        a = args[k]
        name, eq, value = a.partition("=")
        if a.startswith("--"):
            if name in _MAKE_DRY:
                dry = True
            elif name in ("--directory",):
                directory = os.path.join(directory, value if eq else (args[k + 1] if k + 1 < len(args) else ""))
            elif name in ("--file", "--makefile"):
                files.append(value if eq else (args[k + 1] if k + 1 < len(args) else ""))
            k += 1 if eq or name not in _MAKE_VALUE else 2
            continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            consumed = 1
            while j < len(a):
                flag = "-" + a[j]
                if flag in _MAKE_DRY:
                    dry = True
                if flag in _MAKE_VALUE:
                    value = a[j + 1:] or (args[k + 1] if k + 1 < len(args) else "")
                    consumed = 1 if a[j + 1:] else 2
                    if flag == "-C":
                        directory = os.path.join(directory, value)
                    elif flag == "-f":
                        files.append(value)
                    break
                j += 1
            k += consumed
            continue
        if eq and name and not name.startswith("-"):  # VAR=value on the command line
            k += 1
            continue
        goals.append(a)
        k += 1
    return directory, files, goals, dry


def make_bodies(text: str, goals: list[str], overrides: dict[str, str]) -> list[str]:
    """The recipe lines `make GOALS` runs from this makefile text (prerequisites first, depth-first)."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    variables = dict(_MAKE_BUILTIN_VARS)
    default = ""
    current: list[str] = []
    lines = text.replace("\\\n", " ").splitlines()
    for line in lines:
        if line.startswith("\t"):
            if current:
                for target in current:
                    rules.setdefault(target, ([], []))[1].append(line[1:])
            continue
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped.strip():
            continue
        for op in (":=", "::=", "?=", "+=", "!="):
            if op in stripped and ":" not in stripped.split(op, 1)[0]:
                name, value = stripped.split(op, 1)
                name = name.strip().removeprefix("export ").removeprefix("override ").strip()
                variables[name] = (variables.get(name, "") + " " + value.strip()) if op == "+=" else value.strip()
                break
        else:
            if "=" in stripped and ":" not in stripped.split("=", 1)[0]:
                name, value = stripped.split("=", 1)
                variables[name.strip().removeprefix("export ").strip()] = value.strip()
                continue
            if ":" in stripped:
                head, _colon, tail = stripped.partition(":")
                tail = tail.lstrip(":")
                recipe_inline = ""
                if ";" in tail:
                    tail, recipe_inline = tail.split(";", 1)
                current = head.split()
                prereqs = [p for p in tail.split() if not p.startswith("|")]
                for target in current:
                    entry = rules.setdefault(target, ([], []))
                    entry[0].extend(prereqs)
                    if recipe_inline.strip():
                        entry[1].append(recipe_inline.strip())
                if not default:
                    default = next((t for t in current if not t.startswith(".") and "%" not in t), "")
                continue
            current = []
    variables.update(overrides)
    if ".DEFAULT_GOAL" in variables:
        default = variables[".DEFAULT_GOAL"].strip() or default
    out: list[str] = []
    done: set[str] = set()
    stack = list(reversed(goals or ([default] if default else [])))
    order: list[str] = []
    budget = 512
    # depth-first, prerequisites before the target
    def visit(target: str, depth: int) -> None:
        nonlocal budget
        if target in done or depth > 32 or budget <= 0:
            return
        budget -= 1
        done.add(target)
        prereqs, _recipe = rules.get(target, ([], []))
        for p in prereqs:
            visit(p, depth + 1)
        order.append(target)
    while stack:
        visit(stack.pop(), 0)
    for target in order:
        for line in rules.get(target, ([], []))[1]:
            out.append(_make_expand(line.lstrip("@-+ \t"), variables, target))
    return out


def _make_expand(line: str, variables: dict[str, str], target: str, depth: int = 0) -> str:
    """Make's variable references replaced by their values; unknown ones become `${NAME}`, which the
    shell parser reads as unknowable, and `$$` becomes `$`."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = line[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt in "({":
            close = ")" if nxt == "(" else "}"
            level, j = 1, i + 2
            while j < n and level:
                if line[j] == nxt:
                    level += 1
                elif line[j] == close:
                    level -= 1
                j += 1
            name = line[i + 2:j - 1]
            i = j
        else:
            name = nxt
            i += 2
        if name == "@":
            out.append(target)
        elif name in variables and depth < 8:
            out.append(_make_expand(variables[name], variables, target, depth + 1))
        elif name.startswith("shell "):
            out.append("$(" + name[6:] + ")")
        else:
            out.append("${" + "".join(ch if ch.isalnum() else "_" for ch in name)[:40] + "}")
    return "".join(out)


def makefile_texts(directory: str, files: list[str], written: dict[str, str], stdin: str | None) -> list[str] | None:
    """The makefile texts make reads (written-on-the-line and on-disk readings both); None when unknowable."""
    names = files or ["GNUmakefile", "makefile", "Makefile"]
    texts: list[str] = []
    for name in names:
        if name == "-":
            if stdin is None:
                return None
            texts.append(stdin)
            continue
        path = os.path.normpath(os.path.join(directory, name))
        got = [t for t in (written.get(path), _read(path, {})) if t is not None]
        if files and not got:
            return None if any(c in name for c in "$`") else []
        texts.extend(got)
        if got and not files:
            break
    return texts
