"""The rendered runtime answers as a user would call it."""

from pathlib import Path

from tests.helpers import runtime


def test_rendered_repo_validates_its_own_config(rendered_repo: Path) -> None:
    result = runtime(rendered_repo, "config")
    assert result.returncode == 0, result.stderr
    assert "Session Config from CLAUDE.md: valid" in result.stdout
    # the maintainer's own lines survived the bootstrap
    assert "Keep `calc.ops` free of I/O" in (rendered_repo / "CLAUDE.md").read_text()


def test_vendored_runtime_serves_its_own_repo_whatever_the_agent_env_says(rendered_repo: Path, tmp_path: Path) -> None:
    """Copier may run inside an agent's terminal that exports another project's dir."""
    other = tmp_path / "other"
    other.mkdir()
    result = runtime(rendered_repo, "config", "--json", env={"SO_PROJECT_DIR": "", "CLAUDE_PROJECT_DIR": str(other)})
    assert result.returncode == 0, result.stderr
    assert str(rendered_repo / "CLAUDE.md") in result.stdout
