"""Online booking: how an appointment was made (``booked_via``), new patients' booking
requests waiting for their e-mail to be verified, waitlist offers, and the public pages'
rate counter (in the core database: the JSON API runs without the web app too).

Revision ID: 0021_online_booking
Revises: 0020_message_templates
Create Date: 2026-12-05 01:45:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0021_online_booking"
down_revision = "0020_message_templates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild): SQLite keeps its double-booking triggers.
    op.add_column("appointments", sa.Column("booked_via", sa.String(length=10),
                                            nullable=False, server_default="staff"))
    op.create_table(
        "online_booking_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'booked', 'taken')",
                           name=op.f("ck_online_booking_requests_status")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name=op.f("fk_online_booking_requests_service_id_services")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["practitioners.id"],
            name=op.f("fk_online_booking_requests_practitioner_id_practitioners")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_online_booking_requests_patient_id_patients")),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"],
            name=op.f("fk_online_booking_requests_appointment_id_appointments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_booking_requests")),
    )
    op.create_index("ix_online_booking_requests_created", "online_booking_requests",
                    ["created_at"])
    op.create_index(op.f("ix_online_booking_requests_patient_id"),
                    "online_booking_requests", ["patient_id"])
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('offered', 'accepted', 'gone', 'expired')",
                           name=op.f("ck_waitlist_offers_status")),
        sa.ForeignKeyConstraint(["entry_id"], ["waitlist.id"],
                                name=op.f("fk_waitlist_offers_entry_id_waitlist")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_waitlist_offers_patient_id_patients")),
        sa.ForeignKeyConstraint(["practitioner_id"], ["practitioners.id"],
                                name=op.f("fk_waitlist_offers_practitioner_id_practitioners")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name=op.f("fk_waitlist_offers_service_id_services")),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"],
                                name=op.f("fk_waitlist_offers_location_id_locations")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_waitlist_offers_appointment_id_appointments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_offers")),
        sa.UniqueConstraint("entry_id", "practitioner_id", "start_at",
                            name=op.f("uq_waitlist_offers_entry_slot")),
    )
    op.create_index("ix_waitlist_offers_slot", "waitlist_offers",
                    ["practitioner_id", "start_at"])
    op.create_index(op.f("ix_waitlist_offers_patient_id"), "waitlist_offers", ["patient_id"])
    op.create_table(
        "public_rate_counters",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_public_rate_counters")),
    )
    op.create_index("ix_public_rate_counters_window", "public_rate_counters",
                    ["window_start"])


def downgrade() -> None:
    op.drop_table("public_rate_counters")
    op.drop_table("waitlist_offers")
    op.drop_table("online_booking_requests")
    # SQLite 3.35+ drops a column in place (a batch rebuild would lose its triggers).
    op.drop_column("appointments", "booked_via")
