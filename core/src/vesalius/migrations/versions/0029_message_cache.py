"""Cache counters of the message settings and the clinic's message templates.

A booking queues its patient's confirmation and reminders with the clinic's reminder
schedule and wording: each worker now keeps them in memory (``vesalius.services.cache``)
and the counters say when a change (through any worker, psql or a migration) makes its copy
old. A booking reads the counters in the statement that loads its practitioner and patient.

Revision ID: 0029_message_cache
Revises: 0028_roundtrip
Create Date: 2026-12-05 07:40:00
"""
from vesalius.migrations.counters import count_writes, stop_counting

revision = "0029_message_cache"
down_revision = "0028_roundtrip"
branch_labels = None
depends_on = None

TABLES = ("message_settings", "message_templates")


def upgrade() -> None:
    count_writes(TABLES)


def downgrade() -> None:
    # The counter rows stay, as the web's downgrade leaves its own (an upgrade again finds
    # them): a worker of this revision ignores counters of tables it does not cache.
    stop_counting(TABLES)
