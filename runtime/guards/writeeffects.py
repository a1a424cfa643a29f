# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What a command writes: the files a parsed command would create, change or delete, and how.

Read by the scope guard (does a Bash call write outside the session's scope?) and by the
guard's truncate and device-write rules; the parser itself never needs it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from .shellmodel import Command


# Verbs whose arguments name files they write (see write_targets); anything else writes only via redirects.
WRITING_VERBS = frozenset({"tee", "sed", "gsed", "perl", "cp", "mv", "install", "ln", "rsync", "dd", "truncate",
                           "touch", "rm", "unlink", "shred", "rmdir", "curl", "wget", "git", "tar", "bsdtar",
                           "gtar", "unzip", "patch"})
_TEE_APPEND = frozenset({"-a", "--append"})
_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")


def write_targets(cmd: Command) -> list[tuple[str, str]]:
    """Files `cmd` would write, as (path as written, mode).

    mode: truncate | append | edit | replace (cp/mv destination) | create | delete. Covers redirects, tee,
    sed -i, cp/mv/install/ln targets, dd of=, truncate, touch, rm/unlink,
    and GNU `time -o`.
    """
    out: list[tuple[str, str]] = list(cmd.writes)
    for r in cmd.redirects:
        if r.mode in ("truncate", "append") and r.target and not (r.op in (">&", "<&") and r.target.isdigit()):
            out.append((r.target, r.mode))
    verb, args = cmd.verb, cmd.args
    operands = _operands(args)
    flags = {a for a in args if a.startswith("-")}
    if verb == "tee":
        mode = "append" if flags & _TEE_APPEND or any(f.startswith("-") and not f.startswith("--") and "a" in f
                                                      for f in flags) else "truncate"
        out.extend((p, mode) for p in operands)
    elif verb in ("sed", "gsed", "perl") and any(a == "-i" or a.startswith(("-i", "--in-place")) or
                                                 (a.startswith("-") and not a.startswith("--") and "i" in a)
                                                 for a in args):
        has_script = any(a in ("-e", "--expression", "-f", "--file") or a.startswith(("--expression=", "--file="))
                         for a in args)
        files = _sed_files(args)
        out.extend((p, "edit") for p in (files if has_script else files[1:]))
    elif verb in ("cp", "mv", "install", "ln", "rsync"):
        target = None
        for k, a in enumerate(args):
            if a in ("-t", "--target-directory") and k + 1 < len(args):
                target = args[k + 1] + "/"
            elif a.startswith("--target-directory="):
                target = a.split("=", 1)[1] + "/"
        if target is not None:
            out.append((target, "replace"))
            sources = [p for p in operands if p + "/" != target]
        elif len(operands) >= 2:
            out.append((operands[-1], "replace"))
            sources = operands[:-1]
        else:
            sources = []
        if verb == "mv":
            out.extend((p, "delete") for p in sources)
    elif verb == "dd":
        out.extend((a[3:], "truncate") for a in args if a.startswith("of="))
    elif verb == "truncate":
        out.extend((p, "truncate") for p in _operands(args, value_flags=("-s", "-r", "--size", "--reference")))
    elif verb == "touch":
        out.extend((p, "create") for p in _operands(args, value_flags=("-d", "-r", "-t", "--date", "--reference")))
    elif verb in ("rm", "unlink", "shred", "rmdir"):
        out.extend((p, "delete") for p in operands)
    elif verb in ("chmod", "chown", "chgrp", "chattr", "setfacl"):  # metadata: a runtime made unreadable is off
        out.extend((p, "edit") for p in operands[1:] if verb != "chattr" or not p.startswith("+"))
    elif verb == "curl":
        out.extend(_option_values(args, ("-o", "--output"), "truncate"))
        out.extend((args[k + 1], "truncate") for k, a in enumerate(args[:-1])
                   if a[:1] == "-" and a[1:2] != "-" and len(a) > 2 and a.endswith("o"))
        if any(a in ("-O", "--remote-name", "--remote-name-all") or (a[:1] == "-" and a[1:2] != "-" and "O" in a)
               for a in args):
            out.append((".", "create"))  # named after the URL, in the current directory
    elif verb == "wget":
        named = _option_values(args, ("-O", "--output-document"), "truncate")
        out.extend(named or _option_values(args, ("-P", "--directory-prefix"), "create", suffix="/") or
                   [(".", "create")])
    elif verb == "git":
        out.extend(_git_writes(args))
    elif verb in ("tar", "bsdtar", "gtar") and _tar_extracts(args):
        out.extend(_option_values(args, ("-C", "--directory"), "create", suffix="/") or [(".", "create")])
    elif verb == "unzip":
        out.extend(_option_values(args, ("-d",), "create", suffix="/") or [(".", "create")])
    elif verb == "patch":
        named = _option_values(args, ("-o", "--output"), "truncate")
        files = _operands(args, value_flags=("-i", "--input", "-p", "-o", "--output", "-d", "--directory", "-r",
                                             "-B", "-F", "-z", "-V", "-D"))
        out.extend(named or [(files[0], "edit")] if (named or files) else [(".", "edit")])
    return [(p, m) for p, m in out if p and not p.startswith(_DEVICES)]


def _option_values(args: list[str], names: tuple[str, ...], mode: str, suffix: str = "") -> list[tuple[str, str]]:
    """Values of options such as `-o FILE`, `-oFILE`, `--output=FILE`."""
    out: list[tuple[str, str]] = []
    for k, a in enumerate(args):
        for name in names:
            if a == name and k + 1 < len(args):
                out.append((args[k + 1].rstrip("/") + suffix, mode))
            elif name.startswith("--") and a.startswith(name + "="):
                out.append((a.split("=", 1)[1].rstrip("/") + suffix, mode))
            elif not name.startswith("--") and a.startswith(name) and len(a) > len(name):
                out.append((a[len(name):].rstrip("/") + suffix, mode))
    return out


def _tar_extracts(args: list[str]) -> bool:
    if any(a in ("--extract", "--get", "-x") for a in args):
        return True
    first = args[0] if args else ""
    return (first[:1] != "-" and "x" in first) or any(a[:1] == "-" and a[1:2] != "-" and "x" in a for a in args)


def _git_writes(args: list[str]) -> list[tuple[str, str]]:
    """Working-tree files a git subcommand overwrites or moves: mv, checkout/restore of paths, rm."""
    k = 0
    while k < len(args) and args[k].startswith("-"):
        k += 2 if args[k] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    sub, rest = (args[k], args[k + 1:]) if k < len(args) else ("", [])
    if sub == "mv":
        files = [a for a in rest if not a.startswith("-")]
        if len(files) >= 2:
            return [(files[-1], "replace"), *((p, "delete") for p in files[:-1])]
    elif sub in ("checkout", "restore"):
        if "--" in rest:
            return [(p, "edit") for p in rest[rest.index("--") + 1:]]
        if sub == "restore":
            return [(p, "edit") for p in _operands(rest, value_flags=("-s", "--source"))]
    elif sub == "rm" and not any(a == "--cached" for a in rest):
        return [(p, "delete") for p in _operands(rest)]
    return []


def _operands(args: list[str], value_flags: tuple[str, ...] = ()) -> list[str]:
    out, k, dd = [], 0, False
    while k < len(args):
        a = args[k]
        if dd or a == "-" or not a.startswith("-"):
            out.append(a)
        elif a == "--":
            dd = True
        elif a in value_flags:
            k += 1
        k += 1
    return out


def _sed_files(args: list[str]) -> list[str]:
    out, k = [], 0
    while k < len(args):
        a = args[k]
        if a in ("-e", "--expression", "-f", "--file", "-l", "--line-length"):
            k += 2
            continue
        if not a.startswith("-") or a == "-":
            out.append(a)
        k += 1
    return out
