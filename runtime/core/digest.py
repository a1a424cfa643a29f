# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`sha256` for the hook path, without importing `hashlib`.

`hashlib` loads OpenSSL's bindings, a few milliseconds on every tool call. The
interpreter's own implementation (`_sha256`, `_sha2` from Python 3.12) gives the
same digests and loads in a fraction of that; `hashlib` is the last resort.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # the private modules below have no type stubs; hashlib's sha256 is the same function
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256
    except ImportError:
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256


def short(text: str, length: int = 16) -> str:
    """The first `length` hex digits of `text`'s SHA-256: a key that names a text without keeping it."""
    return sha256(text.encode("utf-8", "replace")).hexdigest()[:length]
