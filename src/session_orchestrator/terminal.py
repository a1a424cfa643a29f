"""What the CLI may assume about where it runs: a terminal, a pipe, a log file, or no stdin at all.

CI jobs and editor tasks start commands with stdin closed (Python then sets `sys.stdin` to None) or
on /dev/null, and read stdout and stderr from a file. Questions are asked only at a terminal, colour
is sent only to one, and help reads the same in both.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

import typer.core

# A CSI sequence (colours, bold, cursor moves): what Copier writes around each "create" and "identical".
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _is_tty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and not stream.closed and stream.isatty()
    except (OSError, ValueError):  # a stream whose file descriptor is gone
        return False


def can_ask() -> bool:
    """Whether questions can be asked: only when stdin is a terminal (not closed, not a pipe or /dev/null)."""
    return _is_tty(sys.stdin)


def wants_colour(stream: TextIO | None) -> bool:
    """Colour for a terminal, unless NO_COLOR (https://no-color.org) is set."""
    return _is_tty(stream) and not os.environ.get("NO_COLOR")


class _Plain:
    """A text stream that drops terminal escapes on their way to a file or a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_ESCAPES.sub("", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def plain_stderr() -> Iterator[None]:
    """Copier colours its progress lines whatever stderr is; in a log they would be raw escapes."""
    stream = sys.stderr
    if stream is None or wants_colour(stream):
        yield
        return
    sys.stderr = cast(TextIO, _Plain(stream))
    try:
        yield
    finally:
        sys.stderr = stream


def _flags_take_no_value(params: list[Any]) -> list[Any]:
    """Typer's help panel prints a type after every option, `--defaults <bool>` too, as if the flag took
    a value; an empty metavar leaves the column blank for flags (and for --help)."""
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", "") is None:
            param.metavar = ""
    return params


class Command(typer.core.TyperCommand):
    """A command whose help shows flags as flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))


class Group(typer.core.TyperGroup):
    """The top level's help (`--version`, `--debug`, `--help`), with flags shown as flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))
