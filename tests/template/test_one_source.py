"""One source for every text and one list of platforms, checked on the template itself.

A thin template may write an agent's frontmatter (or a file format's wrapper) but
never prose of its own: its body is Jinja that includes a canonical text. If a
thin template grew its own paragraph, the next agent would copy it, and the two
copies would drift. The same goes for the list of platforms: written out a second
time anywhere, it is the list the next agent forgets to update.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import ROOT

TEMPLATE = ROOT / "template"
CANONICAL = TEMPLATE / "_canonical"
JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
PLATFORM_NAMES = sorted(p.stem for p in (ROOT / "platforms").glob("*.yml"))


def thin_templates() -> list[Path]:
    """Template files that render per command or agent: Markdown-like texts outside the canonical
    sources and the vendored runtime."""
    out = []
    for path in sorted(TEMPLATE.rglob("*.jinja")):
        rel = path.relative_to(TEMPLATE)
        if CANONICAL in path.parents or ".orchestrator" in rel.parts:
            continue
        if path.name.removesuffix(".jinja").endswith((".md", ".mdc")):
            out.append(path)
    return out


def body_of(text: str) -> str:
    """The text after a leading frontmatter block (what the agent shows as the command's body)."""
    stripped = re.sub(r"^(?:\s*\{%.*?%\}|\s*\{#.*?#\})*\s*", "", text, flags=re.DOTALL)
    if stripped.startswith("---"):
        _, sep, body = stripped[3:].partition("\n---")
        return body if sep else stripped
    return stripped


def test_thin_templates_write_no_prose_of_their_own() -> None:
    """Each thin template's body is only Jinja (an include of a canonical text and its glue)."""
    templates = thin_templates()
    assert templates, "expected thin templates under template/"
    prose = {}
    for path in templates:
        left = JINJA.sub("", body_of(path.read_text(encoding="utf-8"))).strip()
        if left:
            prose[str(path.relative_to(TEMPLATE))] = left[:80]
    assert prose == {}, f"thin templates with text of their own (move it to template/_canonical/): {prose}"


def test_no_line_of_text_is_written_twice_in_the_template() -> None:
    """Across every template file outside the runtime, no line of text (over 40 characters, Jinja
    removed) appears in two files: a shared sentence belongs in a canonical text or the data."""
    seen: dict[str, str] = {}
    repeats = []
    for path in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
        rel = path.relative_to(TEMPLATE)
        if ".orchestrator" in rel.parts and "runtime" in rel.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for line in {JINJA.sub("", raw).strip() for raw in text.splitlines()}:
            if len(line) < 40 or line.startswith("#"):
                continue
            if line in seen and seen[line] != str(rel):
                repeats.append(f"{rel} and {seen[line]}: {line[:60]}")
            seen.setdefault(line, str(rel))
    assert repeats == []


def test_the_platform_list_is_written_once() -> None:
    """platforms/*.yml is the list; no other file of the project spells two platform names out as
    a list of its own (in any of the usual list syntaxes)."""
    names = "|".join(re.escape(n) for n in PLATFORM_NAMES)
    if len(PLATFORM_NAMES) < 2:
        names = "claude|codex|cursor|pi"  # until a second platform is wired: the planned names
    item = rf"""["']?(?:{names})["']?"""
    listed = re.compile(rf"[\[({{]\s*{item}\s*,\s*{item}\b")
    places = [ROOT / "copier.yml", ROOT / "src", ROOT / "runtime", TEMPLATE]
    found = []
    for place in places:
        files = [place] if place.is_file() else [p for p in place.rglob("*") if p.is_file()]
        for path in files:
            if path.suffix not in {".py", ".yml", ".yaml", ".jinja", ".json", ".toml"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in listed.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {match.group()}")
    assert found == [], "a second list of platforms (derive it from platforms/*.yml):\n" + "\n".join(found)
