"""`test [scope]` on real projects: real git repositories, the real pytest and the real Node test runner.

Each project is small and built here: a pytest project with an integration folder where one
test fails, one with no suite at all, one whose suite crashes before any test runs, one whose
runner exits 0 without saying what it ran, and a `package.json` project whose `test:e2e`
script is Node's own test runner writing a JUnit report (the path a Playwright or Cypress run
takes: a runner whose printed output the gate does not parse, judged by its own report).

A real Playwright or Cypress run is not feasible here: both download a browser from their
own servers, which this machine cannot reach. For those two, detection is tested on their
real config file names and the command and report location they produce.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from runtime.loop.e2edetect import detect, with_scope
from tests.helpers import init_repo
from tests.runtime.loop_support import rt

FAILING = '''def double(value):
    return value * 2


def test_double_of_two():
    assert double(2) == 4


def test_total_of_an_order():
    total = double(3)
    assert total == 7, "total is off"
'''


def _project(tmp_path: Path, files: dict[str, str], config: str = "") -> Path:
    repo = tmp_path / "shop"
    repo.mkdir(parents=True)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "CLAUDE.md").write_text("# shop\n\n## Session Config\n\n- test-command: skip\n" + config, encoding="utf-8")
    return init_repo(repo)


def _run(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = rt(repo, "test", *args, "--offline", "--json")
    assert result.stdout.strip(), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_failing_integration_test_is_a_finding_with_its_evidence(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"pyproject.toml": '[project]\nname = "shop"\n',
                               "tests/integration/test_orders.py": FAILING, "tests/test_unit.py": "def test_x():\n"
                               "    assert False  # a unit test: not part of the suite\n"})
    code, data = _run(repo)
    assert (code, data["verdict"]) == (2, "failed"), data
    assert data["suite"]["command"] == "python3 -m pytest -q tests/integration"
    assert data["counts"] == {"passed": 1, "failed": 1, "skipped": 0, "errors": 0}
    [finding] = data["findings"]
    assert finding["test"] == "tests/integration/test_orders.py::test_total_of_an_order"
    assert (finding["file"], finding["line"]) == ("tests/integration/test_orders.py", 11)
    assert finding["evidence"].startswith("AssertionError: total is off"), finding
    assert finding["id"] == _run(repo)[1]["findings"][0]["id"]  # a rerun names it the same

    text = rt(repo, "test", "--offline")
    assert text.returncode == 2 and "FAILED: 1 failing test" in text.stdout
    assert "tests/integration/test_orders.py:11: AssertionError: total is off" in text.stdout

    filed = rt(repo, "test", "file", finding["id"][:5], "--json")
    report = json.loads(filed.stdout)
    assert [e["title"] for e in report["listed"]] == [f"[Test] {finding['title']}"], report
    listed = (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8")
    assert f"session=test item={finding['id']} -->" in listed and "total is off" in listed
    _, again = _run(repo)
    assert again["findings"][0]["known"] == ".orchestrator/carryover.md"
    refiled = json.loads(rt(repo, "test", "file", finding["id"], "--json").stdout)
    assert [k["id"] for k in refiled["known"]] == [finding["id"]]
    assert (repo / ".orchestrator" / "carryover.md").read_text(encoding="utf-8") == listed


def test_a_scope_narrows_the_run_to_one_test(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"tests/integration/test_orders.py": FAILING})
    code, data = _run(repo, "tests/integration/test_orders.py::test_double_of_two")
    assert (code, data["verdict"], data["counts"]["passed"]) == (0, "passed", 1), data
    assert data["suite"]["command"].endswith("pytest -q tests/integration/test_orders.py::test_double_of_two")


def test_no_suite_is_said_plainly_and_is_not_a_pass(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"tests/test_unit.py": "def test_x():\n    assert True\n"})
    code, data = _run(repo)
    assert (code, data["verdict"], data["suite"], data["findings"]) == (4, "none", None, []), data
    assert len(data["looked"]) == 6 and "a pytest folder" in data["looked"][4]
    text = rt(repo, "test", "--offline")
    assert text.returncode == 4 and "no end-to-end or integration suite" in text.stdout
    assert "passed" not in text.stdout.lower()

    skipped = _project(tmp_path / "skip", {"tests/e2e/test_flow.py": "def test_x():\n    assert True\n"},
                       "- e2e-command: skip\n")
    code, data = _run(skipped)
    assert (code, data["verdict"], data["reason"]) == (4, "none", "e2e-command is 'skip' in the Session Config")


def test_a_suite_that_crashes_cannot_be_judged(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"tests/e2e/conftest.py": 'raise RuntimeError("the staging database is down")\n',
                               "tests/e2e/test_flow.py": "def test_checkout():\n    assert True\n"})
    code, data = _run(repo)
    assert (code, data["verdict"], data["findings"]) == (3, "cannot-judge", []), data
    assert "no test result is trustworthy" in data["reason"]
    assert any("the staging database is down" in line for line in data["tail"])
    text = rt(repo, "test", "--offline")
    assert text.returncode == 3 and "CANNOT JUDGE (not a pass)" in text.stdout


def test_a_runner_killed_midway_or_silent_cannot_be_judged(tmp_path: Path) -> None:
    repo = _project(tmp_path, {"tests/e2e/test_flow.py": "def test_x():\n    assert True\n"},
                    "- e2e-command: python3 -c \"import os; print('starting the browser'); os.abort()\"\n")
    code, data = _run(repo)
    assert (code, data["verdict"]) == (3, "cannot-judge"), data
    silent = _project(tmp_path / "silent", {}, "- e2e-command: python3 -c \"print('all good')\"\n")
    code, data = _run(silent)
    assert (code, data["verdict"]) == (3, "cannot-judge"), data
    assert data["reason"].startswith("exit 0 but neither a test summary nor a JUnit report")


def test_a_runner_judged_by_its_own_junit_report(tmp_path: Path) -> None:
    """Node's built-in test runner, run by a `test:e2e` script, prints nothing the gate parses: the
    verdict and the evidence come from the JUnit file it writes where /test collects reports."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed (Debian's nodejs and npm packages)", pytrace=False)
    script = ("node --test --test-reporter=junit --test-reporter-destination=.orchestrator/state/e2e/node.xml "
              "test/")
    failing = ("const test = require('node:test');\nconst assert = require('node:assert');\n"
               "test('adds', () => { assert.strictEqual(1 + 1, 2); });\n"
               "test('totals', () => {\n  assert.strictEqual(2 + 2, 5, 'total is off');\n});\n")
    repo = _project(tmp_path, {"package.json": json.dumps({"name": "shop", "scripts": {"test:e2e": script}}),
                               "test/checkout.test.js": failing})
    code, data = _run(repo)
    assert (code, data["verdict"], data["suite"]["command"]) == (2, "failed", "npm run test:e2e"), data
    [finding] = data["findings"]
    assert finding["test"].endswith("totals") and (finding["file"], finding["line"]) == ("test/checkout.test.js", 5)
    assert "total is off" in finding["evidence"]
    (repo / "test" / "checkout.test.js").write_text(failing.replace("2 + 2, 5", "2 + 2, 4"), encoding="utf-8")
    code, data = _run(repo)
    assert (code, data["verdict"], data["findings"]) == (0, "passed", []), data


@pytest.mark.parametrize(("files", "runner", "command"), [
    ({"playwright.config.ts": "export default {testDir: './e2e'};\n"}, "playwright",
     "npx playwright test --reporter=line,junit"),
    ({"cypress.config.js": "module.exports = {e2e: {}};\n"}, "cypress", "npx cypress run --reporter junit"),
    ({"package.json": '{"scripts": {"e2e": "wdio run"}}', "pnpm-lock.yaml": ""}, "pnpm", "pnpm run e2e"),
    ({"pytest.ini": "[pytest]\nmarkers =\n    integration: needs the database\n"}, "pytest",
     "python3 -m pytest -q -m integration"),
    ({"pyproject.toml": '[tool.pytest.ini_options]\nmarkers = [\n  "e2e: drives the browser",\n]\n'}, "pytest",
     "python3 -m pytest -q -m e2e"),
])
def test_detection_on_real_config_files(tmp_path: Path, files: dict[str, str], runner: str, command: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = detect(tmp_path)
    assert (found["runner"], found["command"].startswith(command)) == (runner, True), found
    if runner == "playwright":
        assert found["env"]["PLAYWRIGHT_JUNIT_OUTPUT_NAME"].endswith(".orchestrator/state/e2e/playwright.xml")
        assert with_scope(found, "e2e/login.spec.ts") == f"{command} e2e/login.spec.ts"
    if runner == "cypress":
        assert ".orchestrator/state/e2e/cypress-[hash].xml" in found["command"]
    if runner == "pnpm":
        assert with_scope(found, "login flow") == "pnpm run e2e -- 'login flow'"
    assert detect(tmp_path, "make e2e")["command"] == "make e2e"
