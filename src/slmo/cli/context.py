"""What every command gets: settings, a lazily connected handle, the language, the console."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field

import typer
from rich.console import Console

from slmo.bootstrap import Slmo, connect
from slmo.core.model.audit import Actor
from slmo.i18n import gettext
from slmo.settings import Settings


@dataclass
class CliContext:
    settings: Settings
    console: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    _slmo: Slmo | None = None

    @property
    def lang(self) -> str:
        return self.settings.lang

    def t(self, key: str, **args: object) -> str:
        return gettext(key, self.lang, **args)

    @property
    def slmo(self) -> Slmo:
        if self._slmo is None:
            self._slmo = connect(self.settings)
        return self._slmo

    @property
    def actor(self) -> Actor:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return Actor(name=user, interface="cli")

    def close(self) -> None:
        if self._slmo is not None:
            self._slmo.close()
            self._slmo = None


def context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj


def instant(ctx: typer.Context, text: str, option: str) -> dt.datetime:
    """An option's instant: ISO 8601 with an offset (``Z`` accepted); anything else is a usage error."""
    c = context(ctx)
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(c.t("cli.bad_instant", value=text), param_hint=option) from None
    if value.utcoffset() is None:
        raise typer.BadParameter(c.t("cli.naive_instant", value=text), param_hint=option)
    return value


def optional_instant(ctx: typer.Context, text: str | None, option: str = "--at") -> dt.datetime | None:
    return None if text is None else instant(ctx, text, option)
