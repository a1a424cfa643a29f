# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""The destructive-command guard's rules: the shipped floor plus the repository's overlay.

The floor (`policy.json` beside this file) travels with the runtime, so a
missing or broken overlay can never leave the guard without rules. The overlay
(`.orchestrator/policy/guard.json`) may add rules and raise a shipped rule from
warn to block. Anything that would weaken the floor is dropped and listed in
`Policy.rejected`, which the banner and `guard policy` show: a repository can
ask for less protection only out loud, never silently.
"""

from __future__ import annotations

from pathlib import Path

from ..core import codecache, quickjson
from .rulekinds import KINDS

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing would cost every hook call a millisecond
    from typing import Any

FLOOR_PATH = Path(__file__).with_name("policy.json")
OVERLAY_REL = ".orchestrator/policy/guard.json"

SEVERITIES = {"warn": 1, "block": 2}
# What `re.match(r"^[a-z][a-z0-9-]*$", pack)` and `re.match(r"^[a-z0-9][a-z0-9._-]*$", rule_id)` accept, checked
# character by character: compiling the two patterns cost every hook call a fifth of a millisecond.
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_PACK_FIRST, _PACK_REST = _LOWER, _LOWER | frozenset("0123456789-")
_ID_FIRST, _ID_REST = _LOWER | frozenset("0123456789"), _LOWER | frozenset("0123456789._-")


def _spelled(value: str, first: frozenset[str], rest: frozenset[str]) -> bool:
    """Whether `value` is one character of `first` then any of `rest` (a final newline allowed, as `$` allows)."""
    if value.endswith("\n"):
        value = value[:-1]
    return bool(value) and value[0] in first and rest.issuperset(value[1:])


def _string_groups(groups: Any) -> bool:
    """A non-empty list of strings for each entry of a list; written as loops, not nested generators, because
    every hook call checks every shipped rule."""
    if not isinstance(groups, list):
        return False
    for group in groups:
        if not isinstance(group, list) or not group:
            return False
        for item in group:
            if not isinstance(item, str):
                return False
    return True


class PolicyError(Exception):
    """The floor policy cannot be used; the message names the file and the fix."""


class Policy:
    """Effective rules, in order: floor first, then the overlay's additions."""

    __slots__ = ("overlay_error", "rejected", "rules")

    def __init__(self, rules: list[dict[str, Any]], rejected: list[str], overlay_error: str = "") -> None:
        self.rules = rules
        self.rejected = rejected  # overlay entries dropped because they would weaken or break a rule
        self.overlay_error = overlay_error  # the overlay could not be read at all (floor still applies)


def load(root: Path, floor_path: Path = FLOOR_PATH) -> Policy:
    """Floor plus overlay. Raises PolicyError only when the floor itself is unusable."""
    # Reading and checking the shipped rules is a millisecond of every hook call; a hook keeps the checked
    # rules next to its compiled modules while the file is unchanged (core/codecache.py).
    floor = codecache.derived(str(floor_path), lambda: _floor_rules(floor_path))
    problems: list[str] = []
    by_id: dict[str, dict[str, Any]] = {}
    effective: list[dict[str, Any]] = []
    for rule in floor:
        rule = dict(rule)
        rule["origin"] = "floor"
        by_id[rule["id"]] = rule
        effective.append(rule)
    overlay_error = ""
    overlay_path = root / OVERLAY_REL
    try:
        text = overlay_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        overlay_error = f"{OVERLAY_REL}: cannot be read ({_short(exc)}); only the shipped rules apply"
        text = ""
    if text.strip():
        try:
            overlay = quickjson.loads(text)
        except ValueError as exc:
            overlay_error = (f"{OVERLAY_REL}:{getattr(exc, 'lineno', 0)}: is not valid JSON ({_short(exc)}); "
                             "only the shipped rules apply until it is fixed")
        else:
            entries = overlay.get("rules") if isinstance(overlay, dict) else None
            if not isinstance(entries, list):
                overlay_error = (f"{OVERLAY_REL}:1: needs a top-level object with a \"rules\" list; "
                                 "only the shipped rules apply until it is fixed")
            else:
                _apply_overlay(entries, text, by_id, effective, problems)
    return Policy(effective, problems, overlay_error)


def _floor_rules(floor_path: Path) -> list[dict[str, Any]]:
    """The floor's rules, each checked; PolicyError naming the file and the fix when one is unusable."""
    try:
        floor_text = floor_path.read_text(encoding="utf-8")
        floor = quickjson.loads(floor_text)
    except OSError as exc:
        raise PolicyError(f"{floor_path}: cannot be read ({exc.strerror}); reinstall the runtime with "
                          "'copier update' or restore the file from git") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{floor_path}:{getattr(exc, 'lineno', 0)}: is not valid JSON ({_short(exc)}); "
                          "restore it with 'git checkout' of that file or 'copier update'") from None
    rules = floor.get("rules") if isinstance(floor, dict) else None
    if not isinstance(rules, list):
        raise PolicyError(f"{floor_path}: has no 'rules' list; restore it from git or with 'copier update'")
    for index, rule in enumerate(rules):
        problem = validate(rule)
        if problem:
            raise PolicyError(f"{floor_path}: rules[{index}]: {problem}; restore the file from git")
    return rules


def _apply_overlay(entries: list[Any], text: str, by_id: dict[str, dict[str, Any]],
                   effective: list[dict[str, Any]], problems: list[str]) -> None:
    for index, entry in enumerate(entries):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        pack = entry.get("pack") if isinstance(entry, dict) and rule_id is None else None
        if isinstance(pack, str):
            where = f"{OVERLAY_REL}:{_line_of(text, pack)}: rules[{index}] (pack {pack})"
            _raise_pack(entry, pack, where, by_id, problems)
            continue
        where = f"{OVERLAY_REL}:{_line_of(text, rule_id)}: rules[{index}]" + (f" ({rule_id})" if rule_id else "")
        if not isinstance(entry, dict) or not isinstance(rule_id, str):
            problems.append(f"{where}: each rule needs an \"id\" (or a \"pack\" to raise a whole pack); "
                            "entry ignored")
            continue
        shipped = by_id.get(rule_id)
        if shipped is not None and shipped["origin"] == "floor":
            extra = sorted(set(entry) - {"id", "severity"})
            severity = entry.get("severity", shipped["severity"])
            if extra or entry.get("enabled") is False:
                problems.append(f"{where}: a shipped rule can only have its severity raised; "
                                f"{', '.join(extra) or 'enabled'} cannot be changed, so the entry was ignored "
                                f"(add a rule with a new id instead)")
            elif severity not in SEVERITIES:
                problems.append(f"{where}: severity must be 'warn' or 'block', got {severity!r}; entry ignored")
            elif SEVERITIES[severity] < SEVERITIES[shipped["severity"]]:
                problems.append(f"{where}: tries to lower shipped rule from {shipped['severity']} to {severity}; "
                                "shipped rules cannot be weakened, it stays "
                                f"{shipped['severity']}")
            else:
                shipped["severity"] = severity
                shipped["raised"] = severity != "warn"
            continue
        if shipped is not None:
            problems.append(f"{where}: the id is already used by an earlier overlay rule; entry ignored")
            continue
        problem = validate(entry)
        if problem:
            problems.append(f"{where}: {problem}; entry ignored")
            continue
        rule = dict(entry)
        rule["origin"] = "overlay"
        by_id[rule_id] = rule
        effective.append(rule)


def _raise_pack(entry: dict[str, Any], pack: str, where: str, by_id: dict[str, dict[str, Any]],
                problems: list[str]) -> None:
    """`{"pack": "databases", "severity": "block"}` raises every shipped rule of the pack at once;
    like a single rule, a pack can be raised, never lowered or switched off."""
    members = [r for r in by_id.values() if r["origin"] == "floor" and r.get("pack") == pack]
    extra = sorted(set(entry) - {"pack", "severity"})
    severity = entry.get("severity")
    if not members:
        known = sorted({str(r.get("pack")) for r in by_id.values() if r.get("pack")})
        problems.append(f"{where}: no shipped pack is called {pack!r} (packs: {', '.join(known)}); entry ignored")
    elif extra or entry.get("enabled") is False:
        problems.append(f"{where}: a shipped pack can only have its severity raised; "
                        f"{', '.join(extra) or 'enabled'} cannot be changed, so the entry was ignored")
    elif severity not in SEVERITIES:
        problems.append(f"{where}: severity must be 'warn' or 'block', got {severity!r}; entry ignored")
    else:
        lowered = [r["id"] for r in members if SEVERITIES[severity] < SEVERITIES[r["severity"]]]
        if lowered:
            problems.append(f"{where}: tries to lower {', '.join(lowered)} to {severity}; shipped rules cannot be "
                            "weakened, they keep their severity")
        for rule in members:
            if SEVERITIES[severity] > SEVERITIES[rule["severity"]]:
                rule["severity"] = severity
                rule["raised"] = True


def validate(rule: Any) -> str:
    """'' when `rule` is usable, else what is wrong with it."""
    if not isinstance(rule, dict):
        return "a rule must be a JSON object"
    rule_id = rule.get("id")
    if not isinstance(rule_id, str) or not _spelled(rule_id, _ID_FIRST, _ID_REST):
        return "\"id\" must be lowercase letters, digits and dashes"
    if rule.get("severity") not in SEVERITIES:
        return f"\"severity\" must be 'warn' or 'block', got {rule.get('severity')!r}"
    if "pack" in rule and not (isinstance(rule["pack"], str) and _spelled(rule["pack"], _PACK_FIRST, _PACK_REST)):
        return "\"pack\" must be a lowercase name such as 'git' or 'databases'"
    for key in ("why", "safer"):
        if not isinstance(rule.get(key), str) or not rule[key].strip():
            return f"\"{key}\" must be a sentence telling the agent {'the risk' if key == 'why' else 'what to do'}"
    match = rule.get("match")
    alternatives = match if isinstance(match, list) else [match]
    if not alternatives:
        return "\"match\" is empty"
    for alt in alternatives:
        if not isinstance(alt, dict):
            return "\"match\" must be an object or a list of objects"
        kind = alt.get("kind", "command")
        handler = KINDS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return f"match kind must be one of {', '.join(KINDS)}, got {kind!r}"
        unknown = set(alt) - handler.keys
        if unknown:
            return f"unknown match key(s) {', '.join(sorted(unknown))} for kind {kind}"
        problem = handler.problem(alt)
        if problem:
            return problem
        if "min_operands" in alt and not (isinstance(alt["min_operands"], int) and alt["min_operands"] >= 0):
            return "\"min_operands\" must be a whole number"
        for key in ("flags", "args", "operands", "seq"):
            groups = alt.get(key)
            if groups is not None and not _string_groups(groups):
                return f"\"{key}\" must be a list of lists of strings (each inner list: any one of them)"
    return ""


def _line_of(text: str, rule_id: Any) -> int:
    if isinstance(rule_id, str):
        at = text.find(quickjson.dumps(rule_id))
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _short(exc: BaseException) -> str:
    return str(getattr(exc, "msg", "") or exc)
