"""`init` proposes the agents a repository already uses, from each platform's `detect` files in its data.

The list is the data file's (platforms/<name>.yml), not one of the CLI's own: a new agent's data file
brings its marks, and a template whose data predates the key keeps the ones this installation carries.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from session_orchestrator import detect
from tests.helpers import ROOT

DATA = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))[f"platform_{path.stem}"]["default"]
        for path in sorted((ROOT / "platforms").glob("*.yml"))}


def test_every_platform_names_the_files_that_show_it_is_in_use() -> None:
    missing = [f"platforms/{name}.yml: detect" for name, data in DATA.items()
               if not (isinstance(data.get("detect"), list) and data["detect"])]
    assert missing == []
    assert detect.agent_marks(None) == {name: tuple(data["detect"]) for name, data in DATA.items()}


@pytest.mark.parametrize(("name", "mark"), [(name, mark) for name, data in DATA.items() for mark in data["detect"]])
def test_one_mark_proposes_its_agent(name: str, mark: str, tmp_path: Path) -> None:
    target = tmp_path / mark
    if Path(mark).suffix:
        target.write_text("# notes\n")
    else:
        target.mkdir()
    assert detect.agents_in_use(tmp_path, None) == [name]


def test_a_template_without_the_key_keeps_the_marks_this_installation_carries(tmp_path: Path) -> None:
    old = tmp_path / "template"
    (old / "platforms").mkdir(parents=True)
    for path in sorted((ROOT / "platforms").glob("*.yml")):
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.strip().startswith("detect:"))
        (old / "platforms" / path.name).write_text(text + "\n")
    assert "detect" not in yaml.safe_load((old / "platforms" / "claude.yml").read_text())["platform_claude"]["default"]
    assert detect.agent_marks(old) == detect.agent_marks(None)
    shutil.rmtree(old / "platforms")
    assert detect.agent_marks(old) == detect.agent_marks(None)
