"""Cache counters of the message settings, the clinic's message templates and its booking
rules.

A booking queues its patient's confirmation and reminders with the clinic's reminder
schedule and wording, and one over the API asks the rule for bookings outside working hours:
each worker now keeps them in memory (``vesalius.services.cache``) and the counters say
when a change (through any worker, psql or a migration) makes its copy old. A booking reads
the counters in the statement that loads its practitioner and patient.

Revision ID: 0030_settings_cache
Revises: 0029_backup_claims
Create Date: 2026-12-05 07:40:00
"""
from vesalius.migrations.counters import count_writes, stop_counting

revision = "0030_settings_cache"
down_revision = "0029_backup_claims"
branch_labels = None
depends_on = None

TABLES = ("message_settings", "message_templates", "booking_rules")


def upgrade() -> None:
    count_writes(TABLES)


def downgrade() -> None:
    # The counter rows stay, as the web's downgrade leaves its own (an upgrade again finds
    # them): a worker of this revision ignores counters of tables it does not cache.
    stop_counting(TABLES)
