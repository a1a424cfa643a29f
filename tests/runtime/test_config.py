"""The Session Config parser: forgiving about Markdown form, strict about meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.core.config import SCHEMA, ConfigError, defaults, find_config_file, load, parse_text, render_section


def section(*lines: str, heading: str = "## Session Config") -> str:
    return "\n".join(["# Project", "", "Some notes.", "", heading, "", *lines, ""])


def errors_of(text: str, filename: str = "CLAUDE.md") -> list:
    with pytest.raises(ConfigError) as info:
        parse_text(text, filename)
    return [p for p in info.value.problems if p.level == "error"]


# --- line styles and value decoration -------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "waves: 4",
        "- waves: 4",
        "* waves: 4",
        "- **waves:** 4",
        "- **waves**: 4",
        "  - waves: 4",
        "- waves: `4`",
        '- waves: "4"',
        "- waves: '4'",
        "- waves: 4  # fewer waves for small changes",
        "- WAVES: 4",
    ],
)
def test_every_line_style_sets_the_value(line: str) -> None:
    config = parse_text(section(line))
    assert config["waves"] == 4
    assert config.lines["waves"] == 7  # the line it came from, 1-based


def test_quoted_command_keeps_its_hash_and_spaces() -> None:
    config = parse_text(section('- test-command: "pytest -k \'not slow\' # not a comment"'))
    assert config["test-command"] == "pytest -k 'not slow' # not a comment"


def test_backticked_command_is_unwrapped() -> None:
    config = parse_text(section("- **test-command:** `npm test -- --ci`"))
    assert config["test-command"] == "npm test -- --ci"


def test_inline_comment_is_stripped_from_a_command() -> None:
    config = parse_text(section("- lint-command: ruff check .   # fast enough for every gate"))
    assert config["lint-command"] == "ruff check ."


def test_underscore_keys_are_read_as_hyphenated() -> None:
    assert parse_text(section("- test_command: make test"))["test-command"] == "make test"


def test_unset_keys_take_their_defaults() -> None:
    config = parse_text(section("- waves: 7"))
    expected = defaults()
    expected["waves"] = 7
    assert config.values == expected
    assert set(config.lines) == {"waves"}


# --- the heading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "## Session Config",
        "## Session Config   ",
        "## Session Config <!-- read by the runtime -->",
        "##  Session Config",
    ],
)
def test_heading_variants_are_accepted(heading: str) -> None:
    assert parse_text(section("- enforcement: strict", heading=heading))["enforcement"] == "strict"


def test_crlf_file_parses_like_lf() -> None:
    text = section("- enforcement: strict", "- **waves:** 6  # six").replace("\n", "\r\n")
    config = parse_text(text)
    assert (config["enforcement"], config["waves"]) == ("strict", 6)


@pytest.mark.parametrize(
    "heading", ["## session config", "### Session Config", "# Session Config", "## Session-Config"]
)
def test_wrong_heading_is_an_error_naming_the_line_and_the_fix(heading: str) -> None:
    (problem,) = errors_of(section("- waves: 4", heading=heading))
    assert problem.line == 5
    assert heading.strip() in problem.message
    assert "## Session Config" in problem.fix
    assert str(problem).startswith("CLAUDE.md:5: error:")


def test_missing_section_is_an_error_with_a_fix() -> None:
    (problem,) = errors_of("# Project\n\nNo config here.\n")
    assert "no '## Session Config' section" in problem.message
    assert "install" in problem.fix


def test_heading_inside_a_fenced_block_does_not_count() -> None:
    text = "# Docs\n\n```markdown\n## Session Config\n- waves: 9\n```\n"
    (problem,) = errors_of(text)
    assert "no '## Session Config'" in problem.message


# --- section boundaries ----------------------------------------------------------------------


def test_section_ends_at_the_next_h2() -> None:
    text = section("- waves: 4") + "\n## Other notes\n\n- enforcement: strict\n- nonsense-key: 1\n"
    config = parse_text(text)
    assert config["waves"] == 4
    assert config["enforcement"] == "warn"
    assert config.warnings == []


def test_h3_inside_the_section_does_not_end_it() -> None:
    config = parse_text(section("- waves: 4", "", "### Gates", "", "- test-command: make check"))
    assert config["test-command"] == "make check"


def test_fenced_block_inside_the_section_is_skipped() -> None:
    text = section(
        "- waves: 4",
        "```yaml",
        "## not a heading",
        "enforcement: strict",
        "```",
        "- vcs: github",
    )
    config = parse_text(text)
    assert (config["waves"], config["vcs"]) == (4, "github")
    # lines inside the fence are read as keys (the original tool skipped only the fence lines),
    # but a '## ' inside the fence does not end the section
    assert config["enforcement"] == "strict"


# --- validation errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("- test-command:", "test-command", "empty"),
        ("- typecheck-command: ``", "typecheck-command", "empty"),
        ("- agents-per-wave: 1", "agents-per-wave", "2 or more"),
        ("- agents-per-wave: many", "agents-per-wave", "whole number"),
        ("- agents-per-wave: 6 (epic: 10)", "agents-per-wave", "unknown session type"),
        ("- agents-per-wave: 6 (deep: 1)", "agents-per-wave", "2 or more"),
        ("- waves: 2", "waves", "3 or more"),
        ("- waves: five", "waves", "whole number"),
        ("- persistence: maybe", "persistence", "true or false"),
        ("- enforcement: loose", "enforcement", "strict, warn, off"),
        ("- vcs: bitbucket", "vcs", "auto, github, gitlab, none"),
        ("- allow-destructive-ops: sometimes", "allow-destructive-ops", "true or false"),
        ("- gate-timeout: 0", "gate-timeout", "1 or more"),
        ("- review-confidence-floor: 101", "review-confidence-floor", "from 0 to 100"),
        ("- loop-guard: 3", "loop-guard", "sub-keys"),
    ],
)
def test_invalid_value_names_file_line_key_and_fix(line: str, key: str, words: str) -> None:
    (problem,) = errors_of(section(line), "AGENTS.md")
    assert (problem.file, problem.line) == ("AGENTS.md", 7)
    assert problem.message.startswith(key)
    assert words in problem.message
    assert problem.fix
    assert str(problem).startswith("AGENTS.md:7: error: " + key)


def test_close_enforcement_value_gets_a_did_you_mean() -> None:
    (problem,) = errors_of(section("- enforcement: strictt"))
    assert "did you mean 'strict'" in problem.message


def test_every_error_is_reported_at_once() -> None:
    problems = errors_of(section("- waves: 1", "- enforcement: loose", "- persistence: perhaps"))
    assert [p.line for p in problems] == [7, 8, 9]


def test_errors_and_warnings_travel_together() -> None:
    with pytest.raises(ConfigError) as info:
        parse_text(section("- waves: 1", "- wavs: 4"))
    levels = [p.level for p in info.value.problems]
    assert levels == ["error", "warning"]
    assert "CLAUDE.md:7" in str(info.value) and "CLAUDE.md:8" in str(info.value)


# --- warnings -----------------------------------------------------------------------------------


def test_unknown_key_is_a_warning_with_a_did_you_mean() -> None:
    config = parse_text(section("- enforcment: strict"))
    (warning,) = config.warnings
    assert warning.level == "warning"
    assert warning.line == 7
    assert "'enforcment'" in warning.message
    assert "did you mean 'enforcement'" in warning.fix
    assert config["enforcement"] == "warn"


def test_unknown_key_from_the_original_tool_is_ignored_without_a_guess() -> None:
    config = parse_text(section("- vault-integration:", "- recent-commits: 20", "- waves: 4"))
    assert config["waves"] == 4
    assert [w.line for w in config.warnings] == [7, 8]


def test_duplicate_key_warns_and_the_last_one_wins() -> None:
    config = parse_text(section("- waves: 4", "- enforcement: off", "- waves: 6"))
    assert config["waves"] == 6
    assert config.lines["waves"] == 9
    (warning,) = config.warnings
    assert warning.line == 9
    assert "first on line 7" in warning.message


def test_list_line_that_is_not_a_pair_is_a_warning() -> None:
    config = parse_text(section("- waves: 4", "- see the notes: below"))
    assert config["waves"] == 4
    assert [w.line for w in config.warnings] == [8]


# --- special syntax -----------------------------------------------------------------------------


def test_agents_per_wave_with_per_session_overrides() -> None:
    config = parse_text(section("agents-per-wave: 6 (deep: 18)"))
    assert config["agents-per-wave"] == {"default": 6, "deep": 18}
    assert config.agents_for("deep") == 18
    assert config.agents_for("feature") == 6


def test_agents_per_wave_with_several_overrides() -> None:
    config = parse_text(section("- **agents-per-wave:** 4 (deep: 10, housekeeping: 2)"))
    assert config["agents-per-wave"] == {"default": 4, "deep": 10, "housekeeping": 2}


def test_loop_guard_block_with_sub_keys() -> None:
    config = parse_text(section("- loop-guard:", "  - threshold: 4", "  - window: 8", "- waves: 4"))
    assert config["loop-guard"] == {"threshold": 4, "window": 8}
    assert config["waves"] == 4


def test_loop_guard_sub_key_errors_name_the_sub_key() -> None:
    (problem,) = errors_of(section("- loop-guard:", "  - threshold: 1"))
    assert problem.line == 8
    assert problem.message.startswith("loop-guard.threshold")


def test_loop_guard_unknown_sub_key_warns() -> None:
    config = parse_text(section("- loop-guard:", "  - treshold: 4"))
    (warning,) = config.warnings
    assert "under 'loop-guard'" in warning.message
    assert "threshold" in warning.fix


def test_loop_guard_window_smaller_than_threshold_is_an_error() -> None:
    (problem,) = errors_of(section("- loop-guard:", "  - threshold: 5", "  - window: 3"))
    assert problem.line == 7
    assert "window" in problem.message


def test_original_tool_config_keeps_working() -> None:
    text = "\n".join(
        [
            "# my-app",
            "",
            "## Session Config",
            "",
            "- **test-command:** npm test",
            "- **typecheck-command:** npm run typecheck",
            "- **lint-command:** skip   # no linter yet",
            "agents-per-wave: 6 (deep: 18)",
            "waves: 5",
            "persistence: true",
            "enforcement: strict",
            "- vcs: github",
            "- recent-commits: 20",
            "",
            "## Skill Evolution",
            "",
            "- autonomy: off",
        ]
    )
    config = parse_text(text)
    assert config["test-command"] == "npm test"
    assert config["lint-command"] == "skip"
    assert config["agents-per-wave"] == {"default": 6, "deep": 18}
    assert config["enforcement"] == "strict"
    assert config["vcs"] == "github"
    assert [w.line for w in config.warnings] == [13]  # recent-commits: ours does not know it


# --- files --------------------------------------------------------------------------------------


def test_load_prefers_claude_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    (tmp_path / "CLAUDE.md").write_text(section("- waves: 4"), encoding="utf-8")
    (tmp_path / "AGENTS.md").write_text(section("- waves: 6"), encoding="utf-8")
    config = load(tmp_path)
    assert config["waves"] == 4
    assert config.source == tmp_path / "CLAUDE.md"
    assert load(tmp_path, prefer="AGENTS.md")["waves"] == 6


def test_load_falls_back_to_agents_md_when_claude_md_has_no_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    (tmp_path / "CLAUDE.md").write_text("# Notes only\n", encoding="utf-8")
    (tmp_path / "AGENTS.md").write_text(section("- enforcement: off"), encoding="utf-8")
    config = load(tmp_path)
    assert config.source == tmp_path / "AGENTS.md"
    assert config["enforcement"] == "off"


def test_so_config_file_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "CLAUDE.md").write_text(section("- waves: 4"), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "agents.md").write_text(section("- waves: 8"), encoding="utf-8")
    monkeypatch.setenv("SO_CONFIG_FILE", "docs/agents.md")
    config = load(tmp_path)
    assert config["waves"] == 8
    assert config.source == tmp_path / "docs" / "agents.md"


def test_errors_name_the_file_relative_to_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    (tmp_path / "AGENTS.md").write_text(section("- waves: 2"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value).startswith("AGENTS.md:7: error: waves")


def test_no_instruction_file_is_an_error_with_a_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    assert find_config_file(tmp_path) is None
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert "none of CLAUDE.md, AGENTS.md exists" in str(info.value)
    assert "install" in info.value.problems[0].fix


def test_file_that_is_not_utf8_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SO_CONFIG_FILE", raising=False)
    (tmp_path / "CLAUDE.md").write_bytes(b"## Session Config\n- waves: \xff\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert "cannot be read" in str(info.value)


# --- render_section -----------------------------------------------------------------------------


def test_render_section_of_defaults_round_trips() -> None:
    values = defaults()
    config = parse_text(render_section(values))
    assert config.values == values
    assert config.warnings == []
    assert set(config.lines) == set(SCHEMA)


def test_render_section_of_changed_values_round_trips() -> None:
    values = defaults()
    values.update(
        {
            "test-command": "pytest -q -x",
            "agents-per-wave": {"default": 4, "deep": 12},
            "waves": 3,
            "persistence": False,
            "enforcement": "strict",
            "loop-guard": {"threshold": 2, "window": 9},
            "review-confidence-floor": 0,
        }
    )
    assert parse_text(render_section(values)).values == values


def test_render_section_writes_only_the_keys_it_is_given() -> None:
    text = render_section({"waves": 4, "enforcement": "off"})
    assert text == "## Session Config\n\n- waves: 4\n- enforcement: off\n"


def test_every_command_lists_config_problems_with_one_indentation(tmp_path: Path) -> None:
    """Several problems under one heading: each problem two columns in, each fix four deeper, everywhere."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    (tmp_path / "CLAUDE.md").write_text("# x\n\n## Session Config\n\n- waves: five\n- enforcement: maybe\n"
                                        "- colour: red\n", encoding="utf-8")
    expected = ["  CLAUDE.md:5: error: waves must be a whole number, got 'five'",
                "      fix: write a number, e.g. 5",
                "  CLAUDE.md:6: error: enforcement must be one of strict, warn, off, got 'maybe'",
                "      fix: write one of: strict, warn, off",
                "  CLAUDE.md:7: warning: unknown key 'colour' was ignored",
                "      fix: 'python3 .orchestrator/runtime config' lists the known keys"]
    for command in (["config"], ["session", "start", "feature"], ["gate", "baseline"], ["wave", "start", "1"]):
        result = subprocess.run([sys.executable, str(ROOT / "runtime"), *command], cwd=tmp_path, capture_output=True,
                                text=True, env={**__import__("os").environ, "SO_PROJECT_DIR": str(tmp_path)})
        lines = result.stderr.splitlines()
        assert result.returncode == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr and "ConfigError" not in result.stderr, command
        assert lines[0] in ("Session Config is invalid:", "error: the Session Config is invalid:"), (command, lines)
        assert lines[1:7] == expected, (command, lines)
