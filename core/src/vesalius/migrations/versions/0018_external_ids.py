"""External ids: the id a patient or an appointment had in the system a clinic imported it
from, unique, so that importing the same file again updates instead of duplicating.

Revision ID: 0018_external_ids
Revises: 0017_calendar_feeds
Create Date: 2026-12-05 01:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_external_ids"
down_revision = "0017_calendar_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("patients", "appointments"):
        op.add_column(table, sa.Column("external_id", sa.String(length=100), nullable=True))
        # Unique where set (NULLs never clash on either engine).
        op.create_index(f"ix_{table}_external_id", table, ["external_id"], unique=True)


def downgrade() -> None:
    for table in ("appointments", "patients"):
        op.drop_index(f"ix_{table}_external_id", table_name=table)
        # Plain ALTER TABLE (SQLite 3.35+): a batch copy would trip the foreign keys.
        op.drop_column(table, "external_id")
