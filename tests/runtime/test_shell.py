"""The shell parser finds what would run, and only that."""

from __future__ import annotations

import pytest

from runtime.shell import parse, quote, skeleton, write_targets


def argvs(text: str) -> list[list[str]]:
    return [c.argv for c in parse(text).commands]


@pytest.mark.parametrize(("text", "expected"), [
    ("ls -la", [["ls", "-la"]]),
    ("a; b && c || d | e & f", [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]),
    ("a\nb", [["a"], ["b"]]),
    ("echo 'a b' \"c d\" e\\ f", [["echo", "a b", "c d", "e f"]]),
    ("echo $'a\\tb'", [["echo", "a\tb"]]),
    ("r''m -rf x", [["rm", "-rf", "x"]]),
    ("\\rm x", [["rm", "x"]]),
    ("/usr/bin/rm x", [["rm", "x"]]),
    ("rm${IFS}-rf${IFS}x", [["rm", "-rf", "x"]]),
    ("rm$IFS-rf x", [["rm", "-rf", "x"]]),
    ("echo hi # rm -rf x", [["echo", "hi"]]),
    ("A=1 B=2 make", [["make"]]),
    ("if true; then make; fi", [["true"], ["make"]]),
])
def test_words_and_segments(text: str, expected: list[list[str]]) -> None:
    assert argvs(text) == expected


@pytest.mark.parametrize(("text", "inner", "via"), [
    ("bash -c 'rm -rf x'", ["rm", "-rf", "x"], "bash -c"),
    ("sh -ec \"git reset --hard\"", ["git", "reset", "--hard"], "sh -c"),
    ("echo $(git clean -f)", ["git", "clean", "-f"], "$( )"),
    ("echo \"`git clean -f`\"", ["git", "clean", "-f"], "$( )"),
    ("eval 'git clean -f'", ["git", "clean", "-f"], "eval"),
    ("ls | xargs -0 rm -f", ["rm", "-f"], "xargs"),
    ("find . -exec rm {} \\;", ["rm", "{}"], "find -exec"),
    ("bash <<'X'\ngit clean -f\nX", ["git", "clean", "-f"], "bash <<"),
    ("echo 'git clean -f' | sh", ["git", "clean", "-f"], "| sh"),
    ("su -c 'git clean -f' root", ["git", "clean", "-f"], "su -c"),
    ("diff <(git clean -f) x", ["git", "clean", "-f"], "$( )"),
    ("env -S 'git clean -f'", ["git", "clean", "-f"], "env -S"),
])
def test_nested_commands_are_found(text: str, inner: list[str], via: str) -> None:
    found = {(tuple(c.argv), c.via) for c in parse(text).commands}
    assert (tuple(inner), via) in found


@pytest.mark.parametrize(("text", "expected"), [
    ("sudo -u root -H rm x", ["rm", "x"]),
    ("env -i A=1 -u B rm x", ["rm", "x"]),
    ("nice -n 5 nohup time -p timeout -s KILL 5 stdbuf -oL rm x", ["rm", "x"]),
    ("command rm x", ["rm", "x"]),
    ("exec rm x", ["rm", "x"]),
])
def test_wrappers_are_peeled(text: str, expected: list[str]) -> None:
    assert expected in argvs(text)


def test_command_v_runs_nothing() -> None:
    assert argvs("command -v rm") == [[]]


def test_unknown_wrapper_option_is_read_both_ways() -> None:
    found = argvs("env -Q x rm -rf y")
    assert ["rm", "-rf", "y"] in found


def test_quoted_text_is_data() -> None:
    assert argvs('git commit -m "rm -rf src; git reset --hard"') == [
        ["git", "commit", "-m", "rm -rf src; git reset --hard"]]


def test_heredoc_body_is_data_for_non_shells() -> None:
    parsed = parse("cat <<'EOF' > notes.md\nrm -rf src\nEOF\necho done")
    assert [c.argv for c in parsed.commands] == [["cat"], ["echo", "done"]]
    heredoc = next(r for r in parsed.commands[0].redirects if r.mode == "heredoc")
    assert heredoc.target == "rm -rf src"


def test_unquoted_heredoc_still_runs_substitutions() -> None:
    assert ["git", "clean", "-f"] in argvs("cat <<EOF\n$(git clean -f)\nEOF")


def test_redirects_are_tokens_with_mode() -> None:
    cmd = parse("echo a > out.txt 2>&1 >> log.txt < in.txt").commands[0]
    assert cmd.argv == ["echo", "a"]
    assert [(r.op, r.target, r.mode) for r in cmd.redirects] == [
        (">", "out.txt", "truncate"), (">&", "1", "dup"), (">>", "log.txt", "append"), ("<", "in.txt", "read")]
    assert cmd.redirects[1].fd == "2"


def test_pipeline_links_producer() -> None:
    first, second = parse("echo x | psql db").commands
    assert second.pipe_prev is first and first.pipe_prev is None


def test_unterminated_quote_is_noted_not_raised() -> None:
    parsed = parse("rm -rf src; echo 'oops")
    assert ["rm", "-rf", "src"] in [c.argv for c in parsed.commands]
    assert parsed.notes


def test_deep_nesting_exhausts_budget() -> None:
    text = "x"
    for _ in range(10):
        text = f"bash -c {quote(text)}"
    assert parse(text).exhausted
    assert not parse("bash -c 'bash -c x'").exhausted


def test_function_definition_is_not_a_call() -> None:
    assert argvs("f() { make; }; f") == [["make"], ["f"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("echo a > x.txt", [("x.txt", "truncate")]),
    ("echo a >> x.txt", [("x.txt", "append")]),
    ("echo a | tee x.txt", [("x.txt", "truncate")]),
    ("echo a | tee -a x.txt", [("x.txt", "append")]),
    ("sed -i 's/a/b/' x.txt", [("x.txt", "edit")]),
    ("sed -i -e 's/a/b/' x.txt y.txt", [("x.txt", "edit"), ("y.txt", "edit")]),
    ("cp a.txt b.txt", [("b.txt", "replace")]),
    ("mv a.txt dir/", [("dir/", "replace"), ("a.txt", "delete")]),
    ("cp -t dest a b", [("dest/", "replace")]),
    ("echo a > /dev/null", []),
    ("touch new.txt", [("new.txt", "create")]),
])
def test_write_targets(text: str, expected: list[tuple[str, str]]) -> None:
    found = [t for c in parse(text).commands for t in write_targets(c)]
    assert found == expected


def test_skeleton_drops_quoted_text() -> None:
    assert "rm" not in skeleton("echo 'rm -rf' \"rm\"")
    assert "rm" in skeleton("rm x")
