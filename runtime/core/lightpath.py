# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`pathlib.Path`, imported without loading `urllib.parse`, `ipaddress`, `re`, `enum`, `fnmatch`,
`ntpath`, `functools`, `collections` and `operator` along with it.

Up to Python 3.12, `pathlib` imports `urllib.parse` (which loads `ipaddress`) for
one function only `Path.as_uri()` calls, `re` (which loads `enum`) and `fnmatch`
for globbing and pattern matching, `ntpath` for Windows paths, `functools` (which
loads `collections`, `operator`, `keyword` and `reprlib`) to cache its glob
helpers, and `warnings` for deprecated methods. Together they cost every hook
call several milliseconds, and a hook call on this system neither makes a URI nor
globs nor reads a Windows path. So while `pathlib` is first imported, those
modules are stood in for by placeholders that load the real module the moment
anything is asked of them:
- a function `pathlib` binds at import (`from urllib.parse import quote_from_bytes`)
  loads its module when called;
- `operator`'s functions come from its C half, `_operator`, which is already cheap;
- `functools.cache` and `functools.lru_cache`, which `pathlib` applies to its glob
  helpers at import, wrap the function so that the real cache is made on its first
  call.
The placeholders leave `sys.modules` before anything else runs, so a later
`import re` or `import functools` gets the real module, and `pathlib` works
exactly as before, paying for the import when first used. A module already
loaded is used as it is; when `pathlib` is (or from Python 3.13, whose `pathlib`
imports them only where it uses them), this is a plain `from pathlib import Path`.
If a Python release's `pathlib` asks a placeholder at import for something it
cannot stand in for (3.12 calls `fnmatch.translate` there), the real module loads
there and then: the worst case is the cost this module saves, never a wrong answer.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from typing import Any

_DEFERRED = ("urllib.parse", "re", "fnmatch", "ntpath", "functools", "operator", "warnings")
_CACHES = ("cache", "lru_cache")  # the `functools` decorators pathlib applies at import
_importing = False  # True while pathlib itself is being imported


def _real(name: str) -> Any:
    """The real module `name`, imported now if only its placeholder was there."""
    module = sys.modules.get(name)
    if module is not None and not getattr(module, "_placeholder", False):
        return module
    sys.modules.pop(name, None)
    __import__(name)
    return sys.modules[name]


def _when_called(name: str, attr: str) -> Callable[..., Any]:
    """A stand-in for the function `<name>.<attr>` that imports the real module on its first call."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(name), attr)(*args, **kwargs)

    call.__name__ = call.__qualname__ = attr
    return call


def _cached_on_first_call(attr: str) -> Callable[..., Any]:
    """A stand-in for the decorator `functools.<attr>` (`cache`, or `lru_cache` with or without its
    arguments): the function it decorates is wrapped in the real cache when first called."""
    def wrap(function: Callable[..., Any], make: Callable[[Any, Callable[..., Any]], Any]) -> Callable[..., Any]:
        made: list[Callable[..., Any]] = []

        def call(*args: Any, **kwargs: Any) -> Any:
            if not made:
                made.append(make(getattr(_real("functools"), attr), function))
            return made[0](*args, **kwargs)

        call.__name__ = call.__qualname__ = getattr(function, "__name__", attr)
        call.__doc__ = getattr(function, "__doc__", None)
        return call

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        if attr == "cache" or (len(args) == 1 and callable(args[0]) and not kwargs):  # `@cache`, `@lru_cache`
            return wrap(args[0], lambda real, function: real(function))
        # `@lru_cache()`, `@lru_cache(maxsize=256)`: the arguments are kept for the real one
        return lambda function: wrap(function, lambda real, function: real(*args, **kwargs)(function))

    return stand_in


def _placeholder(name: str) -> Any:
    module = type(sys)(name)
    module.__dict__["_placeholder"] = True

    def attribute(attr: str) -> Any:
        if attr.startswith("__"):  # the import system asking what kind of module this is: an ordinary one
            raise AttributeError(attr)
        if _importing and name == "urllib.parse":  # `from urllib.parse import quote_from_bytes`
            return _when_called(name, attr)
        if _importing and name == "functools" and attr in _CACHES:
            return _cached_on_first_call(attr)
        if _importing and name == "operator":  # `from operator import attrgetter`: the C function itself
            import _operator

            if hasattr(_operator, attr):
                return getattr(_operator, attr)
        value = getattr(_real(name), attr)
        setattr(module, attr, value)
        return value

    module.__dict__["__getattr__"] = attribute  # PEP 562: asked for every name the placeholder lacks
    return module


def _import_path() -> type:
    global _importing
    if "pathlib" in sys.modules or sys.version_info >= (3, 13):
        from pathlib import Path

        return Path
    placeholders = {name: _placeholder(name) for name in _DEFERRED if name not in sys.modules}
    sys.modules.update(placeholders)
    _importing = True
    try:
        from pathlib import Path
    finally:
        _importing = False
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    return Path


if TYPE_CHECKING:  # what the name is, for a type checker; at run time it is the same class
    from pathlib import Path as Path
else:
    Path = _import_path()
