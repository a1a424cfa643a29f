# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`json.loads` and `json.dumps` for the hook path, without importing `json`.

The `json` package loads `re` and `enum` and compiles six regular expressions
on import, a millisecond or more on every tool call. Its speed comes from the C
accelerator `_json`, which needs none of that; these two functions drive the
accelerator exactly as `json` does with its default settings (and the few
options the hook path passes), so the text and the values are the same. Anything
else — a document the fast scan rejects, an object the encoder cannot write, an
interpreter without `_json` — is handed to `json` itself, which returns the same
value or raises the same error it always would: the fast path only ever answers
when `json` would have answered alike.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from typing import Any

try:
    import _json
except ImportError:  # an interpreter without the accelerator: json's pure-Python code does the work
    _json = None  # type: ignore[assignment]

_SPACE = " \t\n\r"  # json's whitespace between tokens
_INF = float("inf")
_CONSTANTS = {"-Infinity": -_INF, "Infinity": _INF, "NaN": float("nan")}


class _Context:
    """The settings the C scanner reads from a `json.JSONDecoder()` made with no arguments."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__


_scan = _json.make_scanner(_Context()) if _json is not None else None  # type: ignore[arg-type]


def loads(text: str | bytes) -> Any:
    """`json.loads(text)`: a str, or bytes in UTF-8 (json's guess for bytes with no byte-order mark and no
    zero byte among the first two, the only bytes read here; json reads the others)."""
    if isinstance(text, bytes) and text[:1] not in (b"\xef", b"\xfe", b"\xff") and 0 not in text[:2]:
        try:
            text = text.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return _json_loads(text)  # json raises it
    if _scan is not None and isinstance(text, str) and not text.startswith("\ufeff"):
        start = len(text) - len(text.lstrip(_SPACE))
        try:
            value, end = _scan(text, start)
        except Exception:  # StopIteration for no value at all; json words the error
            pass
        else:
            if not text[end:].strip(_SPACE):
                return value
    return _json_loads(text)


def _json_loads(text: str | bytes) -> Any:
    import json

    return json.loads(text)


def _unwritable(obj: Any) -> Any:
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


def dumps(obj: Any, *, sort_keys: bool = False, separators: tuple[str, str] | None = None,
          default: Callable[[Any], Any] | None = None, ensure_ascii: bool = True, indent: int | None = None) -> str:
    """`json.dumps(obj, ...)` with these options (and json's defaults for every other one); an indented
    text (a settings file being written, never the hook path) is json's to write."""
    if _json is not None and indent is None:
        item, key = separators if separators is not None else (", ", ": ")
        quote = _json.encode_basestring_ascii if ensure_ascii else _json.encode_basestring
        if isinstance(obj, str):
            return quote(obj)
        try:
            encode = _json.make_encoder({}, default or _unwritable, quote, None, key, item, sort_keys, False, True)
            return "".join(encode(obj, 0))
        except Exception:  # json words the error (or handles what the accelerator does not)
            pass
    import json

    return json.dumps(obj, sort_keys=sort_keys, separators=separators, default=default, ensure_ascii=ensure_ascii,
                      indent=indent)
