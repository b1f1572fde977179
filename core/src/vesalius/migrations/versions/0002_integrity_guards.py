"""Integrity guards the database enforces by itself.

- No double booking: an appointment that holds time (not cancelled, late-cancelled or
  no-show) may not overlap another such appointment of the same practitioner, nor of the
  same room. PostgreSQL: exclusion constraints over half-open ``tstzrange``s (btree_gist).
  SQLite: BEFORE INSERT/UPDATE triggers; SQLite serialises writers, so the check inside the
  write statement is race-free.
- Appointments run forwards and last at most 24 hours (which also bounds the overlap scan).
- A signed note's content never changes and a signed note is never deleted; the only change
  allowed is marking it entered-in-error. Addenda, measure results of signed notes and the
  audit log are append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:00:00
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FREED = "('cancelled', 'late-cancelled', 'no-show')"

# Columns of a note that are fixed once it is signed.
NOTE_FIXED = (
    "patient_id", "case_id", "appointment_id", "author_id", "practitioner_id", "template_id",
    "template_version", "pack", "pack_version", "date_of_service", "document", "created_at",
    "signed_at", "signed_by", "content_sha256", "rendered",
)

SQLITE = [
    # -- appointments ------------------------------------------------------------------
    f"""
    CREATE TRIGGER appointments_guard_insert BEFORE INSERT ON appointments
    BEGIN
        SELECT RAISE(ABORT, 'appointment must end after it starts and last at most 24 hours')
        WHERE NEW.end_at <= NEW.start_at
           OR julianday(NEW.end_at) - julianday(NEW.start_at) > 1.0;
        SELECT RAISE(ABORT, 'appointment overlaps another booking of this practitioner')
        WHERE NEW.status NOT IN {FREED} AND EXISTS (
            SELECT 1 FROM appointments a
            WHERE a.practitioner_id = NEW.practitioner_id
              AND a.start_at >= datetime(NEW.start_at, '-25 hours')
              AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
              AND a.status NOT IN {FREED});
        SELECT RAISE(ABORT, 'appointment overlaps another booking of this room')
        WHERE NEW.room_id IS NOT NULL AND NEW.status NOT IN {FREED} AND EXISTS (
            SELECT 1 FROM appointments a
            WHERE a.room_id = NEW.room_id
              AND a.start_at >= datetime(NEW.start_at, '-25 hours')
              AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
              AND a.status NOT IN {FREED});
    END
    """,
    f"""
    CREATE TRIGGER appointments_guard_update
    BEFORE UPDATE OF start_at, end_at, status, practitioner_id, room_id ON appointments
    BEGIN
        SELECT RAISE(ABORT, 'appointment must end after it starts and last at most 24 hours')
        WHERE NEW.end_at <= NEW.start_at
           OR julianday(NEW.end_at) - julianday(NEW.start_at) > 1.0;
        SELECT RAISE(ABORT, 'appointment overlaps another booking of this practitioner')
        WHERE NEW.status NOT IN {FREED} AND EXISTS (
            SELECT 1 FROM appointments a
            WHERE a.practitioner_id = NEW.practitioner_id AND a.id != NEW.id
              AND a.start_at >= datetime(NEW.start_at, '-25 hours')
              AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
              AND a.status NOT IN {FREED});
        SELECT RAISE(ABORT, 'appointment overlaps another booking of this room')
        WHERE NEW.room_id IS NOT NULL AND NEW.status NOT IN {FREED} AND EXISTS (
            SELECT 1 FROM appointments a
            WHERE a.room_id = NEW.room_id AND a.id != NEW.id
              AND a.start_at >= datetime(NEW.start_at, '-25 hours')
              AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
              AND a.status NOT IN {FREED});
    END
    """,
    # -- notes -------------------------------------------------------------------------
    """
    CREATE TRIGGER notes_signed_no_update BEFORE UPDATE ON notes
    WHEN OLD.signed_at IS NOT NULL AND (
        {changed}
        OR NEW.status NOT IN ('signed', 'entered-in-error')
        OR (OLD.status = 'entered-in-error' AND NEW.status != 'entered-in-error'))
    BEGIN
        SELECT RAISE(ABORT, 'a signed note cannot be changed: add an addendum');
    END
    """.format(changed=" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in NOTE_FIXED)),
    """
    CREATE TRIGGER notes_signed_no_delete BEFORE DELETE ON notes
    WHEN OLD.signed_at IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a signed note is never deleted: mark it entered in error');
    END
    """,
    # -- append-only tables --------------------------------------------------------------
    *[
        f"""
        CREATE TRIGGER {table}_append_only_{op_name.lower()} BEFORE {op_name} ON {table}
        BEGIN
            SELECT RAISE(ABORT, '{what} are append-only');
        END
        """
        for table, what in (("note_addenda", "addenda"), ("audit_events", "audit events"))
        for op_name in ("UPDATE", "DELETE")
    ],
    """
    CREATE TRIGGER measure_results_signed_fixed_update BEFORE UPDATE ON measure_results
    WHEN OLD.note_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a measure result of a note is part of the record');
    END
    """,
    """
    CREATE TRIGGER measure_results_signed_fixed_delete BEFORE DELETE ON measure_results
    WHEN OLD.note_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a measure result of a note is part of the record');
    END
    """,
]


POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""
    ALTER TABLE appointments ADD CONSTRAINT ck_appointments_forward_24h
    CHECK (end_at > start_at AND end_at - start_at <= interval '24 hours')
    """,
    f"""
    ALTER TABLE appointments ADD CONSTRAINT ex_appointments_practitioner_overlap
    EXCLUDE USING gist (practitioner_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
    WHERE (status NOT IN {FREED})
    """,
    f"""
    ALTER TABLE appointments ADD CONSTRAINT ex_appointments_room_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
    WHERE (room_id IS NOT NULL AND status NOT IN {FREED})
    """,
    """
    CREATE FUNCTION vesalius_note_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.signed_at IS NOT NULL THEN
                RAISE EXCEPTION 'a signed note is never deleted: mark it entered in error'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.signed_at IS NOT NULL AND (
            {changed}
            OR NEW.status NOT IN ('signed', 'entered-in-error')
            OR (OLD.status = 'entered-in-error' AND NEW.status <> 'entered-in-error'))
        THEN
            RAISE EXCEPTION 'a signed note cannot be changed: add an addendum'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """.replace("{changed}", " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}"
                                            for c in NOTE_FIXED)),
    """
    CREATE TRIGGER notes_signed_guard BEFORE UPDATE OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION vesalius_note_guard()
    """,
    """
    CREATE FUNCTION vesalius_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE TRIGGER note_addenda_append_only BEFORE UPDATE OR DELETE ON note_addenda
    FOR EACH ROW EXECUTE FUNCTION vesalius_append_only()
    """,
    """
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION vesalius_append_only()
    """,
    """
    CREATE TRIGGER measure_results_of_notes_fixed BEFORE UPDATE OR DELETE ON measure_results
    FOR EACH ROW WHEN (OLD.note_id IS NOT NULL) EXECUTE FUNCTION vesalius_append_only()
    """,
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(dialect)
    if statements is None:
        raise RuntimeError(f"Vesalius supports SQLite and PostgreSQL, not {dialect}")
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in (
            "appointments_guard_insert", "appointments_guard_update", "notes_signed_no_update",
            "notes_signed_no_delete", "note_addenda_append_only_update",
            "note_addenda_append_only_delete", "audit_events_append_only_update",
            "audit_events_append_only_delete", "measure_results_signed_fixed_update",
            "measure_results_signed_fixed_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for trigger, table in (
        ("notes_signed_guard", "notes"), ("note_addenda_append_only", "note_addenda"),
        ("audit_events_append_only", "audit_events"),
        ("measure_results_of_notes_fixed", "measure_results"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS vesalius_note_guard()")
    op.execute("DROP FUNCTION IF EXISTS vesalius_append_only()")
    for name in ("ex_appointments_practitioner_overlap", "ex_appointments_room_overlap",
                 "ck_appointments_forward_24h"):
        op.execute(f"ALTER TABLE appointments DROP CONSTRAINT IF EXISTS {name}")
