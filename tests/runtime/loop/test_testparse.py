"""Runner output parsers, on realistic samples of what each runner prints."""

from __future__ import annotations

from runtime.loop.testparse import parse, problem_count

PYTEST_Q = """\
..F..F.s                                                                 [100%]
=================================== FAILURES ===================================
___________________________________ test_add ___________________________________

    def test_add():
>       assert ops.add(2, 3) == 5
E       assert 6 == 5

tests/test_ops.py:7: AssertionError
=========================== short test summary info ============================
FAILED tests/test_ops.py::test_add - assert 6 == 5
FAILED tests/test_cli.py::test_cli_adds[2-3] - AssertionError: assert '6.0' == '5.0'
2 failed, 5 passed, 1 skipped in 0.41s
"""

PYTEST_VERBOSE_NO_SUMMARY_NAMES = """\
tests/test_ops.py::test_add PASSED                                       [ 50%]
tests/test_ops.py::test_divide FAILED                                    [100%]
========================= 1 failed, 1 passed in 0.05s ==========================
"""

PYTEST_COLLECTION_ERROR = """\
==================================== ERRORS ====================================
______________________ ERROR collecting tests/test_io.py _______________________
ImportError while importing test module '/repo/tests/test_io.py'.
=========================== short test summary info ============================
ERROR tests/test_io.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
=============================== 1 error in 0.12s ===============================
"""

JEST = """\
 FAIL  src/sum.test.js
  ● Console

    console.log
      hello

  ● sum › adds 1 + 2 to equal 4

    expect(received).toBe(expected) // Object.is equality

 PASS  src/mul.test.js

Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 1 skipped, 5 passed, 7 total
Snapshots:   0 total
Time:        0.612 s
"""

VITEST = """\
 ❯ src/math.test.ts (3 tests | 1 failed) 5ms
   × math > adds 2ms
     → expected 3 to be 4

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  src/math.test.ts > math > adds
AssertionError: expected 3 to be 4

 Test Files  1 failed (1)
      Tests  1 failed | 2 passed (3)
   Start at  12:00:00
   Duration  300ms
"""

GO = """\
=== RUN   TestAdd
--- PASS: TestAdd (0.00s)
=== RUN   TestDivide
=== RUN   TestDivide/by_zero
    calc_test.go:21: expected error
--- FAIL: TestDivide (0.00s)
    --- FAIL: TestDivide/by_zero (0.00s)
FAIL
FAIL\texample.com/calc\t0.003s
ok  \texample.com/calc/cli\t0.002s
"""

CARGO = """\
running 3 tests
test tests::adds ... ok
test tests::divides ... FAILED
test tests::slow ... ignored

failures:

---- tests::divides stdout ----
thread 'tests::divides' panicked at src/lib.rs:20:9

failures:
    tests::divides

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 2 tests
test it_works ... ok
test it_also_works ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
"""


def test_pytest_quiet_summary_and_names() -> None:
    result = parse(PYTEST_Q)
    assert result["runner"] == "pytest"
    assert (result["passed"], result["failed"], result["skipped"]) == (5, 2, 1)
    assert result["failed_tests"] == ["tests/test_ops.py::test_add", "tests/test_cli.py::test_cli_adds[2-3]"]


def test_pytest_verbose_names_without_short_summary() -> None:
    result = parse(PYTEST_VERBOSE_NO_SUMMARY_NAMES)
    assert result["failed"] == 1 and result["failed_tests"] == ["tests/test_ops.py::test_divide"]


def test_pytest_collection_error_counts_as_failure() -> None:
    result = parse(PYTEST_COLLECTION_ERROR)
    assert result["errors"] == 1 and result["failed_tests"] == ["tests/test_io.py"]


def test_pytest_colour_codes_are_ignored() -> None:
    coloured = "\x1b[31mFAILED\x1b[0m tests/a.py::t - x\n\x1b[31m1 failed\x1b[0m, \x1b[32m3 passed\x1b[0m in 1.00s\n"
    result = parse(coloured)
    assert result["failed_tests"] == ["tests/a.py::t"] and result["passed"] == 3


def test_jest() -> None:
    result = parse(JEST)
    assert result["runner"] == "jest"
    assert (result["passed"], result["failed"], result["skipped"]) == (5, 1, 1)
    assert result["failed_tests"] == ["sum › adds 1 + 2 to equal 4"]


def test_vitest() -> None:
    result = parse(VITEST)
    assert result["runner"] == "vitest"
    assert (result["passed"], result["failed"]) == (2, 1)
    assert result["failed_tests"] == ["src/math.test.ts > math > adds"]


def test_go_names_the_failing_subtest() -> None:
    result = parse(GO)
    assert result["runner"] == "go"
    assert result["failed_tests"] == ["TestDivide/by_zero"]
    assert result["passed"] == 1


def test_go_without_verbose_names_the_package() -> None:
    result = parse("FAIL\texample.com/calc\t0.003s\nok  \texample.com/calc/cli\t0.002s\n")
    assert result["failed_tests"] == ["package example.com/calc"]


def test_cargo_sums_all_binaries() -> None:
    result = parse(CARGO)
    assert result["runner"] == "cargo"
    assert (result["passed"], result["failed"], result["skipped"]) == (3, 1, 1)
    assert result["failed_tests"] == ["tests::divides"]


def test_unknown_output() -> None:
    assert parse("all good, I think\n") is None


def test_problem_counts() -> None:
    assert problem_count("src/a.py:1:1: F401 unused\nFound 3 errors.\n") == 3
    assert problem_count("Found 2 errors in 1 file (checked 4 source files)") == 2
    assert problem_count("\n✖ 4 problems (4 errors, 0 warnings)\n") == 4
    assert problem_count("All checks passed!") is None


def test_pytest_summary_with_subtests_counts_tests_only() -> None:
    out = parse("...\nFAILED tests/test_a.py::test_b - assert 1 == 2\n"
                "1 failed, 140 passed, 5 skipped, 152 subtests passed in 0.73s\n")
    assert out is not None
    assert (out["passed"], out["failed"], out["skipped"]) == (140, 1, 5)
    assert out["failed_tests"] == ["tests/test_a.py::test_b"]
