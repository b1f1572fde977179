"""Booking rules: what a booking outside the practitioner's working hours does.

Revision ID: 0013_booking_rules
Revises: 0012_audit_chain
Create Date: 2026-12-04 23:00:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0013_booking_rules"
down_revision = "0012_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outside_hours", sa.String(length=10), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_booking_rules_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_rules")),
    )


def downgrade() -> None:
    op.drop_table("booking_rules")
