"""Audited list reads stored compactly: one event per read naming its list of records, the
list's ``(resource_id, patient_id)`` items written once per distinct list (append-only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 06:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = (("audit_lists", "audit lists"), ("audit_list_items", "audit list items"))


def upgrade() -> None:
    op.create_table(
        "audit_lists",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=30), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_audit_lists")),
    )
    op.create_table(
        "audit_list_items",
        sa.Column("list_digest", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["list_digest"], ["audit_lists.digest"],
                                name=op.f("fk_audit_list_items_list_digest_audit_lists")),
        sa.PrimaryKeyConstraint("list_digest", "position", name=op.f("pk_audit_list_items")),
    )
    op.create_index("ix_audit_list_items_patient", "audit_list_items", ["patient_id"])
    op.create_index("ix_audit_list_items_resource", "audit_list_items", ["resource_id"])
    # A plain ADD COLUMN (not a batch copy): the log keeps its rows and its triggers.
    op.add_column("audit_events", sa.Column("list_digest", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_list", "audit_events", ["list_digest"])
    if op.get_bind().dialect.name == "postgresql":
        for table, _ in TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION vesalius_append_only()")
    else:
        for table, what in TABLES:
            for op_name in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_append_only_{op_name.lower()} BEFORE "
                           f"{op_name} ON {table} BEGIN SELECT RAISE(ABORT, '{what} are "
                           "append-only'); END")


def downgrade() -> None:
    op.drop_index("ix_audit_list", table_name="audit_events")
    # Not a batch copy either (SQLite >= 3.35 drops a column in place, triggers kept).
    op.execute("ALTER TABLE audit_events DROP COLUMN list_digest")
    op.drop_table("audit_list_items")
    op.drop_table("audit_lists")
