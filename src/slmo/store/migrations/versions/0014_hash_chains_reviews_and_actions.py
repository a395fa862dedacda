"""Hash chains, reviews and the improvement register.

- ``hash_chains``: the head (last position and hash) of each chain: ``audit`` and ``periods``;
- ``audit_log`` gains ``seq``, ``prev_hash`` and ``hash`` (``core.model.chain``): the entries
  already there are chained here, in the order of their ids, so the chain starts with the
  first entry ever written;
- ``period_closes``: the final evaluation of each objective over each ended period, once, in
  the ``periods`` chain;
- ``reviews`` of agreements and procedures, and ``improvement_actions``.

The hashes are computed with ``slmo.core.model.chain``, whose format is frozen (a new format
would be a new chain), so this revision gives the same hashes whenever it runs.

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-26
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.chain import AUDIT_CHAIN, CLOSES_CHAIN, GENESIS, audit_content, link_hash

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    # Spelled out here rather than imported from slmo.store.columns, as in 0001.
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands the stored UTC text back naive; PostgreSQL in the session's zone.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _chain_existing_audit() -> tuple[int, str]:
    """Chain the audit entries already stored, oldest id first; the head it leaves."""
    bind = op.get_bind()
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("interface", sa.String()),
        sa.column("action", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("name", sa.String()),
        sa.column("before", _json()),
        sa.column("after", _json()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    seq, prev = 0, GENESIS
    rows = bind.execute(sa.select(audit).order_by(audit.c.id)).all()
    updates: list[dict[str, Any]] = []
    for row in rows:
        seq += 1
        entry = AuditEntry(
            id=row.id,
            at=_utc(row.at),
            actor=row.actor,
            interface=row.interface,
            action=AuditAction(row.action),
            kind=row.kind,
            name=row.name,
            before=row.before,
            after=row.after,
        )
        digest = link_hash(prev, audit_content(entry, seq))
        updates.append({"row_id": row.id, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    if updates:
        bind.execute(
            audit.update()
            .where(audit.c.id == sa.bindparam("row_id"))
            .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            updates,
        )
    return seq, prev


def upgrade() -> None:
    chains = op.create_table(
        "hash_chains",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_hash_chains")),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    seq, head = _chain_existing_audit()
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    op.bulk_insert(
        chains, [{"chain": AUDIT_CHAIN, "seq": seq, "hash": head}, {"chain": CLOSES_CHAIN, "seq": 0, "hash": GENESIS}]
    )
    op.create_table(
        "period_closes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement", sa.String(length=255), nullable=False),
        sa.Column("objective", sa.String(length=255), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_closes")),
        sa.UniqueConstraint(
            "agreement", "objective", "period", name=op.f("uq_period_closes_agreement_objective_period")
        ),
        sa.UniqueConstraint("seq", name=op.f("uq_period_closes_seq")),
    )
    op.create_index(op.f("ix_period_closes_objective"), "period_closes", ["objective"], unique=False)
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_kind", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index(op.f("ix_reviews_subject_kind_subject"), "reviews", ["subject_kind", "subject"], unique=False)
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_actions")),
    )
    op.create_index(op.f("ix_improvement_actions_status"), "improvement_actions", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_improvement_actions_status"), table_name="improvement_actions")
    op.drop_table("improvement_actions")
    op.drop_index(op.f("ix_reviews_subject_kind_subject"), table_name="reviews")
    op.drop_table("reviews")
    op.drop_index(op.f("ix_period_closes_objective"), table_name="period_closes")
    op.drop_table("period_closes")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    op.drop_table("hash_chains")
