"""Private calendar feeds (iCalendar) of a practitioner's appointments, by revocable token.

Revision ID: 0017_calendar_feeds
Revises: 0016_outbox
Create Date: 2026-12-05 01:30:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0017_calendar_feeds"
down_revision = "0016_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["practitioner_id"], ["practitioners.id"],
                                name=op.f("fk_calendar_feeds_practitioner_id_practitioners")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_calendar_feeds_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_index(op.f("ix_calendar_feeds_practitioner_id"), "calendar_feeds",
                    ["practitioner_id"])


def downgrade() -> None:
    op.drop_table("calendar_feeds")
