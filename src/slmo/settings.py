"""Typed settings, built once at start-up from flags, the environment and defaults (flags win).

| setting       | flag     | environment          | default                                          |
|---------------|----------|----------------------|--------------------------------------------------|
| database_url  | --db     | SLMO_DATABASE_URL    | SQLite file ``slmo.db`` in the user data folder  |
| lang          | --lang   | SLMO_LANG            | ``en``                                           |
| migrate       |          | SLMO_MIGRATE         | ``true``: bring the schema to head at connect    |
| public_url    |          | SLMO_PUBLIC_URL      | ``http://localhost:8000``: links in notifications |
| notify_email_url |       | SLMO_NOTIFY_EMAIL_URL | none: an apprise ``mailto://`` URL (SMTP server, ``from``) for contacts' e-mail |

``slmo serve`` also reads ``SLMO_SCHEDULER`` (``true``: run the scheduled jobs in the server)
and ``SLMO_LEASE_SECONDS`` (how long a job stays leased to a worker that stopped answering).

The user data folder is ``$XDG_DATA_HOME/slmo`` (``~/.local/share/slmo`` when unset) on
Linux and macOS, ``%LOCALAPPDATA%\\slmo`` on Windows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slmo.errors import ConfigurationError
from slmo.i18n import normalise_lang

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


DEFAULT_PUBLIC_URL = "http://localhost:8000"


@dataclass(frozen=True)
class Settings:
    database_url: str
    lang: str = "en"
    migrate: bool = True
    # Where people reach slmo: the links in notifications start with it.
    public_url: str = DEFAULT_PUBLIC_URL
    # The apprise mailto:// URL (SMTP server and sender) through which contacts that give an
    # e-mail address are told; without it they are told through their channels only.
    notify_email_url: str | None = None


def env_flag(name: str, *, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """A true/false environment variable, refused with a clear error when it is neither."""
    env = os.environ if environ is None else environ
    text = env.get(name, "true" if default else "false").strip().lower()
    if text not in _TRUE | _FALSE:
        raise ConfigurationError(
            f"{name}: {text!r} is not true or false", key="error.setting_bool", name=name, value=text
        )
    return text in _TRUE


def data_dir(environ: Mapping[str, str]) -> Path:
    if os.name == "nt" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "slmo"
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "slmo"


def default_database_url(environ: Mapping[str, str]) -> str:
    return f"sqlite:///{data_dir(environ) / 'slmo.db'}"


def load_settings(
    *, database_url: str | None = None, lang: str | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if environ is None else environ
    url = database_url or env.get("SLMO_DATABASE_URL") or default_database_url(env)
    if "://" not in url:
        # A bare path is taken as a SQLite file: `--db ./team.db`.
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    migrate = env_flag("SLMO_MIGRATE", default=True, environ=env)
    chosen_lang = lang or env.get("SLMO_LANG") or "en"
    if normalise_lang(chosen_lang) != chosen_lang.split(".")[0].split("_")[0].lower():
        raise ConfigurationError(
            f"language {chosen_lang!r} is not supported; use en or ar", key="error.language", value=chosen_lang
        )
    return Settings(
        database_url=url,
        lang=normalise_lang(chosen_lang),
        migrate=migrate,
        public_url=(env.get("SLMO_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
        notify_email_url=env.get("SLMO_NOTIFY_EMAIL_URL") or None,
    )
