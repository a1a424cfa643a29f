# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""What `printf`, `echo -e` and their kin print, so text decoded by the shell is judged decoded.

`$(printf '\x72\x6d') -rf src` and `printf '\162\155 -rf src' | sh` run `rm -rf src` although
neither spells it. The parser asks this module for the text such a command prints whenever that
text becomes a word, a script fed to a shell, or SQL fed to a client. Only static arguments are
decoded; the callers treat anything else as unknown.
"""

from __future__ import annotations

_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_HEX = frozenset("0123456789abcdefABCDEF")
_OCT = frozenset("01234567")


def escapes(text: str, echo_style: bool = False) -> tuple[str, bool]:
    r"""`text` with backslash escapes decoded, and whether a `\c` stopped it early.

    printf's format reads `\NNN` (octal, up to three digits); `echo -e` and printf's `%b` read
    `\0NNN` (a leading zero, then up to three digits). Both read `\xHH`, `\uHHHH`, `\UHHHHHHHH`.
    """
    if "\\" not in text:
        return text, False
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e in _SIMPLE:
            out.append(_SIMPLE[e])
            i += 2
        elif e == "c":
            return "".join(out), True
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            j = i + 2
            while j < n and j < i + 2 + width and text[j] in _HEX:
                j += 1
            if j == i + 2:
                out.append("\\" + e)
            else:
                code = int(text[i + 2:j], 16)
                out.append(chr(code) if code <= 0x10FFFF else "?")
            i = j
        elif e in _OCT:
            start = i + 2 if (echo_style and e == "0") else i + 1
            j = start
            while j < n and j < start + 3 and text[j] in _OCT:
                j += 1
            out.append(chr(int(text[start:j], 8) & 0xFF) if j > start else "\0")
            i = j
        else:
            out.append("\\" + e)
            i += 2
    return "".join(out), False


def echo_output(args: list[str]) -> list[str]:
    """What `echo ARGS` may print: the text as written and, when it holds escapes, decoded too.

    bash's echo decodes only with `-e`, but zsh's and dash's echo decode by default and `xpg_echo`
    changes bash, so text with escapes is read both ways and each reading is judged.
    """
    decode, k = False, 0
    while k < len(args) and len(args[k]) > 1 and args[k][0] == "-" and set(args[k][1:]) <= set("neE"):
        decode = "e" in args[k] or (decode and "E" not in args[k])
        k += 1
    text = " ".join(args[k:])
    decoded, _stopped = escapes(text, echo_style=True)
    if decoded == text:
        return [text]
    return [decoded] if decode else [text, decoded]


def printf_output(args: list[str]) -> str:
    """What `printf FORMAT ARGS...` prints. The format is reused while arguments remain, as the
    shell does; `%b` decodes its argument; numbers are passed through as written."""
    if args[:1] == ["--"]:
        args = args[1:]
    if args[:1] == ["-v"]:  # printf -v NAME: prints nothing
        return ""
    if not args:
        return ""
    fmt, rest = args[0], list(args[1:])
    out: list[str] = []
    for _round in range(len(rest) + 1):
        i, consumed, n = 0, False, len(fmt)
        while i < n:
            c = fmt[i]
            if c == "\\":
                j = i + 2
                if i + 1 < n and fmt[i + 1] in _OCT:
                    j = i + 1
                    while j < n and j < i + 4 and fmt[j] in _OCT:
                        j += 1
                elif i + 1 < n and fmt[i + 1] in "xuU":
                    width = {"x": 2, "u": 4, "U": 8}[fmt[i + 1]]
                    j = i + 2
                    while j < n and j < i + 2 + width and fmt[j] in _HEX:
                        j += 1
                text, stopped = escapes(fmt[i:j])
                out.append(text)
                if stopped:
                    return "".join(out)
                i = j
                continue
            if c != "%" or i + 1 >= n:
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and fmt[j] in "-+ #0123456789.*":
                j += 1
            conv = fmt[j] if j < n else ""
            spec = fmt[i + 1:j]
            i = j + 1
            if conv == "%":
                out.append("%")
                continue
            value = rest.pop(0) if rest else ""
            consumed = True
            if conv == "b":
                text, stopped = escapes(value, echo_style=True)
                out.append(text)
                if stopped:
                    return "".join(out)
            elif conv == "c":
                out.append(value[:1])
            elif conv in ("s", "q", "Q"):
                if "." in spec:
                    digits = spec.split(".", 1)[1]
                    value = value[:int(digits)] if digits.isdigit() else value
                out.append(value)
            else:
                out.append(value)
        if not rest or not consumed:
            break
    return "".join(out)
