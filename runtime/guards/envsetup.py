# Vendored into a repository as .orchestrator/runtime/, this file is not that repository's own code:
# the pragmas below keep it out of the repository's formatters, linters and type checkers.
# fmt: off
# flake8: noqa
# mypy: ignore-errors
# type: ignore
"""Programs whose output is shell set-up meant for `eval`, so `eval "$(ssh-agent -s)"` can pass.

`eval` of text only known at run time is unknowable in general and is refused under strict. The
programs below exist to print environment settings or shell functions for `eval`; their output is
theirs, not the agent's, so evaluating it is treated as running the program itself (which the
guard judges as usual). Anything else fed to eval stays unknown.
"""

from __future__ import annotations

# program -> the first words after it that print set-up code ("" = any arguments)
_SETUP: dict[str, tuple[str, ...]] = {
    "ssh-agent": ("",), "direnv": ("export", "hook"), "pyenv": ("init", "virtualenv-init", "sh-activate"),
    "rbenv": ("init",), "nodenv": ("init",), "goenv": ("init",), "jenv": ("init",), "plenv": ("init",),
    "phpenv": ("init",), "brew": ("shellenv",), "zoxide": ("init",), "starship": ("init",), "fnm": ("env",),
    "mise": ("activate", "env", "hook-env"), "rtx": ("activate", "env"), "conda": ("shell.bash", "shell.zsh",
    "shell.posix", "shell.fish"), "micromamba": ("shell",), "opam": ("env", "config"), "keychain": ("",),
    "dircolors": ("",), "luarocks": ("path",), "thefuck": ("--alias",), "atuin": ("init",), "mcfly": ("init",),
    "nodeenv": ("",), "asdf": ("env",), "gpg-agent": ("--daemon",), "rustup": ("completions",),
    "register-python-argcomplete": ("",), "kubectl": ("completion",), "helm": ("completion",),
    "gh": ("completion",), "poetry": ("env",), "pdm": ("--pep582",), "docker-machine": ("env",),
    "minikube": ("docker-env", "podman-env"),
}


def is_setup(argv: list[str]) -> bool:
    """True when `argv` runs a set-up printer in the way that prints set-up code."""
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    wanted = _SETUP.get(name)
    if wanted is None:
        return False
    return "" in wanted or (len(argv) > 1 and argv[1] in wanted)


def is_setup_output(word: str) -> bool:
    """`$(ssh-agent -s)`, `` `direnv export bash` ``: the whole word is the output of a program that prints
    shell set-up for eval, called with static words."""
    if word.startswith("$(") and word.endswith(")"):
        inner = word[2:-1]
    elif word.startswith("`") and word.endswith("`") and len(word) > 1:
        inner = word[1:-1]
    else:
        return False
    from .lexer import Lexer

    tokens = Lexer(inner, []).run()
    if not tokens or any(t[0] != "w" or t[3] for t in tokens):
        return False
    return is_setup([t[1] for t in tokens])
