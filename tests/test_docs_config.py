"""docs/session-config.md, runtime/config.py and copier.yml describe the same keys."""

from __future__ import annotations

import re

import pytest

from runtime.core.config import SCHEMA, ConfigError, parse_text
from tests.helpers import ROOT

DOC = ROOT / "docs" / "session-config.md"
HEADING_RE = re.compile(r"^#{3,4} `([a-z][a-z0-9.-]*)`\s*$", re.MULTILINE)
NOT_SEEDED = {"platforms"}  # questions that choose files, not Session Config values


def documented() -> list[str]:
    return HEADING_RE.findall(DOC.read_text(encoding="utf-8"))


def parsed_keys() -> set[str]:
    keys = set(SCHEMA)
    for name, key in SCHEMA.items():
        keys |= {f"{name}.{sub}" for sub in key.subkeys or {}}
    return keys


def copier_questions() -> dict:
    """The questions a user answers (computed values, `when: false`, are not asked)."""
    from tests.template.test_platforms import copier_questions as every_question

    return {k: v for k, v in every_question().items()
            if not k.startswith("_") and not (isinstance(v, dict) and v.get("when") is False)}


def test_every_parsed_key_is_documented() -> None:
    missing = parsed_keys() - set(documented())
    assert missing == set(), f"add a '### `key`' section to {DOC.name} for: {sorted(missing)}"


def test_every_documented_key_is_parsed() -> None:
    unknown = set(documented()) - parsed_keys()
    assert unknown == set(), f"{DOC.name} documents keys the parser does not know: {sorted(unknown)}"


def test_each_key_is_documented_once_in_schema_order() -> None:
    top = [k for k in documented() if "." not in k]
    assert top == list(SCHEMA)


def test_every_documented_default_is_the_parsers_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    sections = dict(zip(documented(), re.split(HEADING_RE, text)[2::2], strict=True))
    for name, key in SCHEMA.items():
        if key.subkeys:
            continue
        match = re.search(r"Default: `([^`]+)`", sections[name])
        assert match, f"{name}: no 'Default: `...`' line"
        config = parse_text(f"## Session Config\n\n- {name}: {match.group(1)}\n")
        assert config[name] == key.default, name
    for name, key in SCHEMA.items():
        for sub, subkey in (key.subkeys or {}).items():
            match = re.search(r"Default: `([^`]+)`", sections[f"{name}.{sub}"])
            assert match and int(match.group(1)) == subkey.default, f"{name}.{sub}"


def test_doc_examples_parse_cleanly() -> None:
    """Every ```markdown block in the reference is valid config, with no warnings."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```markdown\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= len(SCHEMA)
    for block in blocks:
        body = block if block.startswith("## Session Config") else f"## Session Config\n\n{block}"
        config = parse_text(body, "docs/session-config.md")
        assert config.warnings == [], block


def test_copier_questions_map_onto_session_config_keys() -> None:
    questions = copier_questions()
    seeded = {name.replace("_", "-") for name in questions if name not in NOT_SEEDED}
    assert seeded - set(SCHEMA) == set(), "a copier question has no Session Config key"
    manifest = (ROOT / "template" / ".orchestrator" / "install.json.jinja").read_text(encoding="utf-8")
    block = manifest.split('"session_config": {', 1)[1].split("\n  },", 1)[0]
    written = set(re.findall(r'^\s+"([a-z-]+)":', block, re.MULTILINE))
    assert written == seeded, "install.json seeds exactly the answered keys"


def test_copier_defaults_are_the_parsers_defaults() -> None:
    for name, question in copier_questions().items():
        if name in NOT_SEEDED:
            continue
        key = SCHEMA[name.replace("_", "-")]
        default = key.default["default"] if name == "agents_per_wave" else key.default
        assert question["default"] == default, name


def test_copier_choices_are_the_parsers_choices() -> None:
    for name, question in copier_questions().items():
        if name in NOT_SEEDED or "choices" not in question:
            continue
        key = SCHEMA[name.replace("_", "-")]
        for choice in question["choices"]:
            assert parse_text(f"## Session Config\n- {key.name}: {choice}\n")[key.name] == choice
        with pytest.raises(ConfigError) as info:
            parse_text(f"## Session Config\n- {key.name}: not-a-choice\n")
        assert all(str(c) in str(info.value) for c in question["choices"])


def test_user_guide_links_the_reference() -> None:
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    assert "session-config.md" in guide
    for target in re.findall(r"\]\(([a-z-]+\.md)(?:#[a-z-]+)?\)", guide + DOC.read_text(encoding="utf-8")):
        assert (ROOT / "docs" / target).is_file() or target in {"loop.md", "guards.md"}, target
