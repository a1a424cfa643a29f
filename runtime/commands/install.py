# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""`install`: wire the rendered files into the agents, without touching user content.

Copier renders `.orchestrator/install.json` (platform data and the answers) and
runs this command as its one task, after `copy` and after every `update`. It is
idempotent and merges instead of overwriting, because these files are shared
with the user:

- hook settings: each selected platform's module (`platforms/<name>.py`) splices
  our handlers into its settings file; every other key and handler is kept. A
  platform no longer selected has our handlers taken out of its settings files
  again (only ours), so changing the `platforms` answer changes only our entries;
- the instruction files the selected agents read: the intro and a
  `## Session Config` section are appended only when none exists. An existing
  section is never rewritten; if it disagrees with an answer changed in this
  update (install.json against its committed version), we say so and leave it.
  A file seeded while another already holds the Session Config in force (an
  agent added later) gets that copy's values, not the answers, so the two agree.
- an agent taken out of the answers: our hook entries leave its settings file
  (a file that held only ours goes), and our intro and section leave an
  instruction file no selected agent reads, if they are as we wrote them.

A settings file we cannot parse is left untouched and reported with its line
and column, and install exits 1, so copier shows the problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core.config import CONFIG_FILES, ConfigError, find_heading, format_problems, parse_text, render_section
from ..core.fsutil import write_atomic
from ..core.paths import orch_dir, project_root
from ..platforms import MARKER, WireError, get, known

InstallError = WireError  # what install refuses to do names the file and the fix; copier shows it


def add_arguments(parser: Any) -> None:
    parser.add_argument("--manifest", help="install manifest (default: .orchestrator/install.json)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    parser.add_argument("--quiet", action="store_true", help="print errors only (used in copier's temporary renders)")
    parser.add_argument("--notes", action="store_true", help="print a note per file (the default)")



def seed_instructions(root: Path, name: str, intro: str, values: dict[str, Any], dry_run: bool,
                      changed: set[str] | None = None, copied_from: str | None = None) -> str:
    """Seed `name` with the intro and a Session Config of `values`, once.

    `changed`: the answers this update changed (None: every answer is new, as at the first install). An
    existing section that differs only in answers the user did not change is theirs, and no news.
    `copied_from`: the file whose section in force `values` come from, named in the note.
    """
    path = root / name
    source = f" with the values in force in {copied_from}" if copied_from else ""
    section = render_section(values)
    block = (intro.rstrip() + "\n\n" if intro.strip() else "") + section
    if not path.exists():
        if not dry_run:
            write_atomic(path, block)
        return f"{name}: created with a Session Config{source}"
    try:  # newline="" keeps CRLF files byte-for-byte
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise InstallError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start}); left untouched. "
                           "Save it as UTF-8, then run 'python3 .orchestrator/runtime install'.") from exc
    if find_heading(text.splitlines()) is None:
        if not dry_run:
            nl = "\r\n" if "\r\n" in text else "\n"
            separator = "" if not text or text.endswith(nl * 2) else (nl if text.endswith(nl) else nl * 2)
            write_atomic(path, text + separator + block.replace("\n", nl))
        return f"{name}: appended a Session Config section{source} (your lines are unchanged)"
    try:
        current = parse_text(text, name)
    except ConfigError as exc:
        return f"{name}: has a Session Config with problems, left as is:\n" + format_problems(exc.problems)
    wanted = parse_text(section, name).values
    differing = [k for k in values if current.values.get(k) != wanted.get(k) and (changed is None or k in changed)]
    if differing:
        return (f"{name}: keeps its own Session Config; it differs from your answers in "
                f"{', '.join(differing)} (edit {name} if you want the new values)")
    return f"{name}: Session Config present"


def changed_answers(root: Path, manifest_path: Path, values: dict[str, Any]) -> set[str] | None:
    """The Session Config answers that differ from the committed install.json: what this update changed.

    `update` runs on a clean working tree and does not commit, so HEAD holds the answers installed
    before. None when git has no earlier version to compare with (the first install).
    """
    from ..core.proc import run

    try:
        relative = manifest_path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    code, out, _ = run(["git", "show", f"HEAD:./{relative}"], cwd=root)
    if code != 0:
        return None
    try:
        before = json.loads(out).get("session_config")
    except (ValueError, AttributeError):
        return None
    if not isinstance(before, dict):
        return None
    return {key for key, value in values.items() if before.get(key) != value}


def _in_force(root: Path) -> Any:
    """The Session Config the runtime reads now, or None (there is none yet, or it has errors)."""
    from ..core.config import load

    try:
        config = load(root)
    except (ConfigError, OSError):
        return None
    return config if config.source is not None and config.source.name in CONFIG_FILES else None


def _section_elsewhere(root: Path, files: list[str]) -> str | None:
    """An instruction file outside `files` that already holds a Session Config (a second
    section in a file the agents read would shadow it)."""
    for name in CONFIG_FILES:
        path = root / name
        if name in files or not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        if find_heading(lines) is not None:
            return name
    return None


def instruction_files(manifest: dict[str, Any]) -> list[str]:
    """Every instruction file the selected agents read, once, in manifest order.

    Manifests rendered before the list existed name one `config_file`.
    """
    files = manifest.get("instruction_files")
    if not isinstance(files, list):
        files = [manifest["config_file"]] if manifest.get("config_file") else []
    return list(dict.fromkeys(str(name) for name in files))


def precompile(root: Path) -> None:
    """Byte-compile the vendored runtime once, so hooks stay fast even where
    PYTHONDONTWRITEBYTECODE stops Python from caching on first use."""
    import compileall

    compileall.compile_dir(str(orch_dir(root) / "runtime"), quiet=2)


def retract_instructions(root: Path, name: str, intro: str, values: dict[str, Any], dry_run: bool) -> str | None:
    """Take back the intro and Session Config we added to `name` once no selected agent reads it.

    Only the block exactly as we wrote it goes (the user's own lines stay); a file that held nothing
    else is removed. An edited block is the user's now: it stays, and the note says so.
    """
    path = root / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    if find_heading(text.splitlines()) is None:
        return None
    nl = "\r\n" if "\r\n" in text else "\n"
    block = ((intro.rstrip() + "\n\n" if intro.strip() else "") + render_section(values)).replace("\n", nl)
    if block not in text:
        return f"{name}: no selected agent reads it; its Session Config was edited, so it stays"
    rest = text.replace(block, "", 1)
    if not rest.strip():
        if not dry_run:
            path.unlink()
        return f"{name}: removed (no selected agent reads it, and it held only our section)"
    rest = rest.rstrip("\r\n") + nl
    if not dry_run:
        write_atomic(path, rest)
    return f"{name}: took out our Session Config (no selected agent reads it; your lines are unchanged)"


def effective_enforcement(root: Path, manifest: dict[str, Any]) -> str | None:
    """The enforcement level hooks will apply: the Session Config's once one exists (it is what
    counts after the first install), else the answer being installed. Hook entries that depend on
    it (a fail-closed flag) follow the user's edit the next time install runs."""
    try:
        from ..core.config import load

        return str(load(root).get("enforcement"))
    except (ConfigError, OSError):
        return (manifest.get("session_config") or {}).get("enforcement")


def unwire_deselected(root: Path, selected: dict[str, Any], dry_run: bool,
                      commands: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Take our hook entries out of the settings files of platforms that are not selected (any
    more): a file that holds none of ours is not touched, and is never created."""
    notes = []
    for name in known():
        if name in selected:
            continue
        platform = get(name)
        for file in platform.settings_files:
            try:
                text = (root / file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if MARKER in text and f" hook {name} " in text:
                notes.append(platform.unwire(root, {"settings_file": file, "hooks": {}, "hook_command": ""}, dry_run))
        notes.extend(platform.retire(root, list(commands), dry_run))
    return notes


def backstop_note(root: Path, dry_run: bool) -> str | None:
    """The git pre-commit backstop follows `git-backstop` (default on): installed beside the repository's own
    hook, or taken out again, only ours (docs/guards.md, "Git backstop"). Outside a git repository there is
    nothing to say: `session start` installs it once the repository exists."""
    from ..guards import githooks

    if githooks.locate(root).hooks_dir is None:
        return None

    try:
        from ..core.config import load

        wanted = load(root).get("git-backstop")
    except (ConfigError, OSError):
        wanted = True  # no Session Config yet (first install): the default
    if wanted is False:
        return githooks.ensure(root, False, dry_run) or "git backstop: off (git-backstop: false)"
    return githooks.install(root, dry_run)


def install(root: Path, manifest: dict[str, Any], dry_run: bool = False,
            changed: set[str] | None = None) -> list[str]:
    notes = []
    if not dry_run:
        precompile(root)
    selected = manifest.get("platforms", {})
    enforcement = effective_enforcement(root, manifest)
    for name, data in selected.items():
        others = {other: value for other, value in selected.items() if other != name}
        notes.append(get(name).wire(root, {**data, "enforcement": enforcement, "others": others,
                                           "commands": manifest.get("commands", [])}, dry_run))
    notes.extend(unwire_deselected(root, selected, dry_run, manifest.get("commands", [])))
    backstop = backstop_note(root, dry_run)
    if backstop:
        notes.append(backstop)
    files = instruction_files(manifest)
    if selected:  # an agent dropped from the answers: our hooks and our section in its instruction file go
        from ..platforms import INSTRUCTION_FILES

        for name in INSTRUCTION_FILES:
            if name not in files:
                note = retract_instructions(root, name, manifest.get("intro", ""), manifest["session_config"],
                                            dry_run)
                if note:
                    notes.append(note)
    elsewhere = _section_elsewhere(root, files) if files else None
    if elsewhere:  # a second section would shadow the one the user already has
        notes.append(f"{elsewhere}: Session Config present; {', '.join(files)} left as is")
        return notes
    answers = manifest["session_config"]
    live = _in_force(root)  # before this run seeds anything: files seeded together get the same answers
    for name in files:
        if live is not None and live.source.name != name and find_heading(_lines(root / name)) is None:
            from ..core.configcopies import values_to_copy

            notes.append(seed_instructions(root, name, manifest.get("intro", ""), values_to_copy(live, answers),
                                           dry_run, changed, copied_from=live.source.name))
            continue
        notes.append(seed_instructions(root, name, manifest.get("intro", ""), answers, dry_run, changed))
    return notes


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def run(args: Any) -> int:
    root = project_root()
    path = Path(args.manifest) if args.manifest else orch_dir(root) / "install.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}. Re-render the template with copier.", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"error: {path}:{exc.lineno}:{exc.colno}: {exc.msg}", file=sys.stderr)
        return 1
    try:
        changed = changed_answers(root, path, manifest.get("session_config") or {})
        for note in install(root, manifest, args.dry_run, changed):
            if not args.quiet:
                print(note)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
