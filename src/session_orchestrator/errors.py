"""The CLI's one error hierarchy and its exit codes.

Every command ends in the same place (`cli.finish`): a `CliError` is a problem the user can fix and
its message is printed as it is; a failure of Copier, git or anything else is reduced here to one or
two lines that say what went wrong and what to run next, so no traceback reaches the user unless
they ask for it with `--debug`.
"""

from __future__ import annotations

import re

import git

EXIT_OK, EXIT_FAILED, EXIT_CONFLICTS = 0, 1, 3


class CliError(Exception):
    """A problem the user can fix; the message says what went wrong and the command to run next."""

    code = EXIT_FAILED


def copier_message(exc: BaseException) -> str:
    """Copier's own error text, reduced to the line that says what is wrong."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = re.match(r"Validation error for question '([^']+)': (.*)", text)
    if found:
        return f"{found.group(1)}: {found.group(2)} Change the answer (-d {found.group(1)}=...) and run it again."
    found = re.match(r"Invalid choice for '([^']+)': (.*)", text)
    if found:
        return f"{found.group(1)}: {found.group(2)}. Change the answer and run it again."
    return text


def describe(exc: Exception, next_step: str = "") -> str:
    """One or two lines for any failure: what went wrong, then what to run next (`next_step` when the
    command knows a better one than running again with --debug)."""
    if isinstance(exc, CliError):
        return str(exc)
    from copier.errors import CopierError, TaskError

    again = next_step or "run again with --debug for details"
    if isinstance(exc, TaskError):
        return ("the install step failed (its message is above); fix what it names, then run "
                "'python3 .orchestrator/runtime install'")
    if isinstance(exc, git.GitCommandError):
        detail = (str(exc.stderr or "") or str(exc)).strip().splitlines()[-1:] or [""]
        return f"git failed: {detail[0].strip()}\n{again}"
    if isinstance(exc, (CopierError, ValueError)):
        return copier_message(exc)
    stderr = getattr(exc, "stderr", None)
    if type(exc).__module__.startswith("plumbum") and isinstance(stderr, str) and stderr.strip():
        lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
        first = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1])
        return f"git failed: {first}\ncheck the template URL and the network, or pass --template <local clone>"
    if type(exc).__module__.startswith(("plumbum", "copier")):
        return f"copier failed: {copier_message(exc)}\n{again}"
    return f"{type(exc).__name__}: {exc}\nrun the same command with --debug for the details"


def exit_code(exc: Exception) -> int:
    return exc.code if isinstance(exc, CliError) else EXIT_FAILED
