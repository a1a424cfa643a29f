"""`auto` gate commands resolve from the files a repository really has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.detect import detect, resolve


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
        ({"pyproject.toml": PYPROJECT_FULL}, "lint", "ruff check ."),
        ({"tests/test_a.py": ""}, "test", "python3 -m pytest -q"),
        ({"pytest.ini": "[pytest]\n"}, "test", "python3 -m pytest -q"),
        ({"package.json": NODE}, "test", "npm test"),
        ({"package.json": NODE}, "typecheck", "npm run typecheck"),
        ({"package.json": NODE}, "lint", "npm run lint"),
        ({"package.json": scripts(build="tsc"), "tsconfig.json": "{}"}, "typecheck", "npx tsc --noEmit"),
        ({"go.mod": "module example.com/x\n"}, "test", "go test ./..."),
        ({"Cargo.toml": "[package]\nname = \"x\"\n"}, "test", "cargo test"),
        ({"mypy.ini": "[mypy]\n"}, "typecheck", "python3 -m mypy ."),
        ({"ruff.toml": "line-length = 100\n"}, "lint", "ruff check ."),
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
