"""Tamper-evident audit log: each event carries the hash of the event before it.

Adds ``seq``, ``prev_hash`` and ``hash`` to ``audit_events`` and links the existing events
in id order (an existing clinic's chain starts at its first event), with a unique index on
``seq`` (the position in the chain) so the chain stays one line. The append-only trigger
is lifted for this one backfill, inside the migration's transaction, and put back before it
commits.

Revision ID: 0012_audit_chain
Revises: 0011_service_colours
Create Date: 2026-12-04 22:20:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime
from vesalius.services.audit import CHAINED, GENESIS, link

revision = "0012_audit_chain"
down_revision = "0011_service_colours"
branch_labels = None
depends_on = None

BATCH = 5000

EVENTS = sa.table(
    "audit_events", sa.column("id", sa.Integer), sa.column("at", UTCDateTime()),
    *(sa.column(name, sa.Integer if name.endswith("_id") or name == "seq" else sa.String)
      for name in CHAINED if name != "at"),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String))

SQLITE_UPDATE_GUARD = ("CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON "
                       "audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); "
                       "END")


def _link_existing(conn: sa.Connection) -> None:
    """Hash the events in id order, a batch at a time (memory stays bounded)."""
    prev, after, seq = GENESIS, 0, 0
    update = (sa.update(EVENTS).where(EVENTS.c.id == sa.bindparam("event_id"))
              .values(seq=sa.bindparam("position"), prev_hash=sa.bindparam("prev"),
                      hash=sa.bindparam("new")))
    while True:
        rows = conn.execute(sa.select(EVENTS.c.id, *(EVENTS.c[n] for n in CHAINED
                                                     if n != "seq"))
                            .where(EVENTS.c.id > after).order_by(EVENTS.c.id)
                            .limit(BATCH)).mappings().all()
        if not rows:
            return
        links = []
        for row in rows:
            seq += 1
            new = link(prev, {**row, "seq": seq})
            links.append({"event_id": row["id"], "position": seq, "prev": prev, "new": new})
            prev = new
        conn.execute(update, links)
        after = rows[-1]["id"]


def upgrade() -> None:
    conn = op.get_bind()
    # Plain ADD COLUMNs (not a batch copy): the log keeps its rows and its triggers.
    op.add_column("audit_events", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        _link_existing(conn)
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        op.execute("DROP TRIGGER audit_events_append_only_update")
        _link_existing(conn)
        op.execute(SQLITE_UPDATE_GUARD)
    op.create_index("uq_audit_events_seq", "audit_events", ["seq"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_audit_events_seq", table_name="audit_events")
    # Not a batch copy either (SQLite >= 3.35 drops a column in place, triggers kept).
    op.execute("ALTER TABLE audit_events DROP COLUMN hash")
    op.execute("ALTER TABLE audit_events DROP COLUMN prev_hash")
    op.execute("ALTER TABLE audit_events DROP COLUMN seq")
