# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What the parser knows about programs: which ones run their arguments as a command (wrappers
such as `sudo` or `timeout`, with their options), which are shells, interpreters, editors with
shell escapes, package runners, database clients, and how a program's name is written.

Pure tables and the small readers of them, so the parse walk, the guard and the write effects
share one copy and a new program is one line here.
"""

from __future__ import annotations

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "yash", "busybox-sh", "fish", "csh", "tcsh",
                    "posh", "oksh", "loksh", "rbash"})


# Wrappers that run their arguments as a command: name -> (options taking a value,
# options after which nothing runs, positional arguments to skip before the command).
WRAPPERS: dict[str, tuple[frozenset[str], frozenset[str], int]] = {
    "sudo": (frozenset({"-u", "-g", "-h", "-C", "-D", "-p", "-r", "-t", "-T", "-U", "-R", "--user", "--group",
                        "--host", "--close-from", "--chdir", "--prompt", "--role", "--type",
                        "--command-timeout", "--other-user", "--chroot"}),
             frozenset({"-l", "--list", "-v", "--validate", "-e", "--edit", "-V", "--version", "-K",
                        "--remove-timestamp", "--help"}), 0),
    "doas": (frozenset({"-u", "-C"}), frozenset(), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P", "--default-signal",
                       "--ignore-signal", "--block-signal"}), frozenset({"--help", "--version"}), 0),
    "command": (frozenset(), frozenset({"-v", "-V"}), 0),
    "builtin": (frozenset(), frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), frozenset(), 0),
    "nohup": (frozenset(), frozenset(), 0),
    "time": (frozenset({"-o", "--output", "-f", "--format"}), frozenset(), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), frozenset(), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), frozenset(), 0),
    "exec": (frozenset({"-a"}), frozenset(), 0),
    "ionice": (frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"}), frozenset(), 0),
    "chroot": (frozenset({"--userspec", "--groups"}), frozenset(), 1),
    "unbuffer": (frozenset(), frozenset(), 0),
    "catchsegv": (frozenset(), frozenset(), 0),
    "busybox": (frozenset(), frozenset(), 0),
    "caffeinate": (frozenset({"-t", "-w"}), frozenset(), 0),
    "setsid": (frozenset(), frozenset(), 0),
    "pkexec": (frozenset({"--user"}), frozenset(), 0),
    "fakeroot": (frozenset({"-l", "--lib", "--faked", "-s", "-i"}), frozenset(), 0),
    "unshare": (frozenset({"--propagation", "--setgroups", "-S", "--setuid", "-G", "--setgid"}), frozenset(), 0),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-P", "-S", "-X"}),
               frozenset(), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-a", "-n", "-l", "-x", "-L"}), frozenset(), 0),
    "taskset": (frozenset(), frozenset({"-p", "--pid"}), 1),
    "chrt": (frozenset(), frozenset({"-p", "--pid"}), 1),
    "nsenter": (frozenset({"-t", "--target", "-S", "-G"}), frozenset(), 0),
    "firejail": (frozenset(), frozenset(), 0),
    "torsocks": (frozenset(), frozenset(), 0),
    "proxychains": (frozenset({"-f"}), frozenset(), 0),
    "proxychains4": (frozenset({"-f"}), frozenset(), 0),
}


# Options of a wrapper known to take no value (any other unknown option is read both ways).
KNOWN_BOOLEAN: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-A", "-b", "-E", "-H", "-i", "-k", "-n", "-P", "-S", "-s", "-B", "-N"}),
    "doas": frozenset({"-n", "-s"}),
    "env": frozenset({"-i", "-0", "-v"}),
    "time": frozenset({"-p", "-a", "-v", "-q"}),
    "timeout": frozenset({"-v", "--preserve-status", "--foreground", "--verbose"}),
    "exec": frozenset({"-c", "-l"}),
    "ionice": frozenset({"-t"}),
    "unbuffer": frozenset({"-p"}),
}


# Interpreters whose inline code is read (interp.py), by the language of that code.
INTERPRETERS = {"python": "python", "python2": "python", "python3": "python", "pypy": "python",
                "pypy3": "python", "node": "node", "nodejs": "node", "bun": "node", "deno": "node",
                "perl": "perl", "ruby": "ruby", "awk": "awk", "gawk": "awk", "mawk": "awk", "nawk": "awk",
                "php": "php", "lua": "lua", "lua5.1": "lua", "lua5.2": "lua", "lua5.3": "lua", "lua5.4": "lua",
                "luajit": "lua", "tclsh": "tcl", "tclsh8.6": "tcl", "tclsh9.0": "tcl", "wish": "tcl", "expect": "tcl"}
# Programs with shell escapes in their commands or scripts (editors.py).
EDITOR_VERBS = frozenset({"vim", "vi", "nvim", "ex", "view", "gvim", "vimdiff", "rvim", "evim", "vim.tiny",
                          "vim.basic", "nvi", "elvis", "emacs", "emacs-nox", "emacsclient", "gdb", "lldb", "sed",
                          "gsed"})
# Short options of ssh and watch that take a value: the command starts after them.
SSH_VALUE = frozenset("BbcDEeFIiJLlmOopQRSWw")
WATCH_VALUE = frozenset({"-n", "--interval", "-d", "-q", "--equexit", "--chgexit"})
# Programs whose output is their static arguments or heredoc, so what they pipe on is known.
STATIC_FEEDERS = frozenset({"echo", "printf", "cat"})

# Package runners and deletion tools of the JavaScript world (nodetools.py).
NODE_VERBS = frozenset({"npx", "pnpx", "bunx", "npm", "pnpm", "yarn", "bun", "rimraf", "del-cli", "del", "premove",
                        "rm-cli", "trash-empty", "shx"})
# Programs the guard looks into before its rules run: database clients (their SQL and shell escapes),
# container engines (commands run with the host mounted), script runners (package.json, Makefile).
DB_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlite", "sqlcmd", "duckdb", "clickhouse-client",
                        "clickhouse", "cockroach", "mycli", "pgcli", "litecli", "usql", "snowsql", "mysqlsh"})
CONTAINER_ENGINES = frozenset({"docker", "podman", "nerdctl", "finch", "lima-nerdctl"})
SCRIPT_RUNNERS = frozenset({"npm", "pnpm", "yarn", "bun", "make", "gmake", "bmake"})


def normalise_verb(word: str) -> str:
    """`/bin/rm`, `./rm`, `rm.exe` -> rm (quotes and backslashes are gone after lexing)."""
    if "/" in word:
        word = word.rsplit("/", 1)[-1] or word
    return word[:-4] if word[-4:-3] == "." and word[-3:].lower() == "exe" else word


def shell_payload(args: list[str]) -> int | None:
    """Index of the script in `bash -c SCRIPT [arg0 args...]` (also `-lc`, `-ec`, `-o pipefail -c`), else None."""
    wants = False
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            k += 2
            continue
        if a.startswith("--"):
            k += 1
            continue
        if a[:1] in ("-", "+") and len(a) > 1:
            if "c" in a[1:]:
                wants = True
            k += 2 if a[-1] in "oO" else 1  # `-euxo pipefail`: the cluster's last flag takes a value
            continue
        return k if wants else None
    return None
