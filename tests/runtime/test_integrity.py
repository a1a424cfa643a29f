"""The runtime knows its own files: doctor, the banner and the hooks say when one changed or broke."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.core import integrity
from runtime.hookpath import fallback
from tests.helpers import ROOT, git, init_repo, runtime, tagged_template

CONFLICT = "<<<<<<< before updating\nx = 1\n=======\nx = 2\n>>>>>>> after updating\n"


def vendored(repo: Path, name: str) -> Path:
    return repo / ".orchestrator" / "runtime" / name


def hook(repo: Path, event: str, payload: dict[str, object] | None = None) -> subprocess.CompletedProcess[str]:
    return runtime(repo, "hook", "claude", event, stdin=json.dumps(payload or {}))


def set_enforcement(repo: Path, level: str) -> None:
    claude_md = repo / "CLAUDE.md"
    text = claude_md.read_text(encoding="utf-8")
    assert "enforcement: warn" in text
    claude_md.write_text(text.replace("enforcement: warn", f"enforcement: {level}"), encoding="utf-8")


def test_manifest_is_current() -> None:
    """Any change to a runtime file must come with a regenerated manifest: python3 -m runtime.core.integrity."""
    shipped = (ROOT / "runtime" / integrity.MANIFEST).read_text(encoding="utf-8")
    assert shipped == integrity.render(integrity.build(ROOT / "runtime")), \
        "runtime/MANIFEST.json is stale; regenerate it with: python3 -m runtime.core.integrity"


def test_manifest_covers_every_shipped_file() -> None:
    files = json.loads((ROOT / "runtime" / integrity.MANIFEST).read_text(encoding="utf-8"))["files"]
    on_disk = {p.relative_to(ROOT / "runtime").as_posix() for p in (ROOT / "runtime").rglob("*")
               if p.is_file() and p.name != integrity.MANIFEST
               and not any(part == "__pycache__" or part.startswith(".") for part in p.parts[len(ROOT.parts):])}
    assert set(files) == on_disk
    assert {"hookpath/hooks.py", "guards/policy.json", "ruff.toml"} <= set(files)


def test_fallback_restore_text_matches_integrity() -> None:
    """fallback.py keeps its own copy for when integrity.py is the broken file."""
    assert fallback.RESTORE == integrity.RESTORE


def test_clean_render_passes(rendered_repo: Path) -> None:
    assert integrity.check(rendered_repo) == []
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 0, result.stdout
    assert "ok    runtime files match MANIFEST.json" in result.stdout
    assert "differ from the release" not in runtime(rendered_repo, "banner").stdout


def test_crlf_checkout_is_not_an_edit(rendered_repo: Path) -> None:
    path = vendored(rendered_repo, "guards/guard.py")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert integrity.check(rendered_repo) == []


@pytest.mark.parametrize(("change", "kind", "words"), [
    ("edit", "changed", "changed since it was rendered"),
    ("reformat", "changed", "changed since it was rendered"),
    ("delete", "missing", "deleted"),
])
def test_doctor_names_a_changed_file_and_the_restore_command(rendered_repo: Path, change: str, kind: str,
                                                             words: str) -> None:
    path = vendored(rendered_repo, "learning/research.py")
    text = path.read_text(encoding="utf-8")
    if change == "edit":
        path.write_text(text.replace("return", "return  ", 1), encoding="utf-8")
    elif change == "reformat":  # what a repository-wide formatter run does: same code, other layout
        path.write_text(text.replace("    ", "\t"), encoding="utf-8")
    else:
        path.unlink()
    problems = [(p.path, p.kind) for p in integrity.check(rendered_repo)]
    assert problems == [(".orchestrator/runtime/learning/research.py", kind)]

    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1, result.stdout
    assert f"FAIL  runtime file .orchestrator/runtime/learning/research.py: {words}" in result.stdout
    assert "fix: restore the runtime: copier recopy --trust --defaults --overwrite --vcs-ref=:current:" in result.stdout
    banner = runtime(rendered_repo, "banner").stdout.splitlines()
    flagged = [line for line in banner if "runtime file differs" in line]
    assert len(flagged) == 1 and ".orchestrator/runtime/learning/research.py" in flagged[0], banner


def test_added_file_is_reported(rendered_repo: Path) -> None:
    vendored(rendered_repo, "hookpath/banner.py.orig").write_text("left over\n", encoding="utf-8")
    problems = integrity.check(rendered_repo)
    assert [(p.path, p.kind) for p in problems] == [(".orchestrator/runtime/hookpath/banner.py.orig", "added")]
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert "banner.py.orig: not part of the runtime" in result.stdout
    assert "delete it" in result.stdout


def test_conflict_markers_are_reported_by_line(rendered_repo: Path) -> None:
    path = vendored(rendered_repo, "learning/research.py")
    path.write_text(path.read_text(encoding="utf-8") + CONFLICT, encoding="utf-8")
    end = len(path.read_text(encoding="utf-8").splitlines())
    result = runtime(rendered_repo, "doctor")
    assert result.returncode == 1
    assert (f".orchestrator/runtime/learning/research.py: left with merge-conflict markers "
            f"(line {end - 4}, {end - 2}, {end})") in result.stdout


class TestRuntimeThatCannotImport:
    """A broken file on the hook path: never silent, never a traceback."""

    def test_conflict_in_banner(self, rendered_repo: Path) -> None:
        path = vendored(rendered_repo, "hookpath/banner.py")
        path.write_text(CONFLICT + path.read_text(encoding="utf-8"), encoding="utf-8")

        start = hook(rendered_repo, "session-start")
        assert start.returncode == 0
        cause = "runtime cannot run: .orchestrator/runtime/hookpath/banner.py line 1: a merge-conflict marker"
        assert cause in start.stdout
        assert "copier recopy" in start.stdout and "Traceback" not in start.stdout + start.stderr

        banner = runtime(rendered_repo, "banner")
        assert banner.returncode == 1
        assert "Traceback" not in banner.stdout + banner.stderr
        assert ".orchestrator/runtime/hookpath/banner.py line 1: a merge-conflict marker" in banner.stderr

        doctor = runtime(rendered_repo, "doctor")
        assert doctor.returncode == 1
        assert "banner.py: left with merge-conflict markers (line 1, 3, 5)" in doctor.stdout

        # The guard itself does not need the banner: tool calls are still judged.
        denied = hook(rendered_repo, "pre-tool-use", {"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}})
        assert '"permissionDecision": "deny"' in denied.stdout

    @pytest.mark.parametrize(("level", "decision"), [("strict", "deny"), ("warn", "allow")])
    def test_syntax_error_in_the_hook_dispatcher(self, rendered_repo: Path, level: str, decision: str) -> None:
        set_enforcement(rendered_repo, level)
        path = vendored(rendered_repo, "hookpath/hooks.py")
        path.write_text(path.read_text(encoding="utf-8").replace("def main(", "def main((", 1), encoding="utf-8")

        start = hook(rendered_repo, "session-start")
        assert "runtime cannot run: .orchestrator/runtime/hookpath/hooks.py line" in start.stdout
        assert "SyntaxError" in start.stdout and "Traceback" not in start.stderr

        call = hook(rendered_repo, "pre-tool-use", {"tool_name": "Bash", "tool_input": {"command": "ls"}})
        assert call.returncode == 0 and "Traceback" not in call.stderr
        out = json.loads(call.stdout)["hookSpecificOutput"]
        if decision == "deny":
            assert out["permissionDecision"] == "deny"
            assert "enforcement is strict" in out["permissionDecisionReason"]
        else:
            assert "permissionDecision" not in out
            assert f"It was allowed (enforcement: {level})" in out["additionalContext"]

    def test_broken_config_module_still_honours_strict(self, rendered_repo: Path) -> None:
        """config.py is what normally reads the enforcement level; the fallback reads it itself."""
        set_enforcement(rendered_repo, "strict")
        path = vendored(rendered_repo, "core/config.py")
        path.write_text(CONFLICT + path.read_text(encoding="utf-8"), encoding="utf-8")
        call = hook(rendered_repo, "pre-tool-use", {"tool_name": "Bash", "tool_input": {"command": "ls"}})
        out = json.loads(call.stdout)["hookSpecificOutput"]
        assert out["permissionDecision"] == "deny"
        assert ".orchestrator/runtime/core/config.py line 1: a merge-conflict marker" in out["permissionDecisionReason"]

    def test_broken_hook_module_never_allows_a_destructive_command(self, rendered_repo: Path) -> None:
        """With hooks.py itself broken only the fallback answers; under warn it still blocks `rm -rf`."""
        set_enforcement(rendered_repo, "warn")
        path = vendored(rendered_repo, "hookpath/hooks.py")
        path.write_text(CONFLICT + path.read_text(encoding="utf-8"), encoding="utf-8")
        for command, expected in (("rm -rf src", "deny"), ("ls", None)):
            call = hook(rendered_repo, "pre-tool-use", {"tool_name": "Bash", "tool_input": {"command": command}})
            out = json.loads(call.stdout)["hookSpecificOutput"]
            assert out.get("permissionDecision") == expected, out
            reason = out.get("permissionDecisionReason") or out.get("additionalContext")
            assert ".orchestrator/runtime/hookpath/hooks.py line 1: a merge-conflict marker" in reason

    @pytest.mark.parametrize(("level", "listing"), [("strict", "deny"), ("warn", None)])
    def test_broken_decision_module_still_answers(self, rendered_repo: Path, level: str, listing: str | None) -> None:
        """decision.py holds the one "cannot judge" wording; with it broken the fallback answers on
        its own: any shell command is denied, anything else follows the enforcement level."""
        set_enforcement(rendered_repo, level)
        path = vendored(rendered_repo, "core/decision.py")
        path.write_text(CONFLICT + path.read_text(encoding="utf-8"), encoding="utf-8")
        for payload, expected in (({"tool_name": "Bash", "tool_input": {"command": "rm -rf src"}}, "deny"),
                                  ({"tool_name": "Read", "tool_input": {"file_path": "README.md"}}, listing)):
            call = hook(rendered_repo, "pre-tool-use", payload)
            assert call.returncode == 0 and "Traceback" not in call.stderr
            out = json.loads(call.stdout)["hookSpecificOutput"]
            assert out.get("permissionDecision") == expected, out
            reason = out.get("permissionDecisionReason") or out.get("additionalContext")
            assert ".orchestrator/runtime/core/decision.py line 1: a merge-conflict marker" in reason
            assert "copier recopy" in reason

    def test_missing_module(self, rendered_repo: Path) -> None:
        vendored(rendered_repo, "guards/context.py").unlink()
        start = hook(rendered_repo, "session-start")
        assert ".orchestrator/runtime/guards/context.py is missing" in start.stdout
        doctor = runtime(rendered_repo, "doctor")
        assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
        assert "context.py: deleted" in doctor.stdout


def test_the_restore_command_restores_only_the_runtime(tmp_path: Path) -> None:
    """The fix doctor prints, run verbatim in a real rendered repository."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    template = tagged_template(tmp_path / "template")
    repo = init_repo(tmp_path / "repo")
    subprocess.run(["copier", "copy", "--trust", "--defaults", "--quiet", str(template), str(repo)], check=True,
                   capture_output=True, cwd=repo, env=env)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "render")
    vendored(repo, "hookpath/banner.py").write_text(CONFLICT, encoding="utf-8")
    vendored(repo, "guards/breaker.py").unlink()
    skill = next(repo.glob(".claude/skills/*/SKILL.md"))
    skill.write_text(skill.read_text(encoding="utf-8") + "my own note\n", encoding="utf-8")

    command = integrity.RESTORE.removeprefix("restore the runtime: ").split("  (or")[0]
    assert command.startswith("copier recopy ")
    restored = subprocess.run(command, shell=True, cwd=repo, capture_output=True, text=True, env=env)
    assert restored.returncode == 0, restored.stderr

    assert integrity.check(repo) == []
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {skill.relative_to(repo).as_posix()}"]


def test_doctor_names_a_deleted_module_it_needs(rendered_repo: Path) -> None:
    """Not 'invalid choice: doctor': the command exists, a module it imports is gone."""
    vendored(rendered_repo, "core/config.py").unlink()
    doctor = runtime(rendered_repo, "doctor")
    assert doctor.returncode == 1
    assert "invalid choice" not in doctor.stderr and "Traceback" not in doctor.stderr
    assert ".orchestrator/runtime/core/config.py is missing" in doctor.stderr
    assert "fix: Restore the runtime: copier recopy" in doctor.stderr


def test_broken_fallback_still_says_something(rendered_repo: Path) -> None:
    """The last resort in __main__: the fallback module itself holds a conflict marker."""
    for name in ("hookpath/hooks.py", "hookpath/fallback.py"):
        path = vendored(rendered_repo, name)
        path.write_text(CONFLICT + path.read_text(encoding="utf-8"), encoding="utf-8")
    start = hook(rendered_repo, "session-start")
    assert start.returncode == 0 and "Traceback" not in start.stdout + start.stderr
    assert "the runtime in .orchestrator/runtime cannot run (SyntaxError" in start.stdout
    doctor = runtime(rendered_repo, "doctor")  # doctor itself needs neither file: it names both
    assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
    for name in ("hookpath/hooks.py", "hookpath/fallback.py"):
        assert f".orchestrator/runtime/{name}: left with merge-conflict markers" in doctor.stdout
