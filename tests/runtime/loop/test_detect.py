"""`auto` gate commands resolve from the files a repository really has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.loop.detect import detect, resolve


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def scripts(**entries: str) -> str:
    return json.dumps({"name": "app", "scripts": entries})


NODE = scripts(test="vitest", typecheck="tsc", lint="eslint .")
PYPROJECT_FULL = '[project]\nname = "x"\n\n[tool.mypy]\nstrict = true\n\n[tool.ruff]\nline-length = 100\n'


@pytest.mark.parametrize(
    ("files", "kind", "expected"),
    [
        ({"pyproject.toml": PYPROJECT_FULL}, "test", "python3 -m pytest -q"),
        ({"pyproject.toml": PYPROJECT_FULL}, "typecheck", "python3 -m mypy ."),
        ({"pyproject.toml": PYPROJECT_FULL}, "lint", "ruff check --no-fix ."),
        ({"tests/test_a.py": ""}, "test", "python3 -m pytest -q"),
        ({"pytest.ini": "[pytest]\n"}, "test", "python3 -m pytest -q"),
        ({"package.json": NODE}, "test", "npm test"),
        ({"package.json": NODE}, "typecheck", "npm run typecheck"),
        ({"package.json": NODE}, "lint", "npm run lint"),
        ({"package.json": scripts(build="tsc"), "tsconfig.json": "{}"}, "typecheck", "npx tsc --noEmit"),
        ({"go.mod": "module example.com/x\n"}, "test", "go test ./..."),
        ({"Cargo.toml": "[package]\nname = \"x\"\n"}, "test", "cargo test"),
        ({"mypy.ini": "[mypy]\n"}, "typecheck", "python3 -m mypy ."),
        ({"ruff.toml": "line-length = 100\n"}, "lint", "ruff check --no-fix ."),
    ],
)
def test_detect_picks_the_configured_tool(
    tmp_path: Path, files: dict[str, str], kind: str, expected: str
) -> None:
    command, why = detect(kind, make(tmp_path, files))
    assert command == expected
    assert why


@pytest.mark.parametrize("kind", ["test", "typecheck", "lint"])
def test_empty_repository_skips_with_a_reason(tmp_path: Path, kind: str) -> None:
    assert detect(kind, tmp_path) == ("skip", f"no {kind} tool detected")


def test_plain_pyproject_has_tests_but_no_typecheck_or_lint(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert detect("test", tmp_path)[0] == "python3 -m pytest -q"
    assert detect("typecheck", tmp_path)[0] == "skip"
    assert detect("lint", tmp_path)[0] == "skip"


def test_package_json_without_a_test_script_is_not_npm_test(tmp_path: Path) -> None:
    make(tmp_path, {"package.json": scripts(build="tsc")})
    assert detect("test", tmp_path)[0] == "skip"


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"scripts": ["test"]}'])
def test_broken_package_json_is_treated_as_no_scripts(tmp_path: Path, text: str) -> None:
    make(tmp_path, {"package.json": text})
    assert detect("test", tmp_path)[0] == "skip"


def test_python_wins_over_node_in_a_mixed_repository(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', "package.json": scripts(test="jest")})
    assert detect("test", tmp_path)[0] == "python3 -m pytest -q"


def test_resolve_auto_detects_and_says_so(tmp_path: Path) -> None:
    make(tmp_path, {"go.mod": "module x\n"})
    command, source = resolve("test", "auto", tmp_path)
    assert command == "go test ./..."
    assert source.startswith("auto: ")


@pytest.mark.parametrize("configured", ["skip", "SKIP", " skip "])
def test_resolve_skip_disables(tmp_path: Path, configured: str) -> None:
    assert resolve("lint", configured, tmp_path) == ("skip", "disabled in Session Config")


def test_resolve_explicit_command_is_kept_as_written(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": PYPROJECT_FULL})
    assert resolve("test", "make test ARGS=-x", tmp_path) == ("make test ARGS=-x", "Session Config")


# --- the project's own environment -----------------------------------------


def _venv(root: Path, name: str = ".venv", tools: tuple[str, ...] = ()) -> None:
    for program in ("python", *tools):
        path = root / name / "bin" / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)


@pytest.mark.parametrize(
    ("files", "venv", "expected", "because"),
    [
        ({"pyproject.toml": "[project]\n"}, ".venv", ".venv/bin/python -m pytest -q", ".venv/ exists"),
        ({"setup.py": ""}, "venv", "venv/bin/python -m pytest -q", "venv/ exists"),
        ({"pyproject.toml": "[project]\n", "uv.lock": ""}, "", "uv run python -m pytest -q", "uv.lock"),
        ({"pyproject.toml": "[project]\n", "poetry.lock": ""}, "", "poetry run python -m pytest -q", "poetry.lock"),
        ({"pyproject.toml": "[project]\n", "pdm.lock": ""}, "", "pdm run python -m pytest -q", "pdm.lock"),
        ({"pyproject.toml": "[tool.hatch.envs.default]\n"}, "", "hatch run python -m pytest -q", "hatch"),
        # an existing environment beats a lockfile: it is what the developer actually runs
        ({"pyproject.toml": "[project]\n", "uv.lock": ""}, ".venv", ".venv/bin/python -m pytest -q", ".venv/"),
    ],
)
def test_tests_run_in_the_projects_environment(tmp_path: Path, files: dict[str, str], venv: str, expected: str,
                                               because: str) -> None:
    make(tmp_path, files)
    if venv:
        _venv(tmp_path, venv)
    command, why = detect("test", tmp_path)
    assert command == expected and because in why


def test_tox_is_used_when_configured_and_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"tox.ini": "[tox]\nenvlist = py\n", "src/pkg/__init__.py": ""})
    assert detect("test", tmp_path)[0] == "python3 -m pytest -q"  # no tox on PATH: nothing to run it with
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "tox").write_text("#!/bin/sh\n")
    (bin_dir / "tox").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    command, why = detect("test", tmp_path)
    assert command == "tox -e py" and "tox.ini" in why


@pytest.mark.parametrize(
    ("files", "tools", "kind", "expected", "because"),
    [
        ({"setup.cfg": "[metadata]\nname = x\n\n[mypy]\nstrict = true\n"}, (), "typecheck",
         "python3 -m mypy .", "setup.cfg [mypy]"),
        ({"pyproject.toml": '[tool.mypy]\nfiles = ["src"]\n'}, (), "typecheck", "python3 -m mypy",
         "pyproject.toml [tool.mypy]"),
        ({"pyproject.toml": '[tool.mypy]\npackages = "pkg"\n'}, ("mypy",), "typecheck", ".venv/bin/mypy",
         "installed in .venv/"),
        ({"pyrightconfig.json": "{}"}, (), "typecheck", "pyright", "pyrightconfig.json"),
        ({"setup.cfg": "[flake8]\nmax-line-length = 79\n"}, (), "lint", "python3 -m flake8", "setup.cfg [flake8]"),
        ({"tox.ini": "[tox]\n\n[flake8]\nmax-line-length = 79\n"}, (), "lint", "python3 -m flake8", "tox.ini [flake8]"),
        ({".flake8": "[flake8]\n"}, ("flake8",), "lint", ".venv/bin/flake8", ".flake8"),
        ({"pyproject.toml": "[tool.ruff.lint]\nselect = ['F']\n"}, ("ruff",), "lint", ".venv/bin/ruff check --no-fix .",
         "pyproject.toml [tool.ruff]"),
        ({"eslint.config.js": "export default []\n"}, (), "lint", "npx eslint .", "eslint.config.js"),
        ({"package.json": NODE, "pnpm-lock.yaml": ""}, (), "test", "pnpm test", "pnpm"),
        ({"package.json": NODE, "yarn.lock": ""}, (), "lint", "yarn run lint", "lint script"),
    ],
)
def test_tools_come_from_the_projects_own_config(tmp_path: Path, files: dict[str, str], tools: tuple[str, ...],
                                                 kind: str, expected: str, because: str) -> None:
    make(tmp_path, files)
    if tools:
        _venv(tmp_path, ".venv", tools)
    command, why = detect(kind, tmp_path)
    assert command == expected and because in why, why


def test_config_shows_each_command_and_why(tmp_path: Path) -> None:
    from tests.runtime.loop_support import rt

    make(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n\n[tool.ruff]\n", "mypy.ini": "[mypy]\n",
                    "CLAUDE.md": "# x\n\n## Session Config\n\n- waves: 5\n"})
    _venv(tmp_path)
    out = rt(tmp_path, "config").stdout
    assert "test-command" in out and ".venv/bin/python -m pytest -q (auto: .venv/ exists; Python project)" in out
    assert "mypy is configured in mypy.ini [mypy]" in out
    assert "ruff is configured in pyproject.toml [tool.ruff]" in out
