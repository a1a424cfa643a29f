# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What an interpreter one-liner does to the machine, read without running it.

`python3 -c "import shutil; shutil.rmtree('src')"` deletes a tree as surely as
`rm -rf src`, and `node -e "require('child_process').execSync('git push -f')"`
pushes as surely as the shell would. The guard cannot understand a program, so
this module looks for the few calls that reach the shell, delete trees or write
files, and hands their string arguments back to the shell parser and the rules.

It is conservative and linear: every call site is found with `str.find`, its
argument list is read at most `_REGION` characters far, and a call whose
argument is not a literal is reported as opaque (the guard then treats the
command as unknown rather than safe).
"""

from __future__ import annotations

_REGION = 4000

# name as it follows `.` or starts a call -> what the call does
_PYTHON = {
    "system(": "shell", "popen(": "shell", "Popen(": "shell", "check_output(": "shell", "check_call(": "shell",
    "getoutput(": "shell", "getstatusoutput(": "shell", "spawnl(": "argv", "spawnlp(": "argv",
    "spawnv(": "argv", "spawnvp(": "argv", "execl(": "argv", "execlp(": "argv", "execv(": "argv",
    "execvp(": "argv", "execvpe(": "argv", "pty.spawn(": "shell", "rmtree(": "delete", "removedirs(": "delete",
    "os.remove(": "unlink", "os.unlink(": "unlink", "os.rmdir(": "unlink", "copyfile(": "write2",
    "shutil.copy(": "write2", "shutil.copy2(": "write2", "shutil.move(": "move", "os.rename(": "move",
    "os.replace(": "move", "open(": "open", "exec(": "code", "eval(": "code",
}
_PYTHON_SUBPROCESS = {"run(": "shell", "call(": "shell"}
_NODE = {
    "execSync(": "shell", "exec(": "shell", "execFile(": "shell", "execFileSync(": "shell", "spawn(": "shell",
    "spawnSync(": "shell", "fork(": "shell", "rmSync(": "rm", "rm(": "rm", "rmdirSync(": "rm", "rmdir(": "rm",
    "rimraf(": "delete", "unlinkSync(": "unlink", "unlink(": "unlink", "writeFileSync(": "write",
    "writeFile(": "write", "appendFileSync(": "write", "appendFile(": "write", "createWriteStream(": "write",
    "copyFileSync(": "write2", "copyFile(": "write2", "renameSync(": "move", "rename(": "move",
    "eval(": "code", "Function(": "code", "removeSync(": "rm", "remove(": "rm", "Deno.Command(": "shell",
    "Deno.run(": "shell",
}
_PERL = {
    "system(": "shell", "system ": "shell", "exec(": "shell", "exec ": "shell", "qx(": "raw", "qx{": "raw",
    "qx/": "raw", "rmtree(": "delete", "rmtree ": "delete", "remove_tree(": "delete", "unlink(": "unlink",
    "unlink ": "unlink", "open(": "open", "open ": "open", "eval(": "code", "eval ": "code",
}
_RUBY = {
    "system(": "shell", "system ": "shell", "exec(": "shell", "exec ": "shell", "spawn(": "shell",
    "%x(": "raw", "%x{": "raw", "popen(": "shell", "popen3(": "shell", "capture2(": "shell",
    "capture3(": "shell", "capture2e(": "shell", "rm_rf(": "delete", "rm_rf ": "delete", "rm_r(": "delete",
    "rm_r ": "delete", "remove_dir(": "delete", "remove_entry(": "delete", "rmtree(": "delete",
    "File.delete(": "unlink", "File.unlink(": "unlink", "File.write(": "write", "IO.write(": "write",
    "File.open(": "open", "eval(": "code", "eval ": "code",
}
_AWK = {"system(": "shell"}
_PHP = {"system(": "shell", "exec(": "shell", "shell_exec(": "shell", "passthru(": "shell", "popen(": "shell",
        "proc_open(": "shell", "unlink(": "unlink", "rmdir(": "unlink", "file_put_contents(": "write",
        "eval(": "code"}
_LUA = {"os.execute(": "shell", "os.execute ": "shell", "io.popen(": "shell", "os.remove(": "unlink",
        "os.rename(": "move", "io.open(": "open", "load(": "code", "loadstring(": "code", "dofile(": "code"}
# Tcl and expect: `exec CMD ARGS`, `spawn CMD ARGS` and `system CMD` take the rest of the command as words
_TCL = {"exec ": "raw", "spawn ": "raw", "system ": "raw", "open |": "raw", "file delete ": "tcl-delete",
        "eval ": "code", "uplevel ": "code"}
_ELISP = {"shell-command ": "shell", "shell-command-to-string ": "shell", "async-shell-command ": "shell",
          "call-process-shell-command ": "shell", "call-process ": "argv0", "process-lines ": "argv0",
          "start-process-shell-command ": "shell2", "delete-directory ": "delete", "delete-file ": "unlink",
          "eval ": "code"}
_TABLES = {"python": _PYTHON, "node": _NODE, "perl": _PERL, "ruby": _RUBY, "awk": _AWK, "php": _PHP, "lua": _LUA,
           "tcl": _TCL, "elisp": _ELISP}
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def inline_code(lang: str, args: list[str]) -> list[str] | None:
    """The program text given on the command line; [] when it is read from stdin; None for a script file."""
    if lang == "tcl":  # tclsh FILE, expect -c CMD, expect -f FILE
        for k, a in enumerate(args):
            if a == "-c" and k + 1 < len(args):
                return [args[k + 1]]
        files = [a for a in args if not a.startswith("-")]
        return None if files and args[:1] != ["-"] else []
    if lang == "lua":
        given = [args[k + 1] for k, a in enumerate(args[:-1]) if a == "-e"]
        if given:
            return given
        rest = [a for a in args if not a.startswith("-") or a == "-"]
        return [] if not rest or rest[0] == "-" else None
    if lang == "node" and args[:1] == ["eval"]:  # deno eval CODE
        return args[1:2]
    codes: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a == "-":
            return codes
        if a == "--" or not a.startswith("-"):
            if codes:
                return codes
            if lang == "awk":
                return [a]
            return None
        if lang == "python":
            if not a.startswith("--") and "c" in a[1:]:  # -c CODE, -cCODE, -Sc CODE
                attached = a[a.index("c", 1) + 1:]
                return [attached or (args[k + 1] if k + 1 < len(args) else "")]
            if a.startswith("-m"):
                return None
            k += 2 if a in ("-W", "-X", "-Q") else 1
            continue
        if lang == "node":
            if a in ("-e", "--eval", "-p", "--print", "-pe"):
                codes.append(args[k + 1] if k + 1 < len(args) else "")
                k += 2
                continue
            if a.startswith(("--eval=", "--print=")):
                codes.append(a.split("=", 1)[1])
            k += 2 if a in ("-r", "--require", "--import", "--loader") else 1
            continue
        if lang == "php":
            if a in ("-r", "--run"):
                return [args[k + 1] if k + 1 < len(args) else ""]
            if a == "-f":
                return None
            k += 2 if a in ("-d", "-c", "-z") else 1
            continue
        if lang == "awk":
            if a in ("-f", "--file") or a.startswith("-f"):
                return None
            if a in ("-e", "--source"):
                codes.append(args[k + 1] if k + 1 < len(args) else "")
                k += 2
                continue
            k += 2 if a in ("-v", "-F", "--assign", "--field-separator") else 1
            continue
        # perl and ruby: -e CODE, also clustered as -ne, -pe, -lane
        if not a.startswith("--") and a[-1:] in ("e", "E") and "e" not in a[1:-1].lower():
            codes.append(args[k + 1] if k + 1 < len(args) else "")
            k += 2
            continue
        k += 2 if a in ("-I", "-M", "-r", "-C", "-x") else 1
    return codes


def effects(lang: str, code: str) -> list[tuple[str, object]]:
    """(kind, value) for each call found: shell (text), argv (list), delete/write/unlink (path or None), opaque."""
    table = dict(_TABLES.get(lang, {}))
    if lang == "python" and "subprocess" in code:
        table.update(_PYTHON_SUBPROCESS)
    out: list[tuple[str, object]] = []
    for needle, what in table.items():
        start = 0
        while True:
            at = code.find(needle, start)
            if at < 0:
                break
            start = at + len(needle)
            if needle[0] in _WORD_CHARS and at > 0 and code[at - 1] in _WORD_CHARS:
                continue  # `my_system(` is not `system(`
            region = _region(code, start, needle[-1])
            out.extend(_effect(lang, what, region, code, start))
    if lang in ("perl", "ruby", "php"):
        out.extend(("shell", text) for text in _backticks(code))
    if lang == "awk":
        out.extend(("shell", text) for text in _awk_pipes(code))
    return out


_DECODERS = ("decode", "b64", "base64", "fromhex", "unhexlify", "zlib", "marshal", "codecs", "rot13", "[::-1]",
             "join(", "chr(", "Buffer", "atob", "fromCharCode", "reverse", "unpack", "pack(", "%", "+", "format(")


def _effect(lang: str, what: str, region: str, code: str, start: int) -> list[tuple[str, object]]:
    literals = _literals(region, lang)
    if what in ("code", "shell", "argv") and any(d in _strip_literals(region, lang) for d in _DECODERS):
        return [("opaque", "runs code or a command it decodes or assembles at run time")]
    if what == "code":
        return [] if literals else [("opaque", "evaluates code built at run time")]
    if what == "raw":  # qx(...), %x(...), Tcl's exec: the text itself is the command line
        if lang == "tcl":
            region = region.split("]", 1)[0]
        return [("shell", region)]
    if what == "tcl-delete":
        words = [w for w in region.split("]", 1)[0].split() if not w.startswith("-")]
        return [("delete", w.strip("{}\"'")) for w in words]
    if what == "argv0":
        return [("argv", literals)] if literals else [("opaque", "runs a command built at run time")]
    if what == "shell2":  # (start-process-shell-command NAME BUFFER COMMAND)
        return [("shell", literals[-1])] if len(literals) >= 2 else [("opaque", "runs a command built at run time")]
    if what == "shell":
        if not literals:
            return [("opaque", "runs a command built at run time")]
        if len(literals) == 1:
            return [("shell", literals[0])]
        return [("argv", literals)]
    if what == "argv":
        return [("argv", literals[1:] if len(literals) > 1 else literals)] if literals else \
            [("opaque", "runs a command built at run time")]
    if what == "delete":
        return [("delete", literals[0] if literals else None)]
    if what == "rm":
        kind = "delete" if "recursive" in region else "unlink"
        return [(kind, literals[0] if literals else None)]
    if what == "unlink":
        return [("unlink", literals[0])] if literals else []
    if what == "write":
        return [("write", literals[0])] if literals else []
    if what == "write2":
        return [("write", literals[1])] if len(literals) > 1 else []
    if what == "move":
        return [("unlink", literals[0]), ("write", literals[1])] if len(literals) > 1 else []
    if what == "open":
        return _open_effect(lang, literals)
    return []


def _open_effect(lang: str, literals: list[str]) -> list[tuple[str, object]]:
    if lang == "perl":
        for k, lit in enumerate(literals):
            mode = lit.strip()
            if mode in (">", ">>", "+>", "+<") and k + 1 < len(literals):
                return [("write", literals[k + 1])]
            if mode.startswith((">", "+>")):
                return [("write", mode.lstrip("+>").strip())]
            if mode.endswith("|") or mode.startswith("|"):
                return [("shell", mode.strip("|").strip())]
        return []
    if len(literals) >= 2 and any(c in literals[1] for c in "wax+"):
        return [("write", literals[0])]
    return []


def _region(code: str, i: int, opener: str) -> str:
    """The argument text of a call whose opener ends just before `i`, up to its close (or `;`/newline)."""
    closer = {"(": ")", "{": "}", "/": "/"}.get(opener)
    end = min(len(code), i + _REGION)
    depth = 1
    k = i
    while k < end:
        c = code[k]
        if c in "'\"`":
            j = _string_end(code, k, end)
            k = j + 1
            continue
        if closer is None:
            if c in ";\n":
                break
        elif closer == "/":
            if c == "/":
                break
        elif c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                break
        k += 1
    return code[i:k]


def _string_end(code: str, k: int, end: int) -> int:
    quote = code[k]
    j = k + 1
    while j < end:
        if code[j] == "\\":
            j += 2
            continue
        if code[j] == quote:
            return j
        j += 1
    return end


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _literals(region: str, lang: str) -> list[str]:
    out: list[str] = []
    if lang == "perl" and "q" in region:  # qw(a b c), q(a b), qq{...}: perl's quoting operators
        for opener, closer in (("qw(", ")"), ("qw{", "}"), ("qw[", "]"), ("qq(", ")"), ("qq{", "}"), ("q(", ")"),
                               ("q{", "}")):
            at = region.find(opener)
            if at >= 0 and (at == 0 or region[at - 1] not in _WORD_CHARS):
                end = region.find(closer, at)
                body = region[at + len(opener):end if end >= 0 else len(region)]
                out.extend(body.split() if opener.startswith("qw") else [body])
    quotes = "'\"`" if lang == "node" else "'\""
    k, n = 0, len(region)
    while k < n:
        c = region[k]
        if c in quotes:
            j = _string_end(region, k, n)
            raw = region[k + 1:j]
            if "\\" in raw:
                buf, m = [], 0
                while m < len(raw):
                    if raw[m] == "\\" and m + 1 < len(raw):
                        buf.append(_ESCAPES.get(raw[m + 1], raw[m + 1]))
                        m += 2
                    else:
                        buf.append(raw[m])
                        m += 1
                raw = "".join(buf)
            out.append(raw)
            k = j + 1
            continue
        k += 1
    return out


def _strip_literals(region: str, lang: str) -> str:
    """`region` with the contents of its string literals removed: what is left is code."""
    out: list[str] = []
    quotes = "'\"`" if lang == "node" else "'\""
    k, n = 0, len(region)
    while k < n:
        c = region[k]
        if c in quotes:
            k = _string_end(region, k, n) + 1
            out.append('""')
            continue
        out.append(c)
        k += 1
    return "".join(out)


def _backticks(code: str) -> list[str]:
    out: list[str] = []
    k = 0
    while True:
        a = code.find("`", k)
        if a < 0:
            return out
        b = code.find("`", a + 1)
        if b < 0:
            out.append(code[a + 1:])
            return out
        out.append(code[a + 1:b])
        k = b + 1


def _awk_pipes(code: str) -> list[str]:
    """`print | "sh"` and `"cmd" | getline`: awk hands the quoted text to the shell."""
    out: list[str] = []
    k = 0
    while True:
        at = code.find("|", k)
        if at < 0:
            return out
        k = at + 1
        after = code[at + 1:at + 1 + _REGION].lstrip(" ")
        before = code[max(0, at - _REGION):at].rstrip(" ")
        if after.startswith('"'):
            j = _string_end(after, 0, len(after))
            target = after[1:j]
            out.append(target)
            if target.split(" ", 1)[0].rsplit("/", 1)[-1] in ("sh", "bash", "zsh", "dash", "ksh") and \
                    before.endswith('"'):
                q = before.rfind('"', 0, len(before) - 1)
                if q >= 0:  # print "cmd" | "sh": the printed text is the script
                    out.append(before[q + 1:-1])
        if before.endswith('"') and after.startswith("getline"):
            j = before.rfind('"', 0, len(before) - 1)
            if j >= 0:
                out.append(before[j + 1:-1])
