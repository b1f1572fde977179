"""Quick search: the phone digits reversed (``patients.phone_tail_key``), indexed, so a
number typed without its country code ("416 555 0100") finds "+1 416-555-0100" by an index
range scan on both engines. Filled from ``phone_key`` (already the digits) in batches.

Revision ID: 0015_search_indexes
Revises: 0014_billing
Create Date: 2026-12-04 23:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_search_indexes"
down_revision = "0014_billing"
branch_labels = None
depends_on = None

SEARCH_KEY = sa.String(length=254).with_variant(sa.String(length=254, collation="C"),
                                                "postgresql")
BATCH = 5000


def upgrade() -> None:
    # Plain ALTER TABLE on both engines (a batch copy of patients would trip its foreign keys).
    op.add_column("patients", sa.Column("phone_tail_key", SEARCH_KEY, nullable=True))
    conn = op.get_bind()
    patients = sa.table("patients", sa.column("id", sa.Integer()),
                        sa.column("phone_key", sa.String()),
                        sa.column("phone_tail_key", sa.String()))
    last = 0
    while True:
        rows = conn.execute(sa.select(patients.c.id, patients.c.phone_key)
                            .where(patients.c.id > last, patients.c.phone_key.is_not(None))
                            .order_by(patients.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(patients.update().where(patients.c.id == sa.bindparam("pid"))
                     .values(phone_tail_key=sa.bindparam("tail")),
                     [{"pid": pid, "tail": key[::-1]} for pid, key in rows])
        last = rows[-1][0]
    op.create_index("ix_patients_phone_tail_key", "patients", ["phone_tail_key"])


def downgrade() -> None:
    op.drop_index("ix_patients_phone_tail_key", table_name="patients")
    op.drop_column("patients", "phone_tail_key")  # SQLite 3.35+: ALTER TABLE DROP COLUMN
