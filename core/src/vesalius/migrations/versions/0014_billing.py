"""Billing: a claim's history (status changes, payer answers, notes) and the reason of a
price override or discount on an invoice line.

Revision ID: 0014_billing
Revises: 0013_booking_rules
Create Date: 2026-12-04 23:30:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import Money, UTCDateTime

revision = "0014_billing"
down_revision = "0013_booking_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=True),
        sa.Column("payer_reference", sa.String(length=80), nullable=True),
        sa.Column("paid_amount", Money(), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_claim_events_claim_id_claims")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_claim_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_events")),
    )
    op.create_index("ix_claim_events_claim_id", "claim_events", ["claim_id"])
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("price_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_column("price_reason")
    op.drop_index("ix_claim_events_claim_id", table_name="claim_events")
    op.drop_table("claim_events")
