"""The rendered runtime answers as a user would call it."""

from pathlib import Path

from tests.helpers import runtime


def test_rendered_repo_validates_its_own_config(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "config")
    assert result.returncode == 0, result.stderr
    assert "Session Config from CLAUDE.md: valid" in result.stdout
    # the maintainer's own lines survived the bootstrap
    assert "Keep `calc.ops` free of I/O" in (rendered_repo / "CLAUDE.md").read_text()
