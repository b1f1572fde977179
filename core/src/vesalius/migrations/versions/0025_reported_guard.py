"""A signed note's intake record (``notes.reported``: which answers the patient reported,
and when) is part of the signed note, like its copy-forward record (0005): fixed by the
database once the note is signed.

Revision ID: 0025_reported_guard
Revises: 0024_packages
Create Date: 2026-12-05 04:40:00
"""
from alembic import op

revision = "0025_reported_guard"
down_revision = "0024_packages"
branch_labels = None
depends_on = None

MESSAGE = "a signed note cannot be changed: add an addendum"
SQLITE_GUARD = f"""
CREATE TRIGGER notes_signed_reported_fixed BEFORE UPDATE ON notes
WHEN OLD.signed_at IS NOT NULL AND NEW.reported IS NOT OLD.reported
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""
POSTGRES_GUARD = (
    f"""
    CREATE FUNCTION vesalius_note_reported_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.signed_at IS NOT NULL AND NEW.reported IS DISTINCT FROM OLD.reported THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER notes_signed_reported_guard BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION vesalius_note_reported_guard()
    """,
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_GUARD:
            op.execute(statement)
    else:
        op.execute(SQLITE_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notes_signed_reported_guard ON notes")
        op.execute("DROP FUNCTION IF EXISTS vesalius_note_reported_guard()")
    else:
        op.execute("DROP TRIGGER IF EXISTS notes_signed_reported_fixed")
