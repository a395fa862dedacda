"""`slmo user create|list|disable|password`: the people who sign in to the web UI.

Passwords are asked twice at a hidden prompt, or read from the first line of standard input
with ``--password-stdin`` (for scripts: ``printf '%s\\n' "$PASS" | slmo user create ...``);
never taken as an option, where they would land in the shell's history and in ``ps``.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.auth import Role
from slmo.errors import Problem, SpecError

user_app = typer.Typer(help="Web UI users: create, list, disable, change a password.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of standard input (for scripts)."),
]


def _password(c: CliContext, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    first = getpass.getpass(c.t("cli.user_password_prompt") + " ")
    second = getpass.getpass(c.t("cli.user_password_again") + " ")
    if first != second:
        raise SpecError([Problem(None, "password", "the two passwords differ", key="user.passwords_differ")])
    return first


@user_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user's sign-in name (letters, digits, . _ @ -; lower case).")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(r.value for r in Role)}.")],
    party: Annotated[
        str | None, typer.Option("--party", help="The party of a customer or owner (required for them).")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user who signs in to the web UI with a password (at least 12 characters)."""
    c = context(ctx)
    user = c.slmo.users.create(name, role, _password(c, password_stdin), c.actor, party=party)
    c.console.print(c.t("cli.user_created", name=user.name, role=user.role.value), highlight=False)


@user_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """Every user: name, role, party, created, password changed, disabled (never a password)."""
    c = context(ctx)
    table = Table(header_style="bold")
    for header in ("name", "role", "party", "created", "password", "disabled"):
        table.add_column(c.t(f"column.user_{header}"))
    for u in c.slmo.users.list():
        table.add_row(
            u.name,
            u.role.value,
            u.party or "",
            u.created_at.isoformat(timespec="seconds"),
            u.password_changed_at.isoformat(timespec="seconds"),
            "" if u.disabled_at is None else u.disabled_at.isoformat(timespec="seconds"),
        )
    c.console.print(table)


@user_app.command("disable")
def disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The user to disable.")]) -> None:
    """Disable a user at once and end their sessions; the user is kept for the audit log."""
    c = context(ctx)
    user, ended = c.slmo.users.disable(name, c.actor)
    c.console.print(c.t("cli.user_disabled", name=user.name, sessions=ended), highlight=False)


@user_app.command("password")
def password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user whose password changes.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password; every session of the user ends."""
    c = context(ctx)
    c.slmo.users.get(name)  # an unknown user is said before the password is asked
    user, ended = c.slmo.users.set_password(name, _password(c, password_stdin), c.actor)
    c.console.print(c.t("cli.user_password_changed", name=user.name, sessions=ended), highlight=False)
