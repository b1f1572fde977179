"""The outbox: messages to patients queued with the change that caused them, sent by the
worker.

Revision ID: 0016_outbox
Revises: 0015_search_indexes
Create Date: 2026-12-05 01:40:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0016_outbox"
down_revision = "0015_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("send_after", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'sms')",
                           name=op.f("ck_outbox_messages_channel")),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')",
                           name=op.f("ck_outbox_messages_status")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_outbox_messages_patient_id_patients")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_outbox_messages_appointment_id_appointments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    op.create_index("ix_outbox_messages_status_send_after", "outbox_messages",
                    ["status", "send_after"])
    op.create_index(op.f("ix_outbox_messages_patient_id"), "outbox_messages", ["patient_id"])
    op.create_index(op.f("ix_outbox_messages_appointment_id"), "outbox_messages",
                    ["appointment_id"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
