"""`-d key=value` answers, checked against the template's questions before Copier sees them.

Copier casts an answer with the question's type and no message of its own: `int("abc")` fails with
Python's words, not the question's, and any word that is not a known "no" becomes `true`. An answer is
therefore parsed here first, and a bad one is refused naming the question and what it accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from session_orchestrator import template as tpl
from session_orchestrator.errors import CliError

# The words a yes/no question accepts (YAML's, lower-cased), and what each one means.
_BOOLS = {"true": True, "yes": True, "on": True, "y": True, "1": True,
          "false": False, "no": False, "off": False, "n": False, "0": False}


def _about(key: str, question: dict[str, Any]) -> str:
    """The question as the user was (or would have been) asked it."""
    text = " ".join(str(question.get("help") or "").split())
    return f"{key} ({text})" if text else key


def check(key: str, value: str, question: dict[str, Any]) -> Any:
    """The answer in the question's own type; a CliError naming the question and the accepted values."""
    kind = str(question.get("type") or "str")
    example = question.get("default")
    if kind == "int":
        try:
            return int(value.strip())
        except ValueError:
            raise CliError(f"{key}: {value!r} is not a whole number; {_about(key, question)} takes one, "
                           f"e.g. -d {key}={example if isinstance(example, int) else 6}") from None
    if kind == "bool":
        found = _BOOLS.get(value.strip().lower())
        if found is None:
            raise CliError(f"{key}: {value!r} is not a yes/no answer; {_about(key, question)} takes true or false "
                           f"(also yes/no, on/off, 1/0), e.g. -d {key}={str(bool(example)).lower()}")
        return found
    choices = question.get("choices")
    if isinstance(choices, list) and not question.get("multiselect"):
        names = [str(choice) for choice in choices]
        if value not in names:
            raise CliError(f"{key}: {value!r} is not one of the choices; {key} takes "
                           f"{', '.join(names[:-1])} or {names[-1]}, e.g. -d {key}={names[0]}")
    return value


def parse(data: list[str] | None, platform: list[str] | None, template_dir: Path | None) -> dict[str, Any]:
    """`-d` and `-p` as Copier's data: every key a question, every value of the question's type."""
    answers: dict[str, Any] = {}
    known = tpl.questions(template_dir) if template_dir else None
    for item in data or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CliError(f"--data expects key=value, got {item!r}; e.g. -d enforcement=strict")
        if known is not None and key not in known:
            raise CliError(f"-d {key}: no such question; {tpl.did_you_mean(key, sorted(known))}"
                           f"the questions are: {', '.join(known)}")
        answers[key] = check(key, value, known[key]) if known is not None else value
    chosen = platform or ([p.strip() for p in str(answers["platforms"]).split(",")] if "platforms" in answers
                          else None)
    if chosen is not None:
        if template_dir:
            wired = tpl.wired_platforms(template_dir)
            every = tpl.all_platforms(template_dir)
            for name in chosen:
                if name not in every:
                    raise CliError(f"-p {name}: unknown platform; {tpl.did_you_mean(name, every)}"
                                   f"choose from: {', '.join(wired)}")
                if name not in wired:
                    raise CliError(f"-p {name}: not wired in this version yet (supported: {', '.join(wired)}); "
                                   f"run again with -p {wired[0]}")
        answers["platforms"] = chosen
    return answers
