# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Node's package runners and deletion tools, read as the commands they are.

`npx rimraf src` deletes a tree as surely as `rm -rf src`, and `npx`, `pnpm dlx`, `yarn dlx`,
`bunx` and `npm exec` only fetch and start another program. The parser peels the runner off
(`launched`) and reads a deletion tool as `rm -rf` on its operands (`deletion`), so the rm rules
and their allow-lists (temp space, node_modules, ignored build output) judge it.
"""

from __future__ import annotations

RUNNERS = frozenset({"npx", "pnpx", "bunx"})
# package manager -> its subcommands that run a package's program
_SUBRUNNERS = {"npm": frozenset({"exec", "x"}), "pnpm": frozenset({"dlx", "exec"}), "yarn": frozenset({"dlx", "exec"}),
               "bun": frozenset({"x"})}
VERBS = frozenset({*RUNNERS, *_SUBRUNNERS})
_VALUE = frozenset({"-p", "--package", "-w", "--workspace", "--prefix", "--registry", "--cache", "--userconfig",
                    "-C", "--dir", "--filter", "-F", "--cwd"})
# deletion tools -> options after which they delete nothing
DELETERS = {"rimraf": frozenset({"-h", "--help", "--version"}),
            "del-cli": frozenset({"-d", "--dry-run", "-h", "--help", "--version"}),
            "del": frozenset({"-d", "--dry-run", "-h", "--help", "--version"}),
            "premove": frozenset({"-h", "--help", "-v", "--version"}),
            "rm-cli": frozenset({"-h", "--help"}),
            "trash-empty": frozenset()}
SHX = "shx"


def bin_name(package: str) -> str:
    """`rimraf@5` -> rimraf, `@scope/tool@1.2` -> tool: the program a package spec starts."""
    if package.startswith("@"):
        package = package.split("/", 1)[-1]
    return package.split("@", 1)[0] or package


def launched(verb: str, args: list[str]) -> tuple[str, object] | None:
    """("argv", words) for the program a runner starts, ("shell", text) for `npx -c TEXT`, or None."""
    if verb in _SUBRUNNERS:
        if not args or args[0] not in _SUBRUNNERS[verb]:
            return None
        args = args[1:]
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            k += 1
            break
        if not a.startswith("-"):
            break
        name = a.split("=", 1)[0]
        if name in ("-c", "--call"):
            value = a.split("=", 1)[1] if "=" in a else (args[k + 1] if k + 1 < len(args) else "")
            return "shell", value
        k += 2 if name in _VALUE and "=" not in a else 1
    rest = args[k:]
    if not rest:
        return None
    return "argv", [bin_name(rest[0]), *rest[1:]]


def deletion(verb: str, args: list[str]) -> list[str] | None:
    """`rimraf a b` -> ["rm", "-rf", "a", "b"]; None when it deletes nothing (help, dry run)."""
    stops = DELETERS.get(verb)
    if stops is None:
        return None
    targets: list[str] = []
    dashdash = False
    for a in args:
        if dashdash or not a.startswith("-"):
            targets.append(a)
        elif a == "--":
            dashdash = True
        elif a.split("=", 1)[0] in stops:
            return None
    if verb == "trash-empty":
        return ["rm", "-rf", "~/.local/share/Trash"]
    return ["rm", "-rf", "--", *targets] if targets else None
