"""Retention and erasure: the retention policy, the register of destroyed records, erasure
requests; and the signed-record guards let a record be destroyed, and only by the register.

Before this, a signed note, its addenda and the measure results of a note could never be
deleted. Now the database deletes them only while their patient has an ``in-progress``
row in ``record_destructions``, which exists only inside the transaction that destroys a
record past its retention period (the service checks the period first). Updates are
refused exactly as before.

Revision ID: 0008_retention
Revises: 0007
Create Date: 2026-12-04 22:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from vesalius.db.types import UTCDateTime

revision = "0008_retention"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

#: "This patient's record is being destroyed now" (SQL over ``OLD``'s patient).
DESTROYING = ("EXISTS (SELECT 1 FROM record_destructions d WHERE d.patient_id = {patient} "
              "AND d.status = 'in-progress')")
NOTE_PATIENT = "(SELECT n.patient_id FROM notes n WHERE n.id = OLD.note_id)"

SQLITE_UP = [
    "DROP TRIGGER notes_signed_no_delete",
    f"""
    CREATE TRIGGER notes_signed_no_delete BEFORE DELETE ON notes
    WHEN OLD.signed_at IS NOT NULL AND NOT {DESTROYING.format(patient='OLD.patient_id')}
    BEGIN
        SELECT RAISE(ABORT, 'a signed note is never deleted: mark it entered in error');
    END
    """,
    "DROP TRIGGER note_addenda_append_only_delete",
    f"""
    CREATE TRIGGER note_addenda_append_only_delete BEFORE DELETE ON note_addenda
    WHEN NOT {DESTROYING.format(patient=NOTE_PATIENT)}
    BEGIN
        SELECT RAISE(ABORT, 'addenda are append-only');
    END
    """,
    "DROP TRIGGER measure_results_signed_fixed_delete",
    f"""
    CREATE TRIGGER measure_results_signed_fixed_delete BEFORE DELETE ON measure_results
    WHEN OLD.note_id IS NOT NULL AND NOT {DESTROYING.format(patient='OLD.patient_id')}
    BEGIN
        SELECT RAISE(ABORT, 'a measure result of a note is part of the record');
    END
    """,
]

SQLITE_DOWN = [
    "DROP TRIGGER notes_signed_no_delete",
    """
    CREATE TRIGGER notes_signed_no_delete BEFORE DELETE ON notes
    WHEN OLD.signed_at IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a signed note is never deleted: mark it entered in error');
    END
    """,
    "DROP TRIGGER note_addenda_append_only_delete",
    """
    CREATE TRIGGER note_addenda_append_only_delete BEFORE DELETE ON note_addenda
    BEGIN
        SELECT RAISE(ABORT, 'addenda are append-only');
    END
    """,
    "DROP TRIGGER measure_results_signed_fixed_delete",
    """
    CREATE TRIGGER measure_results_signed_fixed_delete BEFORE DELETE ON measure_results
    WHEN OLD.note_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a measure result of a note is part of the record');
    END
    """,
]

# PostgreSQL: the delete half of each guard moves to its own trigger calling one function
# that lets the register's in-progress destruction through; the update half is unchanged.
PG_UP = [
    f"""
    CREATE FUNCTION vesalius_destruction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        owner integer;
    BEGIN
        IF TG_TABLE_NAME = 'note_addenda' THEN
            owner := (SELECT n.patient_id FROM notes n WHERE n.id = OLD.note_id);
        ELSE
            owner := OLD.patient_id;
        END IF;
        IF NOT {DESTROYING.format(patient='owner')} THEN
            RAISE EXCEPTION '% rows of the record are deleted only when it is destroyed',
                TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END $$
    """,
    # notes: the existing guard keeps refusing updates; deletes go to the new function.
    "DROP TRIGGER notes_signed_guard ON notes",
    """
    CREATE TRIGGER notes_signed_guard BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION vesalius_note_guard()
    """,
    """
    CREATE TRIGGER notes_signed_delete_guard BEFORE DELETE ON notes
    FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION vesalius_destruction_guard()
    """,
    "DROP TRIGGER note_addenda_append_only ON note_addenda",
    """
    CREATE TRIGGER note_addenda_append_only BEFORE UPDATE ON note_addenda
    FOR EACH ROW EXECUTE FUNCTION vesalius_append_only()
    """,
    """
    CREATE TRIGGER note_addenda_delete_guard BEFORE DELETE ON note_addenda
    FOR EACH ROW EXECUTE FUNCTION vesalius_destruction_guard()
    """,
    "DROP TRIGGER measure_results_of_notes_fixed ON measure_results",
    """
    CREATE TRIGGER measure_results_of_notes_fixed BEFORE UPDATE ON measure_results
    FOR EACH ROW WHEN (OLD.note_id IS NOT NULL) EXECUTE FUNCTION vesalius_append_only()
    """,
    """
    CREATE TRIGGER measure_results_of_notes_delete_guard BEFORE DELETE ON measure_results
    FOR EACH ROW WHEN (OLD.note_id IS NOT NULL) EXECUTE FUNCTION vesalius_destruction_guard()
    """,
]

PG_DOWN = [
    "DROP TRIGGER notes_signed_delete_guard ON notes",
    "DROP TRIGGER notes_signed_guard ON notes",
    """
    CREATE TRIGGER notes_signed_guard BEFORE UPDATE OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION vesalius_note_guard()
    """,
    "DROP TRIGGER note_addenda_delete_guard ON note_addenda",
    "DROP TRIGGER note_addenda_append_only ON note_addenda",
    """
    CREATE TRIGGER note_addenda_append_only BEFORE UPDATE OR DELETE ON note_addenda
    FOR EACH ROW EXECUTE FUNCTION vesalius_append_only()
    """,
    "DROP TRIGGER measure_results_of_notes_delete_guard ON measure_results",
    "DROP TRIGGER measure_results_of_notes_fixed ON measure_results",
    """
    CREATE TRIGGER measure_results_of_notes_fixed BEFORE UPDATE OR DELETE ON measure_results
    FOR EACH ROW WHEN (OLD.note_id IS NOT NULL) EXECUTE FUNCTION vesalius_append_only()
    """,
    "DROP FUNCTION vesalius_destruction_guard()",
]


def upgrade() -> None:
    op.create_table(
        "retention_policy",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("jurisdiction", sa.String(length=200), nullable=False),
        sa.Column("adult_years", sa.Integer(), nullable=False),
        sa.Column("majority_age", sa.Integer(), nullable=False),
        sa.Column("minor_years_after_majority", sa.Integer(), nullable=False),
        sa.Column("minor_years_after_contact", sa.Integer(), nullable=False),
        sa.Column("financial_years", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_retention_policy_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_policy")),
    )
    op.create_table(
        "record_destructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("destroyed_at", UTCDateTime(), nullable=False),
        sa.Column("destroyed_by", sa.Integer(), nullable=True),
        sa.Column("last_contact", sa.Date(), nullable=False),
        sa.Column("retained_until", sa.Date(), nullable=False),
        sa.Column("policy", JSON, nullable=False),
        sa.Column("removed", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_destructions")),
    )
    op.create_index("ix_record_destructions_patient_status", "record_destructions",
                    ["patient_id", "status"])
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("processed_by", sa.Integer(), nullable=True),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("refusal_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    op.create_index("ix_erasure_requests_patient", "erasure_requests", ["patient_id"])
    op.create_index("ix_erasure_requests_status", "erasure_requests",
                    ["status", "requested_at"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else PG_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else PG_DOWN:
        op.execute(statement)
    op.drop_table("erasure_requests")
    op.drop_table("record_destructions")
    op.drop_table("retention_policy")
