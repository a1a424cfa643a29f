"""`core/quickjson` answers exactly as `json` does: the same value or the same error for every document,
the same text for every object and option the hook path uses. Compared against `json` itself."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from runtime.core import quickjson

DOCUMENTS: list[str | bytes] = [
    '{"a": 1}', ' \n{"a": [1, 2.5, -3e10, true, false, null, "x\\u00e9\\ud83d\\ude00", "\\ud800"]} \r\n', "[]", '"s"',
    "1", "-0", "12345678901234567890", "1.0e400", "NaN", "[Infinity, -Infinity]", '{"a":1,"a":2}', '{"k": {"n": [[]]}}',
    # each of these json rejects, and quickjson must reject it with json's own error and message
    '{"a":1}x', "", "   ", "\ufeff{}", '{"a":', "[1,]", '{"a": "\x01"}', "[1] [2]", "tru", "1" * 5000,
    b'{"a": 1}', b'{"a": "\xc3\xa9"}', b"\xef\xbb\xbf{}", '{"a": "\u00e9"}'.encode("utf-16"),
    '{"a": 1}'.encode("utf-16-le"), '{"a": 1}'.encode("utf-32"), b'{"a": "\xff"}', b'"\xed\xa0\x80"', b"1", b"12",
    b"", b" ", b'{"a":1}x', b"\x00\x00",
]


def _outcome(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    try:
        value = call(*args, **kwargs)
    except Exception as exc:  # the error is part of the answer: its type and its words
        return ("error", type(exc), str(exc))
    return ("value", repr(value), type(value))


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_loads_reads_every_document_as_json_does(document: str | bytes) -> None:
    assert _outcome(quickjson.loads, document) == _outcome(json.loads, document)


def test_loads_keeps_json_special_numbers() -> None:
    value = quickjson.loads("[NaN, Infinity, -Infinity, 1.5, 7]")
    assert math.isnan(value[0]) and value[1:] == [math.inf, -math.inf, 1.5, 7]
    assert [type(x) for x in value[3:]] == [float, int]


class _Odd:
    def __str__(self) -> str:
        return "odd"


OBJECTS: list[Any] = [
    {"b": 1, "a": [1, 2.5, math.inf, math.nan, None, True, "\u00e9\U0001f600\n\"\\", (1, 2)]}, "str", 1, [], {},
    {1: 2, 2.5: 3, None: 4, False: 5}, {"x": _Odd()}, [_Odd()], {(1,): 2}, {"b": 1, 2: "a"}, 10**30, -0.0, 1e-7,
]
OPTIONS: list[dict[str, Any]] = [
    {}, {"sort_keys": True}, {"separators": (",", ":")}, {"default": str}, {"ensure_ascii": False},
    {"sort_keys": True, "default": str, "separators": (",", ":")}, {"indent": 2}, {"indent": 2, "sort_keys": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=[",".join(o) or "defaults" for o in OPTIONS])
def test_dumps_writes_every_object_as_json_does(options: dict[str, Any]) -> None:
    for obj in OBJECTS:
        assert _outcome(quickjson.dumps, obj, **options) == _outcome(json.dumps, obj, **options), obj


def test_a_circular_object_fails_as_in_json() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert _outcome(quickjson.dumps, loop) == _outcome(json.dumps, loop)
