"""The negotiation record: one row per step taken on an agreement version (drafted, proposed,
countered, commented, approved, activated, superseded, retired, recorded), with who took it
for which party, through which interface, when, and the comment. ``seq`` numbers the steps of
one agreement and is unique with it, so that two steps taken at once on one agreement cannot
both be recorded.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "negotiation_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement", sa.String(length=255), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("interface", sa.String(length=32), nullable=False),
        sa.Column("party", sa.String(length=255), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("related", sa.Integer(), nullable=True),
        sa.Column("signatory", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_steps")),
        sa.UniqueConstraint("agreement", "seq", name=op.f("uq_negotiation_steps_agreement_seq")),
    )
    op.create_index(
        op.f("ix_negotiation_steps_agreement_version"), "negotiation_steps", ["agreement", "version"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_negotiation_steps_agreement_version"), table_name="negotiation_steps")
    op.drop_table("negotiation_steps")
