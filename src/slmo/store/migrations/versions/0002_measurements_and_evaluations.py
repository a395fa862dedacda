"""Measurements in chunks (buckets and samples), incidents, and evaluation records.

A chunk row holds one indicator's buckets of one UTC day from one source, packed into byte
strings (``slmo.store.chunks``). On PostgreSQL those columns are stored out of line without
compression (``STORAGE EXTERNAL``): the counts hardly compress, and compressing them cost
more than twice the time of writing and reading them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PACKED = {"bucket_chunks": ("good", "total"), "sample_chunks": ("sample_values",)}


def _json() -> sa.types.TypeEngine[Any]:
    # Spelled out here rather than imported from slmo.store.columns, as in 0001.
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _chunk_table(name: str, *packed: str) -> None:
    op.create_table(
        name,
        sa.Column("indicator", sa.String(length=255), nullable=False),
        sa.Column("chunk_start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("bucket_seconds", sa.Integer(), nullable=False),
        *(sa.Column(column, sa.LargeBinary(), nullable=False) for column in packed),
        sa.PrimaryKeyConstraint("indicator", "chunk_start", "source", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    for name, packed in _PACKED.items():
        _chunk_table(name, *packed)
    if op.get_bind().dialect.name == "postgresql":
        for name, packed in _PACKED.items():
            storage = ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTERNAL" for column in packed)
            op.execute(f"ALTER TABLE {name} {storage}")
    op.create_table(
        "incidents",
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("service", sa.String(length=255), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source", "id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_service_start"), "incidents", ["service", "start"], unique=False)
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement", sa.String(length=255), nullable=False),
        sa.Column("objective", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=255), nullable=True),
        sa.Column("indicator", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attainment", sa.Float(), nullable=True),
        sa.Column("budget_left", sa.Float(), nullable=True),
        sa.Column("document", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("agreement", "objective", "at", name=op.f("uq_evaluations_agreement_objective_at")),
    )
    op.create_index(op.f("ix_evaluations_objective_at"), "evaluations", ["objective", "at"], unique=False)
    op.create_index(op.f("ix_evaluations_at"), "evaluations", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evaluations_at"), table_name="evaluations")
    op.drop_index(op.f("ix_evaluations_objective_at"), table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_index(op.f("ix_incidents_service_start"), table_name="incidents")
    op.drop_table("incidents")
    for name in reversed(_PACKED):
        op.drop_table(name)
