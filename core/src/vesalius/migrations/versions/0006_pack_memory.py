"""The clinic's memory of the packs it has run with (newcomers lose id conflicts).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04 19:30:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pack_memory",
        sa.Column("pack", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("distribution", sa.String(length=200), nullable=True),
        sa.Column("first_enabled_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pack", name=op.f("pk_pack_memory")),
    )


def downgrade() -> None:
    op.drop_table("pack_memory")
