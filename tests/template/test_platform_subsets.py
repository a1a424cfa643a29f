"""Every non-empty selection of the wired platforms renders, and every file it writes is valid.

Real `copier copy` (with the install task) renders the example project once per
selection: 15 selections for four platforms. Each rendered file is read the way
its agent reads it: Markdown commands, skills and agents by their YAML
frontmatter, `.mdc` rules by their three keys, TOML by `tomllib`, hook files as
JSON of the documented shape. For each selected agent the commands and agents it
loads (its own folders, plus the folders of other selected agents its data says
it also reads) hold every catalog entry exactly once.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

from tests.helpers import ROOT, copy_example, render

WIRED = sorted(p.stem for p in (ROOT / "platforms").glob("*.yml"))
SELECTIONS = [list(combo) for n in range(1, len(WIRED) + 1) for combo in itertools.combinations(WIRED, n)]
CATALOG = yaml.safe_load((ROOT / "template" / "_canonical" / "catalog.yml").read_text(encoding="utf-8"))[
    "catalog"]["default"]


def data(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "platforms" / f"{name}.yml").read_text(encoding="utf-8"))[
        f"platform_{name}"]["default"]


def frontmatter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no frontmatter"
    head, sep, _ = text[4:].partition("\n---\n")
    assert sep, f"{path}: frontmatter not closed"
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict), f"{path}: frontmatter is not a mapping"
    return meta


def entries(repo: Path, folder: str, markdown_only: bool = False) -> list[str]:
    """The command or agent names an agent finds in `folder`: `<name>/SKILL.md`, `<name>.md` or
    (for the folder's own agent) `<name>.toml`."""
    base = repo / folder
    if not base.is_dir():
        return []
    skills = [p.parent.name for p in base.glob("*/SKILL.md")]
    files = [p.stem for p in base.glob("*.md")] + ([] if markdown_only else [p.stem for p in base.glob("*.toml")])
    return skills + files


def check_file(path: Path) -> None:
    """One rendered file, checked by its format."""
    name = path.name
    if name == "SKILL.md":
        meta = frontmatter(path)
        assert meta.get("name") == path.parent.name, f"{path}: a skill's name is its folder's"
        assert isinstance(meta.get("description"), str) and meta["description"], f"{path}: no description"
    elif name.endswith(".mdc"):
        meta = frontmatter(path)
        assert {"description", "globs", "alwaysApply"} <= set(meta), f"{path}: {sorted(meta)}"
    elif name.endswith(".toml"):
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        assert parsed.get("name") and parsed.get("description"), f"{path}: {sorted(parsed)}"
    elif name.endswith(".json"):
        parsed = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(parsed, dict), path
        if "hooks" in parsed:
            assert isinstance(parsed["hooks"], dict) and parsed["hooks"], f"{path}: hooks"
            for event, handlers in parsed["hooks"].items():
                assert isinstance(handlers, list) and handlers, f"{path}: {event}"
    elif name.endswith(".md") and path.read_text(encoding="utf-8").startswith("---\n"):
        frontmatter(path)


@pytest.fixture(scope="module", params=SELECTIONS, ids=["+".join(s) for s in SELECTIONS])
def selection(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    chosen: list[str] = request.param
    repo = render(copy_example(tmp_path_factory.mktemp("sel") / "calc"), platforms=chosen)
    return chosen, repo


def test_every_rendered_file_is_valid_in_its_format(selection: tuple[list[str], Path]) -> None:
    chosen, repo = selection
    manifest = json.loads((repo / ".orchestrator" / "install.json").read_text(encoding="utf-8"))["platforms"]
    folders = {str(manifest[name][key]) for name in chosen for key in ("commands_dir", "agents_dir")}
    folders |= {str(Path(data(name)["settings_file"]).parent) for name in chosen}
    checked = 0
    for folder in sorted(folders):
        for path in sorted((repo / folder).rglob("*")):
            if path.is_file():
                check_file(path)
                checked += 1
    assert checked >= len(CATALOG["commands"]) * len(chosen), checked
    for name in chosen:
        assert (repo / data(name)["settings_file"]).is_file(), f"{name}: hooks not wired"
        for instruction in data(name)["instruction_files"]:
            text = (repo / instruction).read_text(encoding="utf-8")
            assert text.count("## Session Config") == 1, f"{instruction}: one Session Config"


def test_no_other_platform_s_files_are_rendered(selection: tuple[list[str], Path]) -> None:
    chosen, repo = selection
    for name in WIRED:
        if name in chosen:
            continue
        mine = {str(data(name)[key]) for key in ("commands_dir", "agents_dir", "settings_file")}
        theirs = {str(data(other)[key]) for other in chosen for key in ("commands_dir", "agents_dir", "settings_file")}
        for folder in mine - theirs:
            assert not (repo / folder).exists(), f"{name} is not selected, yet {folder} was rendered"


def test_each_agent_loads_every_command_and_agent_exactly_once(selection: tuple[list[str], Path]) -> None:
    """Folders are read from the rendered install manifest: a platform may move its commands when
    certain others are selected too. In another agent's folder only Markdown counts (an agent does
    not load another's TOML agents)."""
    chosen, repo = selection
    manifest = json.loads((repo / ".orchestrator" / "install.json").read_text(encoding="utf-8"))["platforms"]
    for name in chosen:
        mine = manifest[name]
        also = mine.get("also_reads") or {}
        for kind, key in (("commands", "commands_dir"), ("agents", "agents_dir")):
            found = Counter(entries(repo, mine[key]))
            for other in also.get(kind, []):
                # the folder this agent reads is the other's usual one (data), wherever it put them this time
                if other in chosen and data(other)[key] != mine[key]:
                    found.update(entries(repo, data(other)[key], markdown_only=True))
            wanted = {entry["name"] for entry in CATALOG[kind]}
            seen = {entry: count for entry, count in found.items() if entry in wanted}
            assert set(seen) == wanted, f"{name} misses {kind}: {sorted(wanted - set(seen))}"
            assert all(count == 1 for count in seen.values()), f"{name} loads {kind} twice: {seen}"
