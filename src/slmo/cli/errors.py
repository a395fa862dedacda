"""The one place where slmo's errors become messages and exit codes.

| exit | meaning                                                   |
|------|-----------------------------------------------------------|
| 0    | success                                                   |
| 1    | an unexpected failure (a bug: please report it)           |
| 2    | invalid input: documents, measurements, command arguments |
| 3    | configuration: settings, database URL                     |
| 4    | a named object does not exist                             |
| 5    | a conflict with what is stored                            |
| 6    | the database failed or its schema is not current          |
| 7    | permission denied                                         |
| 8    | a metrics source (Prometheus ...) could not be read       |
| 9    | a tamper-evident record does not verify (`audit verify`)  |
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

from slmo.errors import IngestError, Problem, SlmoError, SpecError
from slmo.i18n import gettext

_SUGGESTION = re.compile(r"did you mean '([^']*)'")


def render_problem(problem: Problem, lang: str) -> str:
    """A problem in the user's language; English when the catalogue has no such message."""
    message = problem.message
    if lang != "en":
        args = dict(problem.args)
        # Hints are built in English next to the problem ("; did you mean 'x'?"); say them in
        # the user's language too.
        suggestion = _SUGGESTION.search(str(args.get("hint", "")))
        if suggestion:
            args["hint"] = gettext("cli.did_you_mean_hint", lang, word=suggestion.group(1))
        translated = gettext(f"problem.{problem.key}", lang, **args)
        if not translated.startswith("["):
            message = translated
    prefix = f"{problem.location}: " if problem.location else ""
    name = f"{problem.field}: " if problem.field else ""
    return f"{prefix}{name}{message}"


def report(error: SlmoError, console: Console, lang: str) -> int:
    if isinstance(error, SpecError | IngestError):
        for problem in error.problems:
            console.print(escape(render_problem(problem, lang)), style="red", highlight=False, soft_wrap=True)
        count = len(error.problems)
        console.print(gettext("cli.problems_found", lang, count=count), style="bold red", highlight=False)
    else:
        message = gettext(error.key, lang, **error.args_for_translation) if lang != "en" else error.message
        if message.startswith("["):
            message = error.message
        console.print(f"{gettext('cli.error', lang)}: {escape(message)}", style="red", highlight=False, soft_wrap=True)
    return error.exit_code
