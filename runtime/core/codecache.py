# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""One file holding the compiled code of the runtime modules a hook call imports.

A hook is a new interpreter on every tool call, and it imports some thirty runtime
modules. Importing a module from its `.pyc` costs about 0.15 ms before any of its
own code runs (finding the file among the path entries, checking the source's
time stamp, opening and reading the bytecode, building the spec), several
milliseconds a call in all, more than the hook's own work. So the hook path reads
the code of all of them from one file, written next to the `.pyc` files in
`runtime/__pycache__/`, and a finder at the front of `sys.meta_path` hands it to
the import system; each module is still created and run by the import system as
usual, only the file search and reading are skipped. The code is compiled from the
source without its docstrings, which no hook call reads (a module's `__doc__` is
None when it comes from here); nothing else differs, asserts and line numbers
included.

Nothing here can change what a hook decides:
- each module's entry is used only while its source file has the size and
  modification time (in nanoseconds) recorded with it, a stricter check than the
  one Python applies to its own `.pyc` files (whole seconds); an edited, replaced
  or deleted file is imported from its source as usual;
- the file is named for the interpreter's bytecode (`sys.implementation.cache_tag`
  and the optimisation level) and starts with the bytecode magic number, so one
  Python never runs another's code;
- it sits in the runtime's `__pycache__/`, which the guard protects like the rest
  of the runtime directory and git ignores like every `.pyc`;
- any problem reading or writing it (a missing or garbled file, a read-only
  directory) means the modules are imported the usual way; where Python is told
  not to write bytecode (`PYTHONDONTWRITEBYTECODE`, `-B`), it is not written either.

The same file keeps what the hook derives from a runtime data file on every call
and would derive identically next time (`derived`: the shipped guard policy, read
and checked rule by rule), under the same condition: the file's size and time
stamp are those recorded.

After the call has answered, `save` writes a new file when a runtime module was
imported the usual way (the first call, a call down a path not taken before, an
edited module) or something was derived anew, keeping the entries that are still
current.
"""

from __future__ import annotations

import marshal
import os
import sys
from _frozen_importlib import ModuleSpec  # already loaded by the interpreter: importing it is free
from _frozen_importlib_external import MAGIC_NUMBER

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from types import CodeType, ModuleType
    from typing import Any

    # While a new cache is made: (file relative to the runtime, is a package, st_mtime_ns, st_size,
    # marshalled code); in the file's index, the code's offset and length stand in for the code.
    Entry = tuple[str, bool, int, int, bytes]
    Indexed = tuple[str, bool, int, int, int, int]

PACKAGE = __name__.split(".")[0]  # the runtime's import name (`runtime`)
# Imported before the cache is read: `__main__` needs them to read it.
_BEFORE = frozenset({PACKAGE, f"{PACKAGE}.core", __name__})
_RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_DATA = "data:"  # the index key of derived data: no module name holds a colon
_active: list[CodeCache] = []  # the cache `load` read for this process, if any


def cache_file() -> str:
    optimize = f".opt-{sys.flags.optimize}" if sys.flags.optimize else ""
    return os.path.join(_RUNTIME, "__pycache__", f"hookpath.{sys.implementation.cache_tag}{optimize}.bin")


class CodeCache:
    """The finder: serves a runtime module from the cache while its source file is unchanged."""

    def __init__(self, entries: dict[str, Indexed], fd: int = -1, base: int = 0, size: int = 0) -> None:
        self.entries = entries  # name -> (file, is a package, st_mtime_ns, st_size, offset, length)
        # The codes follow the index in the open file `fd`, from `base` on, `size` bytes in all; each is read
        # when its module is imported, so a call reads only the modules it uses.
        self.fd, self.base, self.size = fd, base, size
        self.served: set[str] = set()
        self.stale = False  # an entry whose source changed: the next save drops it
        self.fresh: dict[str, Entry] = {}  # data derived anew in this process, for the next save

    def find_spec(self, name: str, path: Any = None, target: ModuleType | None = None) -> ModuleSpec | None:
        entry = self.entries.get(name)
        if entry is None:
            return None
        origin, package = os.path.join(_RUNTIME, entry[0]), entry[1]
        try:
            found = os.stat(origin)
        except OSError:
            found = None
        if found is None or not self.usable(name, found):  # edited, deleted, or a cut-off cache file
            self.stale = True
            return None
        # a loader by what it does (create_module, exec_module): subclassing importlib.abc.Loader would
        # load importlib's abstract classes on every call
        spec = ModuleSpec(name, self, origin=origin, is_package=package)  # type: ignore[arg-type]
        spec.has_location = True  # sets `__file__`, as a module imported from its file has it
        if package:
            spec.submodule_search_locations = [os.path.dirname(origin)]
        return spec

    def code(self, name: str) -> bytes:
        """The marshalled code of entry `name` (b"" when the file is cut off before it)."""
        offset, length = self.entries[name][4:]
        try:
            data = os.pread(self.fd, length, self.base + offset)
        except (OSError, ValueError):
            return b""
        return data if len(data) == length else b""

    def usable(self, name: str, found: os.stat_result) -> bool:
        """Whether the entry `name` lies within the file and was recorded for `found`'s file."""
        entry = self.entries.get(name)
        return entry is not None and entry[4] + entry[5] <= self.size and _matches(entry, found)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the import system's usual module object

    def exec_module(self, module: ModuleType) -> None:
        try:
            code = marshal.loads(self.code(module.__name__))
            self.served.add(module.__name__)
        except (ValueError, EOFError, TypeError):  # garbled bytes: the source, as an import without the cache
            self.stale = True
            code = _compile(str(module.__file__))
        exec(code, module.__dict__)


def load() -> CodeCache:
    """Read the cache's index and put its finder first in `sys.meta_path`; with no usable cache, an empty
    one (it serves nothing, and `save` fills it)."""
    cache = _open() or CodeCache({})
    sys.meta_path.insert(0, cache)
    _active[:] = [cache]
    return cache


def _open() -> CodeCache | None:
    """The file's index, with the file left open for the codes; None when it is missing, foreign or garbled,
    or where the system has no positioned read (Windows: the modules are then imported the usual way)."""
    if not hasattr(os, "pread"):
        return None
    try:
        fd = os.open(cache_file(), os.O_RDONLY)
    except OSError:
        return None
    try:
        magic = len(MAGIC_NUMBER)
        head = os.pread(fd, magic + 4, 0)
        if head[:magic] == MAGIC_NUMBER and len(head) == magic + 4:
            size = int.from_bytes(head[magic:], "little")
            index = marshal.loads(os.pread(fd, size, magic + 4))
            if isinstance(index, dict) and all(map(_well_formed, index.items())):
                base = magic + 4 + size
                return CodeCache(index, fd, base, os.fstat(fd).st_size - base)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    os.close(fd)
    return None


def _well_formed(item: tuple[Any, Any]) -> bool:
    """An index entry of the expected shape; any other means the file was not written by `save`."""
    name, entry = item
    return (isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 6
            and isinstance(entry[0], str) and isinstance(entry[1], bool)
            and all(isinstance(value, int) and value >= 0 for value in entry[2:]))


def derived(path: str, build: Callable[[], Any]) -> Any:
    """What `build()` derives from the runtime file `path`: from the cache while the file is unchanged,
    else built now (and kept by the next `save`). Outside a hook call, or for a file elsewhere, or a
    value marshal cannot keep, simply `build()`; an exception from `build` is never cached."""
    cache = _active[0] if _active else None
    rel = os.path.relpath(path, _RUNTIME) if path.startswith(_RUNTIME + os.sep) else None
    if cache is None or rel is None:
        return build()
    key = _DATA + rel
    try:
        found = os.stat(path)  # before reading it: a file changed meanwhile is not recorded as unchanged
    except OSError:
        return build()
    if cache.usable(key, found):
        try:
            value = marshal.loads(cache.code(key))
        except (ValueError, EOFError, TypeError):
            cache.stale = True
        else:
            cache.served.add(key)
            return value
    value = build()
    try:
        kept = marshal.dumps(value)
    except ValueError:  # a value marshal cannot keep: derived anew every time
        return value
    cache.fresh[key] = (rel, False, found.st_mtime_ns, found.st_size, kept)
    return value


def save(cache: CodeCache | None) -> None:
    """Write a new cache when this call imported a runtime module the usual way or found an entry
    stale: every runtime module now loaded, plus the entries of earlier calls still current."""
    try:
        if sys.dont_write_bytecode or not hasattr(os, "pread"):  # -B or PYTHONDONTWRITEBYTECODE: none of ours
            return
        loaded = {name: module for name, module in list(sys.modules.items())
                  if name.startswith(PACKAGE + ".") and name not in _BEFORE}
        if (cache is not None and not cache.stale and not cache.fresh
                and all(name in cache.served for name in loaded)):
            return
        kept = {name: (entry, cache.code(name)) for name, entry in cache.entries.items()} if cache else {}
        old = {name: (*entry[:4], code) for name, (entry, code) in kept.items() if code}
        entries = {name: entry for name, entry in old.items() if name not in loaded and _current(entry)}
        entries.update(cache.fresh if cache else {})
        for name, module in loaded.items():
            entry = _entry(module, old.get(name))
            if entry is not None:
                entries[name] = entry
        _write(entries)
    except Exception:  # a cache that cannot be written costs speed, never the call
        pass
    finally:
        if cache is not None:
            cache.close()


def _matches(entry: Entry | Indexed, found: os.stat_result) -> bool:
    """Whether `entry` was recorded for a file with `found`'s time stamp and size."""
    return (entry[2], entry[3]) == (found.st_mtime_ns, found.st_size)


def _current(entry: Entry) -> bool:
    try:
        return _matches(entry, os.stat(os.path.join(_RUNTIME, entry[0])))
    except OSError:
        return False


def _entry(module: ModuleType, old: Entry | None) -> Entry | None:
    """`module`'s entry: the earlier one while it matches the source, else the source compiled now."""
    origin = getattr(module, "__file__", None)
    if not origin or not origin.endswith(".py") or not origin.startswith(_RUNTIME + os.sep):
        return None
    found = os.stat(origin)
    if old is not None and _matches(old, found):
        return old
    code = _compile(origin)
    package = os.path.basename(origin) == "__init__.py"
    return (os.path.relpath(origin, _RUNTIME), package, found.st_mtime_ns, found.st_size, marshal.dumps(code))


def _compile(origin: str) -> CodeType:
    """The module's code without its docstrings, compiled from its source. No hook call reads a docstring,
    and they are a tenth of the bytes each call reads and unmarshals; everything else (asserts, line
    numbers for a traceback) is exactly as Python compiles it."""
    import ast  # here: only a call that writes a new cache compiles anything

    with open(origin, "rb") as handle:
        tree = ast.parse(handle.read(), origin)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = node.body[0] if node.body else None
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            if len(node.body) > 1:
                del node.body[0]  # a module's `from __future__` import must then come first
            else:
                node.body[0] = ast.copy_location(ast.Pass(), first)
    return compile(tree, origin, "exec", dont_inherit=True)


def _write(entries: dict[str, Entry]) -> None:
    """The file: the magic number, the index's length (4 bytes), the index, then the codes."""
    index, codes, offset = {}, [], 0
    for name, (rel, package, mtime_ns, size, code) in entries.items():
        index[name] = (rel, package, mtime_ns, size, offset, len(code))
        codes.append(code)
        offset += len(code)
    head = marshal.dumps(index)
    from .fsutil import write_atomic  # here: only a call that writes a new cache needs it
    from .lightpath import Path

    write_atomic(Path(cache_file()), b"".join([MAGIC_NUMBER, len(head).to_bytes(4, "little"), head, *codes]))
