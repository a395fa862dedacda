"""Incidents carry a cause (``network``, ``change``...), by which the improvement
opportunities group the budget spent during incidents; existing incidents have none.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch_alter_table: SQLite alters a table by copying it; PostgreSQL adds the column in place.
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("cause", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("cause")
