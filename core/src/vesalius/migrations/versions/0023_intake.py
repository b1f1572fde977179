"""Intake before a visit: requests sent to patients, clinic-loaded wording of licensed
measures, a note's "reported by the patient" marks and a measure result's source.

Revision ID: 0023_intake
Revises: 0022_portal_window
Create Date: 2026-12-05 02:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from vesalius.db.types import UTCDateTime

revision = "0023_intake"
down_revision = "0022_portal_window"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "intake_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=128), nullable=True),
        sa.Column("template_version", sa.Integer(), nullable=True),
        sa.Column("sections", JSON, nullable=False),
        sa.Column("measures", JSON, nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("result_ids", JSON, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('sent', 'submitted', 'cancelled')",
                           name=op.f("ck_intake_requests_status")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_intake_requests_patient_id_patients")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_intake_requests_appointment_id_appointments")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_intake_requests_case_id_cases")),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"],
                                name=op.f("fk_intake_requests_note_id_notes")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_intake_requests_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_requests")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_intake_requests_token_sha256")),
    )
    op.create_index(op.f("ix_intake_requests_patient_id"), "intake_requests", ["patient_id"])
    op.create_index(op.f("ix_intake_requests_appointment_id"), "intake_requests",
                    ["appointment_id"])
    op.create_table(
        "measure_wordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("measure_version", sa.String(length=32), nullable=False),
        sa.Column("licence_holder", sa.String(length=200), nullable=False),
        sa.Column("licence_reference", sa.String(length=200), nullable=False),
        sa.Column("licensed_on", sa.Date(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("items", JSON, nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_measure_wordings_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_wordings")),
        sa.UniqueConstraint("measure_id", name=op.f("uq_measure_wordings_measure_id")),
    )
    # Plain ADD COLUMNs, never a batch copy: the notes table keeps its signed-note triggers.
    op.add_column("notes", sa.Column("reported", JSON, nullable=False,
                                     server_default=sa.text("'{}'")))
    op.add_column("measure_results", sa.Column("source", sa.String(length=12), nullable=False,
                                               server_default=sa.text("'clinic'")))


def downgrade() -> None:
    # In place (SQLite >= 3.35 drops a column without copying the table; triggers kept).
    for table, column in (("measure_results", "source"), ("notes", "reported")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table("measure_wordings")
    op.drop_table("intake_requests")
