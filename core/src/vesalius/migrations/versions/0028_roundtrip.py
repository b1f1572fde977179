"""The export round trip and .ics attachments: cases, invoices and payments get the
external id their import keys on (cases from another system; an opening balance's invoice
and credit payment, one per patient), unique where set; outbox messages get a JSON list of
attachments (a confirmation's text/calendar event).

Revision ID: 0028_roundtrip
Revises: 0027_fhir_exports
Create Date: 2026-12-05 04:40:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0028_roundtrip"
down_revision = "0027_fhir_exports"
branch_labels = None
depends_on = None

TABLES = ("cases", "invoices", "payments")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("external_id", sa.String(length=120), nullable=True))
        # Unique where set (NULLs never clash on either engine).
        op.create_index(f"ix_{table}_external_id", table, ["external_id"], unique=True)
    op.add_column("outbox_messages", sa.Column(
        "attachments", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
        nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+): a batch copy would trip the foreign keys.
    op.drop_column("outbox_messages", "attachments")
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_external_id", table_name=table)
        op.drop_column(table, "external_id")
