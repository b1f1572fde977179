"""Care team: break-the-glass grants and the (patient, practitioner) appointment index the
care-team check probes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:45:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_access_grants_user_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_access_grants_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grants")),
    )
    op.create_index("ix_access_grants_user_patient", "access_grants",
                    ["user_id", "patient_id", "expires_at"])
    op.create_index("ix_access_grants_created", "access_grants", ["created_at"])
    op.create_index("ix_appointments_patient_practitioner", "appointments",
                    ["patient_id", "practitioner_id"])


def downgrade() -> None:
    op.drop_index("ix_appointments_patient_practitioner", table_name="appointments")
    op.drop_table("access_grants")
