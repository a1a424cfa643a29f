"""The Pi extension type-checks with the TypeScript compiler against Pi's own published types.

Real: `tsc` from npm (pinned in clients.py) and the type declarations the pinned
Pi package ships (`@earendil-works/pi-coding-agent` and the `@types/node` it
installs). Nothing is stubbed: a missing compiler or Pi package fails the test
like every other e2e test. `skipLibCheck` leaves the third-party declarations
unchecked (some reference modules Pi does not install); our file is checked in
full, under `strict`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.clients import PINNED
from tests.helpers import ROOT

EXTENSION = ROOT / "runtime" / "platforms" / "pi_extension.ts"
TSCONFIG = {"compilerOptions": {
    "strict": True, "noEmit": True, "skipLibCheck": True, "target": "ES2022", "module": "NodeNext",
    "moduleResolution": "NodeNext", "types": ["node"], "noUnusedLocals": True, "noUnusedParameters": True,
    "noImplicitReturns": True, "noFallthroughCasesInSwitch": True,
}}


def _check(tsc: Path, pi: Path, tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    """`tsc --noEmit` over `source` as .pi/extensions/session-orchestrator.ts, resolving Pi's packages."""
    modules = pi.parent.parent  # <pi root>/node_modules/.bin/pi -> <pi root>/node_modules
    installed = json.loads((modules / PINNED["pi"].package / "package.json").read_text())
    assert installed["version"] == PINNED["pi"].version, "type-check against the pinned Pi's own types"
    project = tmp_path / "project"
    (project / ".pi" / "extensions").mkdir(parents=True)
    (project / ".pi" / "extensions" / "session-orchestrator.ts").write_text(source, encoding="utf-8")
    (project / "node_modules").symlink_to(modules, target_is_directory=True)
    (project / "tsconfig.json").write_text(json.dumps(
        {**TSCONFIG, "files": [".pi/extensions/session-orchestrator.ts"]}), encoding="utf-8")
    return subprocess.run([str(tsc), "--noEmit", "-p", str(project / "tsconfig.json")], cwd=project,
                          capture_output=True, text=True, timeout=300)


def test_the_extension_type_checks_against_pis_published_types(tsc_bin: Path, pi_bin: Path, tmp_path: Path) -> None:
    done = _check(tsc_bin, pi_bin, tmp_path, EXTENSION.read_text(encoding="utf-8"))
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_check_sees_pis_types_and_rejects_a_wrong_answer(tsc_bin: Path, pi_bin: Path, tmp_path: Path) -> None:
    """Proof the check bites: `block` must be a boolean in Pi's ToolCallEventResult."""
    source = EXTENSION.read_text(encoding="utf-8")
    wrong = source.replace("return { block: true, reason: String(answer.value.reason",
                           'return { block: "yes", reason: String(answer.value.reason')
    assert wrong != source
    done = _check(tsc_bin, pi_bin, tmp_path, wrong)
    assert done.returncode != 0 and "session-orchestrator.ts" in done.stdout, done.stdout + done.stderr
