"""Daily charting: a service's default note templates per visit kind, and a note's
copy-forward source and the carried paths still as copied.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:40:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
#: A signed note's copy-forward record is part of it, like the columns 0002 guards.
GUARDED = ("copied_from_id", "carried")
MESSAGE = "a signed note cannot be changed: add an addendum"
SQLITE_GUARD = f"""
CREATE TRIGGER notes_signed_copy_fixed BEFORE UPDATE ON notes
WHEN OLD.signed_at IS NOT NULL AND ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED)})
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""
POSTGRES_GUARD = (
    f"""
    CREATE FUNCTION vesalius_note_copy_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.signed_at IS NOT NULL AND (
            {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in GUARDED)})
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER notes_signed_copy_guard BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION vesalius_note_copy_guard()
    """,
)


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch copy: the notes table keeps its rows and its
    # signed-note triggers (migration 0002).
    op.add_column("services", sa.Column("initial_template_id", sa.String(length=128),
                                        nullable=True))
    op.add_column("services", sa.Column("follow_up_template_id", sa.String(length=128),
                                        nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("notes", sa.Column("copied_from_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_notes_copied_from_id_notes", "notes", "notes",
                              ["copied_from_id"], ["id"])
    else:  # SQLite adds a column's reference inline (no ALTER ... ADD CONSTRAINT)
        op.execute("ALTER TABLE notes ADD COLUMN copied_from_id INTEGER "
                   "REFERENCES notes (id)")
    op.add_column("notes", sa.Column("carried", JSON, nullable=False,
                                     server_default=sa.text("'{}'")))
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_GUARD:
            op.execute(statement)
    else:
        op.execute(SQLITE_GUARD)


def downgrade() -> None:
    # In place (SQLite >= 3.35 drops a column without copying the table; triggers kept).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notes_signed_copy_guard ON notes")
        op.execute("DROP FUNCTION IF EXISTS vesalius_note_copy_guard()")
        op.drop_constraint("fk_notes_copied_from_id_notes", "notes", type_="foreignkey")
    else:
        op.execute("DROP TRIGGER IF EXISTS notes_signed_copy_fixed")
    for table, column in (("notes", "carried"), ("notes", "copied_from_id"),
                          ("services", "follow_up_template_id"),
                          ("services", "initial_template_id")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
