"""Backup claims: each due time of the backup schedule is claimed by one worker (a row per
due time, unique), so that several workers on one database take one backup per due time.

Revision ID: 0029_backup_claims
Revises: 0028_roundtrip
Create Date: 2026-12-05 07:50:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0029_backup_claims"
down_revision = "0028_roundtrip"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("renewed_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_claims")),
        sa.UniqueConstraint("due_at", name=op.f("uq_backup_claims_due_at")),
    )


def downgrade() -> None:
    op.drop_table("backup_claims")
