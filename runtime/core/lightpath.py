# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`pathlib.Path`, imported without loading `urllib.parse` and `ipaddress` along with it.

Up to Python 3.12, `pathlib` imports `urllib.parse` at its top for one function,
`quote_from_bytes`, which only `Path.as_uri()` calls; `urllib.parse` in turn loads
`ipaddress`. Together they cost every hook call two to three milliseconds, and no
hook call makes a URI. So while `pathlib` is first imported, `urllib.parse` is
stood in for by a placeholder whose functions import the real module when called,
and the placeholder is gone from `sys.modules` before anything else runs: a later
`import urllib.parse` gets the real module, and `as_uri()` works as before, paying
for the import then. When `pathlib` or `urllib.parse` is already loaded (or from
Python 3.13, whose `pathlib` imports `urllib.parse` only inside those functions),
this is a plain `from pathlib import Path`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from typing import Any


def _when_called(name: str) -> Callable[..., Any]:
    """A stand-in for `urllib.parse.<name>` that imports the real module on its first call."""
    if name.startswith("__"):  # the import system asking what kind of module this is: an ordinary one
        raise AttributeError(name)

    def call(*args: Any, **kwargs: Any) -> Any:
        import urllib.parse

        return getattr(urllib.parse, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def _import_path() -> type:
    if "pathlib" in sys.modules or "urllib.parse" in sys.modules or sys.version_info >= (3, 13):
        from pathlib import Path

        return Path
    placeholder = type(sys)("urllib.parse")
    placeholder.__getattr__ = _when_called  # `from urllib.parse import x` gets a stand-in for any x
    sys.modules["urllib.parse"] = placeholder
    try:
        from pathlib import Path
    finally:
        if sys.modules.get("urllib.parse") is placeholder:
            del sys.modules["urllib.parse"]
    return Path


Path = _import_path()
