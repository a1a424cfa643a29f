"""What the CLI prints around its results: progress steps (a spinner at a terminal), warnings, errors.

Results go to stdout; everything here but `out` goes to stderr, so a script can keep the results and
drop the talk. `--quiet` drops the progress steps only: warnings and errors are always printed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer


def out(text: str) -> None:
    typer.echo(text)


def step(text: str, quiet: bool) -> None:
    if not quiet:
        typer.secho(f"==> {text}", fg=typer.colors.CYAN, err=True)


@contextmanager
def progress(text: str, quiet: bool) -> Iterator[None]:
    """A step that takes seconds: its line, with a spinner while it runs when stderr is a terminal."""
    if quiet:
        yield
        return
    if not sys.stderr.isatty():
        step(text, quiet)
        yield
        return
    import itertools
    import threading

    done = threading.Event()

    def spin() -> None:
        for frame in itertools.cycle("|/-\\"):
            sys.stderr.write(f"\r==> {text} {frame}")
            sys.stderr.flush()
            if done.wait(0.1):
                break
        sys.stderr.write(f"\r==> {text}  \n")
        sys.stderr.flush()

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def warn(text: str) -> None:
    typer.secho(f"warning: {text}", fg=typer.colors.YELLOW, err=True)


def error(text: str) -> None:
    alert(f"error: {text}")


def alert(text: str) -> None:
    """A line that must not be missed (an error, files left to resolve), in red at a terminal."""
    typer.secho(text, fg=typer.colors.RED, err=True)


def out_err(text: str) -> None:
    """Plain text on stderr: the rest of an alert, or what another program wrote to its stderr."""
    typer.echo(text, err=True)


def show(result: subprocess.CompletedProcess[str]) -> None:
    """A finished command's output as it printed it: stdout to stdout, stderr to stderr."""
    out(result.stdout.rstrip())
    if result.stderr.strip():
        out_err(result.stderr.rstrip())
