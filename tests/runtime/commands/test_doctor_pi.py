"""doctor on a Pi repository: the extension is checked byte for byte and the guard is probed
through Pi's payload; the steps doctor cannot check are printed as notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_example, render, runtime

EXTENSION = ".pi/extensions/session-orchestrator.ts"


@pytest.fixture
def pi_repo(tmp_path: Path) -> Path:
    return render(copy_example(tmp_path / "calc"), platforms=["pi"])


def test_doctor_passes_and_says_how_to_start_pi(pi_repo: Path) -> None:
    done = runtime(pi_repo, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok    Pi: hooks wired in {EXTENSION} (session_start, tool_call)" in done.stdout
    assert "ok    Pi: guard answers (allows 'ls', denies 'rm -rf ./build')" in done.stdout
    assert "note  Pi: start `pi` in the repository's root directory, then type /session feature" in done.stdout
    assert "note  Pi: version 0.79 and later" in done.stdout


def test_an_edited_extension_fails_doctor_and_install_restores_it(pi_repo: Path) -> None:
    path = pi_repo / EXTENSION
    original = path.read_bytes()
    path.write_bytes(original.replace(b'new Set(["bash"])', b"new Set<string>()"))
    done = runtime(pi_repo, "doctor")
    assert done.returncode == 1
    assert "FAIL  Pi: hooks not wired for session_start, tool_call" in done.stdout
    assert "fix: run 'python3 .orchestrator/runtime install'" in done.stdout
    fixed = runtime(pi_repo, "install")
    assert fixed.returncode == 0 and f"{EXTENSION}: extension restored" in fixed.stdout, fixed.stdout + fixed.stderr
    assert path.read_bytes() == original
    assert runtime(pi_repo, "doctor").returncode == 0


def test_a_missing_extension_is_written_by_install(pi_repo: Path) -> None:
    (pi_repo / EXTENSION).unlink()
    assert "FAIL  Pi: hooks not wired" in runtime(pi_repo, "doctor").stdout
    done = runtime(pi_repo, "install")
    assert f"{EXTENSION}: extension written" in done.stdout, done.stdout + done.stderr
    assert runtime(pi_repo, "doctor").returncode == 0


def _agent_dir(tmp_path: Path, trust: object = None, settings: object = None) -> dict[str, str]:
    """A Pi agent directory holding the files Pi writes (`trust.json`, `settings.json`), as doctor's env."""
    import json

    agent = tmp_path / "pi-agent"
    agent.mkdir(exist_ok=True)
    if trust is not None:
        (agent / "trust.json").write_text(json.dumps(trust) if not isinstance(trust, str) else trust)
    if settings is not None:
        (agent / "settings.json").write_text(json.dumps(settings))
    return {"PI_CODING_AGENT_DIR": str(agent)}


def test_doctor_reads_pis_trust_decision(pi_repo: Path, tmp_path: Path) -> None:
    """Pi 0.79+ skips an untrusted project's `.pi/` (the guard) in print mode without a word: doctor
    reads the decision from Pi's own trust.json (the shape Pi writes, keyed by the real path)."""
    import os

    real = os.path.realpath(pi_repo)
    undecided = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path))
    assert undecided.returncode == 0, undecided.stdout
    assert "warn  Pi: Pi has no trust decision saved for this project" in undecided.stdout
    assert f'add "{real}": true to' in undecided.stdout

    trusted = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path, {real: True}))
    assert "ok    Pi: Pi trusts this project" in trusted.stdout and trusted.returncode == 0

    parent = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path, {str(Path(real).parent): True, real: None}))
    assert f"ok    Pi: Pi trusts {Path(real).parent} and what is in it" in parent.stdout

    refused = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path, {real: False}))
    assert refused.returncode == 1
    assert f"FAIL  Pi: Pi is told not to trust {real}" in refused.stdout

    always = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path, {}, {"defaultProjectTrust": "always"}))
    assert "ok    Pi: Pi trusts every project (defaultProjectTrust: always" in always.stdout

    garbled = runtime(pi_repo, "doctor", env=_agent_dir(tmp_path, "{not json"))
    assert "warn  Pi: cannot tell whether Pi trusts this project" in garbled.stdout and garbled.returncode == 0
