# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Read and validate the `## Session Config` section of the agents' instruction file.

The section is Markdown that people edit by hand, so the parser is forgiving
about form (`key: value`, `- key: value`, `- **key:** value`, backticks, inline
comments, a trailing comment on the heading) and strict about meaning: every
problem names the file, the line and a fix. A config written for the original
Node tool keeps working: same heading, same key names, same value syntax.

`SCHEMA` is the single list of known keys. docs/session-config.md is checked
against it by a test, so the reference and the parser cannot drift apart.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..platforms import INSTRUCTION_FILES

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from collections.abc import Callable
    from typing import Any

CONFIG_FILES = INSTRUCTION_FILES  # the files a Session Config may live in: every agent's instruction file

HEADING = "Session Config"
SESSION_TYPES = ("housekeeping", "feature", "deep")


class BadValueError(ValueError):
    """A value a checker refuses: what is wrong with it, and how to write it instead."""

    def __init__(self, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


def _reason_and_fix(exc: ValueError) -> tuple[str, str]:
    return (exc.reason, exc.fix) if isinstance(exc, BadValueError) else (str(exc), "")

# The heading and the section's end are found without compiling these two patterns (`_is_heading`, `_ENDS`):
# every hook call reads the config, and compiling them cost it half a millisecond.
_HEADING = r"^##[ \t]+Session[ \t]+Config[ \t]*(?:<!--.*-->)?[ \t]*\r?$"
_END = r"^#{1,2}[ \t]"
_ENDS = ("# ", "#\t", "## ", "##\t")  # the lines `_END` matches start with one of these
# Patterns below are needed only for a missing heading or one key's value: `re` is imported and they are compiled
# on first use, so reading a well-formed config on a hook call pays for neither.
_LOOSE_HEADING = r"^#{1,6}\s*session[\s_-]*config\b"
# A `key: value` line; `_key_line` reads it without compiling this pattern.
_KEY = (r"^(?P<indent>[ \t]*)(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z0-9_-]*)"
        r"(?::(?:\*\*|__)|(?:\*\*|__)?:)(?P<value>.*)$")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_KEY_CHARS = _LETTERS | frozenset("0123456789_-")
_EMPHASIS = ("**", "__")
_OVERRIDE = r"^(?P<base>\d+)\s*\((?P<rest>[^)]*)\)\s*$"


class Problem:
    """One finding about the config, pointing at a file and line."""

    __slots__ = ("file", "fix", "level", "line", "message")

    def __init__(self, file: str, line: int, message: str, fix: str = "", level: str = "error") -> None:
        self.file, self.line, self.message, self.fix, self.level = file, line, message, fix, level

    def __str__(self) -> str:
        return self.format()

    def format(self, indent: str = "") -> str:
        """The problem, and its fix four columns deeper, both shifted by `indent`.

        Callers that list several problems under a heading indent through here, so
        every problem line and every fix line lines up, whatever the heading.
        """
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{indent}{where}: {self.level}: {self.message}"
        return f"{text}\n{indent}    fix: {self.fix}" if self.fix else text


def format_problems(problems: list[Problem], indent: str = "  ") -> str:
    return "\n".join(problem.format(indent) for problem in problems)


class ConfigError(Exception):
    """The Session Config cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- value checkers: each returns the parsed value or raises BadValueError(reason, fix) ---


def _command(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise BadValueError("is empty", "give a shell command, 'auto' to detect one, or 'skip' to disable the check")
    return value


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def check(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise BadValueError(
                f"must be a whole number, got {raw.strip()!r}", f"write a number, e.g. {minimum + 2}"
            ) from None
        if value < minimum:
            raise BadValueError(f"must be {minimum} or more, got {value}", f"raise it to at least {minimum}")
        return value

    return check


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def check(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise BadValueError(
                f"must be a whole number, got {raw.strip()!r}", f"write a number from {low} to {high}"
            ) from None
        if not low <= value <= high:
            raise BadValueError(f"must be from {low} to {high}, got {value}", f"write a number from {low} to {high}")
        return value

    return check


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValueError(f"must be true or false, got {raw.strip()!r}", "write true or false")


def _choice(*choices: str) -> Callable[[str], str]:
    def check(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            from difflib import get_close_matches  # only on the error path

            hint = get_close_matches(value, choices, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise BadValueError(
                f"must be one of {', '.join(choices)}, got {raw.strip()!r}{extra}",
                f"write one of: {', '.join(choices)}",
            )
        return value

    return check


def _fraction(raw: str) -> float:
    """A number from 0 to 1 (a confidence), written as `0.7` or `70%`."""
    text = raw.strip()
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise BadValueError(f"must be a number from 0 to 1, got {text!r}", "write a number such as 0.7") from None
    if not 0 <= value <= 1:
        raise BadValueError(f"must be from 0 to 1, got {text}", "write a number such as 0.7")
    return value


def _relative_dir(raw: str) -> str:
    text = raw.strip()
    value = text.rstrip("/")
    if not value or text.startswith(("/", "~", "\\")) or ":" in value or "/../" in f"/{value}/":
        raise BadValueError(f"must be a directory inside the repository, got {raw.strip()!r}",
                         "write a relative path such as docs/prd")
    return value


def _agents_per_wave(raw: str) -> dict[str, int]:
    """`6` or `6 (deep: 18, housekeeping: 2)`: a default plus per-session-type caps."""
    text = raw.strip()
    import re  # only a value with an override in brackets needs it

    match = re.match(_OVERRIDE, text)
    base_text, rest = (match.group("base"), match.group("rest")) if match else (text, "")
    result = {"default": _int_at_least(2)(base_text)}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        name, _, number = part.partition(":")
        name = name.strip().lower()
        if name not in SESSION_TYPES:
            raise BadValueError(
                f"has an override for unknown session type {name!r}",
                f"use one of {', '.join(SESSION_TYPES)}, e.g. '6 (deep: 10)'",
            )
        result[name] = _int_at_least(2)(number)
    return result


_HOST = r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$"


def _hosts(raw: str) -> tuple[str, ...]:
    """`git.example.com, gitlab.internal:8443` or `none`: the self-hosted GitLab hosts, lower-case."""
    text = raw.strip()
    if text.lower() in ("none", ""):
        return ()
    import re  # only a host list needs it

    hosts = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if "://" in part or "/" in part or not re.match(_HOST, part):
            raise BadValueError(f"{part!r} is not a host name",
                                "write host names only, comma-separated, e.g. 'git.example.com, gitlab.internal'")
        hosts.append(part)
    return tuple(hosts)


class Key:
    """One documented Session Config key."""

    __slots__ = ("check", "default", "help", "name", "subkeys")

    def __init__(
        self,
        name: str,
        check: Callable[[str], Any] | None,
        default: Any,
        help: str,
        subkeys: dict[str, Key] | None = None,
    ) -> None:
        self.name, self.check, self.default, self.help, self.subkeys = name, check, default, help, subkeys


SCHEMA: dict[str, Key] = {
    k.name: k
    for k in (
        Key("test-command", _command, "auto", "Runs the test suite for every gate. 'auto' detects, 'skip' disables."),
        Key("typecheck-command", _command, "auto",
            "Runs the type checker for every gate. 'auto' detects, 'skip' disables."),
        Key("lint-command", _command, "auto", "Runs the linter for every gate. 'auto' detects, 'skip' disables."),
        Key("e2e-command", _command, "auto",
            "Runs the end-to-end or integration suite for /test. 'auto' detects, 'skip' says there is none."),
        Key("agents-per-wave", _agents_per_wave, {"default": 6}, "Most subagents one wave runs in parallel."),
        Key("waves", _int_at_least(3), 5, "How many waves /go runs."),
        Key("persistence", _bool, True, "Keep STATE.md and metrics so sessions can resume."),
        Key("enforcement", _choice("strict", "warn", "off"), "warn", "What happens to an edit outside the wave scope."),
        Key("vcs", _choice("auto", "github", "gitlab", "none"), "auto", "Where carryover issues are filed."),
        Key("gitlab-hosts", _hosts, (), "Self-hosted GitLab hosts whose remotes file carryover through glab."),
        Key("allow-destructive-ops", _bool, False, "Lift the destructive-command guard for this repository."),
        Key("git-backstop", _bool, True,
            "Install the git pre-commit backstop beside the repository's own hooks (applied by 'install')."),
        Key(
            "loop-guard",
            None,
            {"threshold": 3, "window": 5},
            "Warn when the same tool call repeats `threshold` times within the last `window` calls.",
            subkeys={
                "threshold": Key("threshold", _int_at_least(2), 3, "Repeats that trigger the warning."),
                "window": Key("window", _int_at_least(2), 5, "How many recent calls are compared."),
            },
        ),
        Key("gate-timeout", _int_at_least(1), 1800, "Seconds one gate command may run before it is stopped."),
        Key("review-confidence-floor", _int_between(0, 100), 80,
            "Reviewer findings below this confidence stay out of reports."),
        Key("evolve-min-sessions", _int_at_least(1), 5,
            "Closed sessions 'evolve analyze' needs before it looks for patterns."),
        Key("learning-half-life", _int_at_least(1), 10,
            "Sessions after which evidence that is not confirmed again counts half."),
        Key("reconcile-confidence", _fraction, 0.7, "Confidence an accepted learning needs to become a rule."),
        Key("learnings-at-start", _int_at_least(0), 5, "Most learnings the session-start banner shows."),
        Key("learnings-budget", _int_at_least(0), 800, "Most characters the banner's learnings block may take."),
        Key("instruction-budget", _int_at_least(1), 40000,
            "Characters of always-on instructions above which session start warns."),
        Key("instruction-growth", _int_at_least(0), 20,
            "Growth in percent since the last session start above which it warns."),
        Key("prd-dir", _relative_dir, "docs/prd", "Where /plan writes PRDs and retrospectives."),
    )
}


class SessionConfig:
    """A validated config: values with defaults applied, plus where each came from."""

    def __init__(self, values: dict[str, Any], source: Path | None, lines: dict[str, int], warnings: list[Problem]):
        self.values = values
        self.source = source
        self.lines = lines  # key -> line number it was read from (absent = default)
        self.warnings = warnings

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def agents_for(self, session_type: str) -> int:
        caps = self.values["agents-per-wave"]
        return int(caps.get(session_type, caps["default"]))


def path_keys() -> list[str]:
    """The keys whose value names a path in the repository (discovery reports one that does not exist)."""
    return [name for name, key in SCHEMA.items() if key.check is _relative_dir]


def defaults() -> dict[str, Any]:
    return {name: _copy(key.default) for name, key in SCHEMA.items()}


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def find_config_file(root: Path, prefer: str | None = None) -> Path | None:
    """The instruction files in CONFIG_FILES order (`prefer` first when it names one of them).

    `$SO_CONFIG_FILE` wins, as it did for the original tool. The first file that
    has a Session Config heading is chosen; a file without one is skipped.
    """
    explicit = os.environ.get("SO_CONFIG_FILE")
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else root / path
    order = list(CONFIG_FILES)
    if prefer in order:
        order.remove(prefer)
        order.insert(0, prefer)
    existing = [root / name for name in order if (root / name).is_file()]
    for path in existing:
        if find_heading(path.read_text(encoding="utf-8", errors="replace").splitlines()) is not None:
            return path
    return existing[0] if existing else None


def _key_line(line: str) -> tuple[str, str, str] | None:
    """`re.match(_KEY, line)` as (indent, key, value), spelled out, trying the pattern's alternatives in its
    order (bullet before none, emphasis before none, the longest key first); a line holding a newline is
    left to the pattern itself."""
    if "\n" in line:
        import re

        found = re.match(_KEY, line)
        return (found["indent"], found["key"], found["value"]) if found else None
    n = len(line)
    at = n - len(line.lstrip(" \t"))
    starts = [at]
    if at + 1 < n and line[at] in "-*+" and line[at + 1] in " \t":
        after = line[at + 1:]
        starts.insert(0, n - len(after.lstrip(" \t")))
    for start in starts:
        for begin in ((start + 2, start) if line.startswith(_EMPHASIS, start) else (start,)):
            if begin >= n or line[begin] not in _LETTERS:
                continue
            end = begin + 1
            while end < n and line[end] in _KEY_CHARS:
                end += 1
            for stop in range(end, begin, -1):
                if line.startswith(":", stop):
                    value = stop + 3 if line.startswith(_EMPHASIS, stop + 1) else stop + 1
                elif line.startswith(_EMPHASIS, stop) and line.startswith(":", stop + 2):
                    value = stop + 3
                else:
                    continue
                return line[:at], line[begin:stop], line[value:]
    return None


def _is_heading(line: str) -> bool:
    """`re.match(_HEADING, line)`, spelled out; a line holding a newline (where `$` has two places to match)
    is left to the pattern itself."""
    if "\n" in line:
        import re

        return re.match(_HEADING, line) is not None
    if not line.startswith("##"):
        return False
    rest = line[2:]
    for word in ("Session", "Config"):
        after = rest.lstrip(" \t")
        if len(after) == len(rest) or not after.startswith(word):
            return False
        rest = after[len(word):]
    rest = rest.lstrip(" \t")
    rest = (rest[:-1] if rest.endswith("\r") else rest).rstrip(" \t")
    return not rest or (len(rest) >= 7 and rest.startswith("<!--") and rest.endswith("-->"))


def find_heading(lines: list[str]) -> int | None:
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence and _is_heading(line):
            return index
    return None


def _outside_fences(lines: list[str]) -> list[int]:
    """Indexes of the lines not inside a ``` fence: an example heading in a code block is not one."""
    kept, in_fence = [], False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence:
            kept.append(index)
    return kept


def _clean_value(raw: str) -> str:
    """Strip Markdown decoration, quotes and an inline `# comment`."""
    value = raw.strip()
    if value.startswith("**"):  # `- **key**: **value**` style
        value = value.strip("*").strip()
    quoted = value[:1] in ("'", '"', "`") and value[:1] in value[1:]
    if quoted:
        quote = value[0]
        end = value.index(quote, 1)
        return value[1:end]
    hash_at = value.find("#", 1)  # an inline comment: `re.search(r"\s#", value)`, without compiling it
    while hash_at > 0 and not value[hash_at - 1].isspace():
        hash_at = value.find("#", hash_at + 1)
    if hash_at > 0:
        value = value[: hash_at - 1]
    return value.strip()


def parse_text(text: str, filename: str = CONFIG_FILES[0]) -> SessionConfig:
    """Parse the Session Config out of a Markdown document.

    Raises ConfigError with every error found (not just the first), so one run
    of `config` shows everything to fix.
    """
    lines = text.splitlines()
    start = find_heading(lines)
    if start is None:
        import re  # only a missing heading needs it

        loose = next((i for i in _outside_fences(lines) if re.match(_LOOSE_HEADING, lines[i], re.IGNORECASE)), None)
        if loose is not None:
            raise ConfigError(
                [
                    Problem(
                        filename,
                        loose + 1,
                        f"heading {lines[loose].strip()!r} is not recognised as the Session Config",
                        "write the heading exactly as '## Session Config' (level 2, this capitalisation)",
                    )
                ]
            )
        raise ConfigError(
            [
                Problem(
                    filename,
                    0,
                    "has no '## Session Config' section",
                    "run 'python3 .orchestrator/runtime install' to add one",
                )
            ]
        )
    errors: list[Problem] = []
    warnings: list[Problem] = []
    values = defaults()
    seen: dict[str, int] = {}
    block: Key | None = None
    block_indent = -1
    in_fence = False
    for index in range(start + 1, len(lines)):
        line = lines[index].rstrip("\r")
        number = index + 1
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence and line.startswith(_ENDS):
            break
        if not stripped or stripped.startswith(("<!--", ">")):
            continue
        match = _key_line(line)
        if not match:
            if ":" in stripped and stripped[:1] in "-*+":
                warnings.append(
                    Problem(filename, number, f"line {stripped!r} is not a 'key: value' pair and was ignored",
                            "write it as '- key: value' with a hyphenated key", "warning")
                )
            continue
        indent = len(match[0].expandtabs(4))
        name = match[1].lower().replace("_", "-")
        raw_value = match[2]
        if block is not None and indent > block_indent:
            sub = (block.subkeys or {}).get(name)
            if sub is None:
                warnings.append(
                    Problem(filename, number, f"unknown key {name!r} under {block.name!r} was ignored",
                            f"known keys: {', '.join(block.subkeys or {})}", "warning")
                )
                continue
            try:
                values[block.name][name] = sub.check(_clean_value(raw_value)) if sub.check else raw_value
            except ValueError as exc:
                reason, fix = _reason_and_fix(exc)
                errors.append(Problem(filename, number, f"{block.name}.{name} {reason}", fix))
            continue
        block = None
        key = SCHEMA.get(name)
        if key is None:
            from difflib import get_close_matches  # only on the error path

            hint = get_close_matches(name, SCHEMA, n=1, cutoff=0.7)
            fix = (f"did you mean {hint[0]!r}?" if hint
                   else "'python3 .orchestrator/runtime config' lists the known keys")
            warnings.append(Problem(filename, number, f"unknown key {name!r} was ignored", fix, "warning"))
            continue
        if name in seen:
            warnings.append(
                Problem(filename, number, f"{name!r} is set again (first on line {seen[name]}); this later value wins",
                        "delete one of the two lines", "warning")
            )
        seen[name] = number
        value_text = _clean_value(raw_value)
        if key.subkeys is not None:
            if value_text:
                errors.append(Problem(filename, number, f"{name} takes indented sub-keys, not a value",
                                      f"write '{name}:' and indent {', '.join(key.subkeys)} below it"))
            block, block_indent = key, indent
            values[name] = _copy(key.default)
            continue
        try:
            values[name] = key.check(value_text) if key.check else value_text
        except ValueError as exc:
            reason, fix = _reason_and_fix(exc)
            errors.append(Problem(filename, number, f"{name} {reason}", fix))
    loop = values["loop-guard"]
    if loop["window"] < loop["threshold"]:
        errors.append(
            Problem(filename, seen.get("loop-guard", start + 1),
                    "loop-guard.window must be at least loop-guard.threshold",
                    f"raise window to {loop['threshold']} or more")
        )
    if errors:
        raise ConfigError(errors + warnings)
    return SessionConfig(values, None, seen, warnings)


def load(root: Path, prefer: str | None = None) -> SessionConfig:
    """Load the repository's Session Config; ConfigError says what to fix."""
    path = find_config_file(root, prefer)
    if path is None:
        raise ConfigError(
            [
                Problem(
                    CONFIG_FILES[0],
                    0,
                    f"none of {', '.join(CONFIG_FILES)} exists in {root}",
                    "run 'python3 .orchestrator/runtime install' to create one with a Session Config",
                )
            ]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            [Problem(path.name, 0, f"cannot be read: {exc}", "check the file's permissions and encoding")]
        ) from exc
    config = parse_text(text, _display(path, root))
    config.source = path
    return config


def load_or_defaults(root: Path) -> tuple[SessionConfig, list[Problem]]:
    """For hooks: never raise. A broken config falls back to defaults, and says so."""
    try:
        config = load(root)
        return config, config.warnings
    except ConfigError as exc:
        return SessionConfig(defaults(), None, {}, []), exc.problems


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def render_section(values: dict[str, Any]) -> str:
    """The Markdown for a Session Config section, used to seed instruction files."""
    out = [f"## {HEADING}", ""]
    for name, key in SCHEMA.items():
        if name not in values:
            continue
        value = values[name]
        if key.subkeys is not None:
            out.append(f"- {name}:")
            out.extend(f"  - {sub}: {format_value(value[sub])}" for sub in key.subkeys)
            continue
        out.append(f"- {name}: {format_value(value)}")
    return "\n".join(out) + "\n"


def format_value(value: Any) -> str:
    """A value as the Session Config writes it, so `config show` prints what a user would type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):  # gitlab-hosts
        return ", ".join(value) or "none"
    if isinstance(value, dict):  # agents-per-wave
        extra = ", ".join(f"{k}: {v}" for k, v in value.items() if k != "default")
        return f"{value['default']} ({extra})" if extra else str(value["default"])
    return str(value)
