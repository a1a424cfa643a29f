"""`init` and `update` read the repository's doctor as data (`doctor --json`) and show its checks in
doctor's own layout: the rendering must be the lines doctor prints, byte for byte."""

from __future__ import annotations

from pathlib import Path

from session_orchestrator import doctor
from tests.helpers import runtime


def test_the_checks_read_as_data_render_as_doctor_prints_them(rendered_repo: Path) -> None:
    claude_md = rendered_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("lint-command: auto", "lint-command: no-such-linter ."))
    text = runtime(rendered_repo, "doctor")
    data = runtime(rendered_repo, "doctor", "--json")
    report = doctor.parse(data.stdout, data.returncode, data.stderr)
    assert report is not None
    assert report.render() == text.stdout.rstrip("\n")
    assert [check.kind for check in report.failed] == ["gate"] and report.install_worked()


def test_a_runtime_without_json_output_is_told_apart() -> None:
    assert doctor.parse("usage: runtime doctor [-h]\n", 2, "unrecognized arguments: --json") is None
    assert doctor.parse('{"checks": "none"}', 0, "") is None
