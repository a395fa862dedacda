"""Alembic's environment for slmo's schema.

Two ways in:
- from code (``slmo.store.engine.upgrade``/``check``): a connection arrives in
  ``config.attributes["connection"]`` and is used as it is, inside the caller's transaction;
- from the ``alembic`` command, for developers: ``alembic -c src/slmo/store/migrations/alembic.ini
  upgrade head`` with the URL in ``-x url=...`` or ``SLMO_DATABASE_URL``.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

import slmo.store.auth  # noqa: F401 - registers the api_tokens table on Base.metadata
from slmo.store.alerts import AlertRow  # noqa: F401 - registers the alerts and notifications tables on Base.metadata
from slmo.store.chains import ChainHeadRow  # noqa: F401 - registers the hash_chains table on Base.metadata
from slmo.store.claims import ClaimRow  # noqa: F401 - registers the supplier_claims table on Base.metadata
from slmo.store.columns import UtcDateTime
from slmo.store.engine import make_engine
from slmo.store.jobs import JobRow  # noqa: F401 - registers the jobs table on Base.metadata
from slmo.store.ledger import CreditRow  # noqa: F401 - registers the credits and service_costs tables
from slmo.store.negotiation import NegotiationStepRow  # noqa: F401 - registers the negotiation_steps table
from slmo.store.period_closes import PeriodCloseRow  # noqa: F401 - registers the period_closes table
from slmo.store.probes import ProbeResultRow  # noqa: F401 - registers the probe_results table on Base.metadata
from slmo.store.proposals import ProposalRow  # noqa: F401 - registers the proposals table on Base.metadata
from slmo.store.reviews import ActionRow, ReviewRow  # noqa: F401 - registers the reviews and improvement_actions tables
from slmo.store.schema import Base
from slmo.store.tickets import TicketRow  # noqa: F401 - registers the tickets table on Base.metadata

config = context.config
target_metadata = Base.metadata

# Only the alembic command has a file; code calling slmo configures its own logging.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("SLMO_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise SystemExit("no database URL: pass -x url=... or set SLMO_DATABASE_URL")
    return url


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write slmo's own column types as plain SQLAlchemy ones in new revisions, so a
    revision keeps working when ``slmo.store.columns`` changes later."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        **options,
    )


def run_offline() -> None:
    url = _url()
    _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def _run_with(connection: Connection) -> None:
    # SQLite cannot ALTER most of a table; batch mode rebuilds it instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as own:
            _run_with(own)
            own.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
