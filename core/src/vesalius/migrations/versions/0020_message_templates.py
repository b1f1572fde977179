"""Message templates and settings: the clinic's own words for each message kind (per
language and part) and its reminder schedule and default language.

Revision ID: 0020_message_templates
Revises: 0019_x12
Create Date: 2026-12-05 02:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from vesalius.db.types import UTCDateTime

revision = "0020_message_templates"
down_revision = "0019_x12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("part IN ('subject', 'text', 'sms')",
                           name=op.f("ck_message_templates_part")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_message_templates_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("kind", "language", "part",
                            name=op.f("uq_message_templates_kind_language_part")),
    )
    op.create_table(
        "message_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_minutes",
                  sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("default_language", sa.String(length=20), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_message_settings_single_row")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_message_settings_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_settings")),
    )


def downgrade() -> None:
    op.drop_table("message_settings")
    op.drop_table("message_templates")
