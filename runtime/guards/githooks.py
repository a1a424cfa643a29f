# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Where git runs the pre-commit hook, and how the backstop sits beside whatever is there.

Git runs exactly one file per hook: `<hooks dir>/pre-commit`, the hooks dir being
`core.hooksPath` when set, else `.git/hooks` (shared by every worktree). Hook managers
each believe they own that file, so the backstop never replaces it:

- no hook yet: ours is the whole file;
- a shell script (a hand-written hook, husky's stub in `.husky/_`, lefthook's runner):
  our block goes right after its first line, and the rest of the file runs unchanged
  afterwards, with the same `$0` and arguments (husky finds the user's hook by `$0`);
  taking the block out gives back the file byte for byte;
- the pre-commit framework's script: left alone; ours goes into `pre-commit.legacy`,
  the file that framework itself runs before its own hooks and keeps across
  `pre-commit install` and `pre-commit uninstall`;
- any other program (a Python or binary hook): moved to
  `pre-commit.before-session-orchestrator` and run by ours afterwards;
- a hook file git tracks (a committed hooks directory): not touched, because every
  clone would see the change; the note says which line to add by hand.

Tools that regenerate their file (husky on `npm install`, lefthook when its config
changes, `pre-commit install --overwrite`) drop our block; `install`, `session start`,
`wave start` and `doctor` notice it and, except doctor, put it back. Stdlib only; never on the hook path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..core.proc import run
from .backstop import REFUSED

HOOK = "pre-commit"
LEGACY = "pre-commit.legacy"  # what the pre-commit framework runs first
CHAINED = "pre-commit.before-session-orchestrator"
DISPLACED = ("pre-commit.old",)  # where lefthook moves a hook it does not recognise
BEGIN = "# >>> session-orchestrator git backstop >>>\n"
END = "# <<< session-orchestrator git backstop <<<\n"
# The pre-commit framework marks its generated hook with one of these ids (current first).
PRE_COMMIT_IDS = ("138fd403232d2ddd5efb44317e38bf03", "4d9958c90bc262f47553e2c073f14cfe",
                  "d8ee923c46731b42cd95cc869add4062", "49fd668cb42069aa1b6048464be5d395",
                  "79f09a650522a87b0da915d0d983b2de", "e358c9dae00eac5d06b38dfdb1e33a8c")
_SHELLS = ("sh", "bash", "dash", "ash", "ksh")

BLOCK = BEGIN + f"""\
# While a session runs, refuse a commit that leaves the wave's scope, changes the guard's own
# files or deletes most of the tracked tree ('python3 .orchestrator/runtime backstop status'). Written by
# 'python3 .orchestrator/runtime install'; the rest of this file is not ours and runs as before.
# Between sessions (no record, or one that is paused or completed) nothing is started at all.
__so_check=yes
if [ -f .orchestrator/state/session.json ]; then
    grep -Eq '^ "status": "(completed|paused)"' .orchestrator/state/session.json && __so_check=no
elif [ ! -d .orchestrator/state ] || ! grep -Eq '^status:[ 	]*"?active' .orchestrator/STATE.md 2>/dev/null; then
    __so_check=no
fi
if [ "$__so_check" = yes ]; then
    __so_rc=0
    if [ -f .orchestrator/runtime/__main__.py ]; then
        python3 -S .orchestrator/runtime backstop check || __so_rc=$?
        if [ "$__so_rc" = {REFUSED} ]; then exit 1; fi
        __so_why="exit $__so_rc"
    else
        __so_rc=1 __so_why=".orchestrator/runtime is missing"
    fi
    if [ "$__so_rc" != 0 ]; then
        echo "session-orchestrator: the git backstop could not run ($__so_why) while a session is active," \\
            "so this commit is refused. 'python3 .orchestrator/runtime doctor' shows what is broken." >&2
        exit 1
    fi
fi
unset __so_check __so_rc __so_why
""" + END
STANDALONE = "#!/bin/sh\n" + BLOCK
CHAIN_TAIL = f'exec "$(dirname "$0")/{CHAINED}" "$@"\n'


class HookFile:
    """What git will run for pre-commit, and where our part of it is (if anywhere)."""

    def __init__(self, hooks_dir: Path | None, problem: str = "") -> None:
        self.hooks_dir, self.problem = hooks_dir, problem

    @property
    def directory(self) -> Path:
        """The hooks directory, for callers that have seen `hooks_dir` set (None means there is none to use)."""
        if self.hooks_dir is None:
            raise ValueError(f"no hooks directory: {self.problem}")
        return self.hooks_dir

    @property
    def entry(self) -> Path:
        return self.directory / HOOK

    def target(self) -> Path:
        """The file our block belongs in: the framework's legacy file beside its own script, else the hook."""
        return self.directory / LEGACY if kind(self.entry) == "pre-commit" else self.entry


SHARED = "shared"  # HookFile.problem when core.hooksPath comes from the user's or the system's git config


def locate(root: Path) -> HookFile:
    """The hooks directory git uses for `root` (honouring `core.hooksPath`), or why there is none. A hooks
    path set in the global or system git config serves every repository of the user, so it is not ours to
    change: `problem` is then SHARED and `hooks_dir` None."""
    code, out, err = run(["git", "rev-parse", "--git-path", "hooks"], root, timeout=10)
    if code != 0:
        return HookFile(None, "not a git repository" if code == 128 else (err.strip() or f"git exited {code}"))
    scope_code, scope, _ = run(["git", "config", "--show-scope", "--get", "core.hooksPath"], root, timeout=10)
    if scope_code == 0 and scope.split("\t", 1)[0] in ("global", "system"):
        return HookFile(None, SHARED)
    path = Path(out.strip())
    return HookFile(path if path.is_absolute() else (root / path).resolve())


def _shared_note(what: str) -> str:
    return (f"git backstop: {what}: core.hooksPath comes from your global or system git config, so that hooks "
            "directory serves every repository and is not changed from here. Add these lines after the first "
            "line of its pre-commit hook, or set core.hooksPath in this repository's own config "
            f"('git config --local core.hooksPath .git/hooks'):\n{BLOCK}")


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def has_block(path: Path) -> bool:
    text = _read(path)
    return text is not None and BEGIN in text


def kind(path: Path) -> str:
    """`absent`, `ours` (only our block), `pre-commit`, `husky`, `lefthook`, `shell` or `program`."""
    text = _read(path)
    if text is None:
        return "absent"
    rest = strip_block(text)
    if BEGIN in text and rest.strip() in ("", "#!/bin/sh", CHAIN_TAIL.strip(), f"#!/bin/sh\n{CHAIN_TAIL}".strip()):
        return "ours"
    if any(f"# ID: {hash_}" in rest for hash_ in PRE_COMMIT_IDS):
        return "pre-commit"
    if not shell_script(rest):
        return "program"
    if '/h"' in rest and path.parent.name == "_":
        return "husky"
    if "LEFTHOOK" in rest:
        return "lefthook"
    return "shell"


def shell_script(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    if not first.startswith("#!"):
        return False
    words = first[2:].split()
    if words and os.path.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    return bool(words) and os.path.basename(words[0]) in _SHELLS


def strip_block(text: str) -> str:
    """`text` without our block (byte for byte what was there before we added it). A block whose end marker
    was edited away is left alone: what follows its start may be someone's own lines."""
    start = text.find(BEGIN)
    end = text.find(END, start) if start >= 0 else -1
    return text if end < 0 else text[:start] + text[end + len(END):]


def damaged(text: str | None) -> bool:
    return text is not None and BEGIN in text and END not in text[text.find(BEGIN):]


def insert_block(text: str) -> str:
    """Our block right after the shebang line; everything else stays where it was."""
    first, newline, rest = text.partition("\n")
    return first + "\n" + BLOCK + rest if newline else first + "\n" + BLOCK


def _write(path: Path, text: str, mode: int | None = None) -> None:
    tmp = path.with_name(f".{path.name}.so-tmp")
    tmp.write_bytes(text.encode("utf-8", "surrogateescape"))
    os.chmod(tmp, mode if mode is not None else 0o755)
    os.replace(tmp, path)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tracked(root: Path, path: Path) -> bool:
    """True when git tracks `path` (a committed hooks directory): changing it would change every clone."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    code, out, _ = run(["git", "ls-files", "--", str(rel)], root, timeout=10)
    return code == 0 and bool(out.strip())


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def install(root: Path, dry_run: bool = False) -> str:
    """Put our block where git will run it; idempotent. Returns one note for the user."""
    hooks = locate(root)
    if hooks.problem == SHARED:
        return _shared_note("not installed")
    if hooks.hooks_dir is None:
        return f"git backstop: not installed ({hooks.problem})"
    cleaned = _remove_displaced(hooks, dry_run)
    target = hooks.target()
    shown = _rel(root, target)
    current = kind(target)
    text = _read(target)
    if damaged(text):
        return (f"git backstop: {shown} holds our start marker without its end marker (edited by hand?); left as "
                f"is. Remove the lines from '{BEGIN.strip()}' on that are ours, then run install again.")
    if text is not None and BEGIN in text:
        wanted = insert_block(strip_block(text)) if current != "ours" else (
            STANDALONE if strip_block(text).strip() == "#!/bin/sh" else STANDALONE + CHAIN_TAIL)
        if text == wanted:
            return f"git backstop: installed in {shown}" + cleaned
        if not dry_run:
            _write(target, wanted, _mode(target))
        return f"git backstop: updated in {shown}" + cleaned
    if text is not None and tracked(root, target):
        return (f"git backstop: not installed: {shown} is tracked by git, and changing it would change every "
                f"clone. To add it yourself, put these lines after its first line:\n{BLOCK}")
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            _write(target, STANDALONE)
        elif current == "program":
            chained = target.with_name(CHAINED)
            if chained.exists():
                _keep(chained)
            os.replace(target, chained)
            _write(target, STANDALONE + CHAIN_TAIL)
        else:
            _write(target, insert_block(text), _mode(target))
    if target != hooks.entry:
        how = "(the pre-commit framework runs it before its own hooks)"
    else:
        how = {"absent": "as its pre-commit hook", "program": f"(your hook now runs from {CHAINED})"}.get(
            current, f"beside the {current if current != 'shell' else 'existing'} hook")
    return f"git backstop: installed in {shown} {how}" + cleaned


def _keep(path: Path) -> None:
    """Never lose a hook: an older saved copy gets a free numbered name."""
    n = 1
    while path.with_name(f"{path.name}.{n}").exists():
        n += 1
    os.replace(path, path.with_name(f"{path.name}.{n}"))


def _remove_displaced(hooks: HookFile, dry_run: bool) -> str:
    """Copies of ours that another tool moved aside (lefthook's `.old`) would come back on its uninstall."""
    gone = []
    for name in DISPLACED:
        path = hooks.directory / name
        text = _read(path)
        if text is None or BEGIN not in text or damaged(text):
            continue
        if not dry_run:
            if kind(path) == "ours":
                path.unlink()
            else:  # someone's hook with our block in it: only the block goes
                _write(path, strip_block(text), _mode(path))
        gone.append(name)
    return f" (took our block out of {', '.join(gone)}, where another tool had moved it)" if gone else ""


def uninstall(root: Path, dry_run: bool = False) -> str:
    """Take out only what is ours: the block, our standalone file, or our wrapper (the program it ran goes back)."""
    hooks = locate(root)
    if hooks.hooks_dir is None:
        return f"git backstop: nothing to remove ({hooks.problem})"
    notes = []
    for path in (hooks.entry, hooks.hooks_dir / LEGACY):
        text = _read(path)
        if text is None or BEGIN not in text:
            continue
        shown = _rel(root, path)
        if damaged(text):
            notes.append(f"git backstop: {shown} holds our start marker without its end marker; left as is")
            continue
        rest = strip_block(text)
        if not dry_run:
            if kind(path) == "ours":
                chained = path.with_name(CHAINED)
                if CHAIN_TAIL in rest and chained.exists():
                    os.replace(chained, path)
                else:
                    path.unlink()
            else:
                _write(path, rest, _mode(path))
        notes.append(f"git backstop: removed from {shown}")
    cleaned = _remove_displaced(hooks, dry_run)
    if not notes:
        return "git backstop: not installed" + cleaned
    return "; ".join(notes) + cleaned


def status(root: Path) -> tuple[str, str]:
    """("installed" | "missing" | "shared" | "unavailable", what doctor prints). Installed means git will run our block
    on the next commit: it is in the file git runs (or in the legacy file the framework runs), executable."""
    hooks = locate(root)
    if hooks.problem == SHARED:
        return SHARED, _shared_note("not checked").split("\n", 1)[0]
    if hooks.hooks_dir is None:
        return "unavailable", f"git backstop: {hooks.problem}"
    target = hooks.target()
    shown = _rel(root, target)
    if not has_block(target):
        moved = [name for name in DISPLACED if has_block(hooks.hooks_dir / name)]
        extra = f" (a copy was moved aside to {moved[0]}, where nothing runs it)" if moved else ""
        return "missing", f"git backstop: not in {shown}{extra}"
    for path in {hooks.entry, target}:
        if not os.access(path, os.X_OK):
            return "missing", f"git backstop: {_rel(root, path)} is not executable, so git skips it"
    how = "" if target == hooks.entry else f" (run by the pre-commit framework's {HOOK} hook)"
    return "installed", f"git backstop: installed in {shown}{how}"


def ensure(root: Path, wanted: object, dry_run: bool = False) -> str | None:
    """Make the hook match the Session Config's `git-backstop`: put it back when a tool regenerated the
    hook file, take it out when it is turned off (never while a session is active). None when nothing changed."""
    if wanted is False:
        hooks = locate(root)
        if hooks.hooks_dir is None or not any(has_block(hooks.hooks_dir / name) for name in (HOOK, LEGACY, *DISPLACED)):
            return None
        from .backstop import session_active

        if session_active(root)[0]:
            return ("git backstop: stays installed until the session ends (git-backstop: false takes effect at "
                    "the next 'install' after 'session close' or 'session pause')")
        return uninstall(root, dry_run)
    if not (root / ".orchestrator" / "runtime" / "__main__.py").is_file():
        return None  # the hook calls the vendored runtime: a repository served by a runtime elsewhere gets none
    state, _ = status(root)
    if state != "missing":
        return None
    return install(root, dry_run)


def repair(root: Path) -> str | None:
    """`ensure` with the Session Config's value (on when the config cannot be read): for `wave start`, since an
    agent's `npm install` mid-session makes husky or lefthook rewrite the hook file."""
    try:
        from ..core.config import load

        wanted = load(root).get("git-backstop")
    except Exception:  # a broken or missing config leaves the default: on
        wanted = True
    return ensure(root, wanted)
