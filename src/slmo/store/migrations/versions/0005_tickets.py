"""Service-desk tickets: one row per ticket, its status history in the document.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("service", sa.String(length=255), nullable=True),
        sa.Column("opened", sa.BigInteger(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    op.create_index(op.f("ix_tickets_service_opened"), "tickets", ["service", "opened"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tickets_service_opened"), table_name="tickets")
    op.drop_table("tickets")
