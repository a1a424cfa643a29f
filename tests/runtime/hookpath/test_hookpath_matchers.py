"""The hand-written checks that replaced regular expressions on the hook path accept exactly what the
patterns accepted: every string up to a length over the characters that matter, then random longer ones.
Compiling the patterns cost every tool call time; their answers must not change."""

from __future__ import annotations

import itertools
import random
import re

from runtime.core import config
from runtime.guards import lexer, policy

PACK, RULE_ID = r"^[a-z][a-z0-9-]*$", r"^[a-z0-9][a-z0-9._-]*$"


def _strings(alphabet: list[str], longest: int, extra: list[str], count: int, seed: int) -> list[str]:
    every = ["".join(parts) for size in range(longest + 1) for parts in itertools.product(alphabet, repeat=size)]
    rnd = random.Random(seed)
    return every + ["".join(rnd.choice(extra) for _ in range(rnd.randint(0, 12))) for _ in range(count)]


def test_rule_id_and_pack_checks_match_their_patterns() -> None:
    for value in _strings(list("az09-._A\n \u00e9"), 4, list("abz09-._A\n \u00e9Z"), 20000, 1):
        assert bool(re.match(PACK, value)) == policy._spelled(value, policy._PACK_FIRST, policy._PACK_REST), value
        assert bool(re.match(RULE_ID, value)) == policy._spelled(value, policy._ID_FIRST, policy._ID_REST), value


def test_session_config_heading_and_end_checks_match_their_patterns() -> None:
    pieces = ["##", " ", "Session", "\t", "Config", "<!--", "-->", "\r", "x", "\n"]
    extra = [*pieces, "#", "session", "-", ">", "<!---->", "Configs", "\u00a0"]
    heading, end = re.compile(config._HEADING), re.compile(config._END)
    for line in _strings(pieces, 5, extra, 50000, 2) + ["## Session Config" + x for x in _strings(extra, 0, extra,
                                                                                                   50000, 3)]:
        assert bool(heading.match(line)) == config._is_heading(line), repr(line)
        assert bool(end.match(line)) == line.startswith(config._ENDS), repr(line)


def test_inline_comment_is_cut_where_the_pattern_cut_it() -> None:
    """Values without quotes or emphasis, which are read before any comment is looked for."""
    spaces = [chr(i) for i in range(0x3001) if re.match(r"\s", chr(i))]
    for value in _strings(["#", "a", " ", "\t", "\u2003"], 5, ["#", "a", "x#", "*", *spaces], 50000, 4):
        stripped = value.strip()
        if stripped.startswith("**"):
            continue
        match = re.search(r"\s#", stripped)
        assert config._clean_value(value) == (stripped[: match.start()] if match else stripped).strip(), repr(value)


def test_session_config_key_line_is_read_as_its_pattern_reads_it() -> None:
    """Which bullet, emphasis and key length the pattern settles on (it backtracks) must come out the same."""
    key = re.compile(config._KEY)
    for line in _strings(["-", "*", " ", "_", "__", "**", "k", ":", "a-"], 5,
                         ["-", "*", "+", " ", "\t", "**", "__", "_", "key", "k", "1", ":", "v", "x-y", "\n", "\u00e9",
                          ":**"], 100000, 5):
        found = key.match(line)
        assert config._key_line(line) == (found.group("indent", "key", "value") if found else None), repr(line)


def test_plain_runs_of_a_short_command_end_where_the_pattern_ends_them() -> None:
    plain = re.compile(lexer._PLAIN_PATTERN)
    alphabet = [*";&|<>()\\'\"`$*?[#]{}!~=-_/.a1", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0",
                "\u2003", "\u3000", "\u00e9"]
    for text in _strings(alphabet[:12], 3, alphabet, 30000, 6):
        for start in range(len(text) + 1):
            found, run = plain.match(text, start), lexer._short_run(text, start)
            assert (found.group(), found.end()) == (run.group(), run.end()) if found else run is None, (text, start)
    assert lexer._plain_run("x" * (lexer._SHORT + 1)) != lexer._short_run  # a long text is read by the pattern
