"""Patient scope: the clinic's online-booking policy (one row) and the case team the clinic
sets (practitioners added to a case join its patient's care team).

Revision ID: 0010_case_team
Revises: 0009_backup_runs
Create Date: 2026-12-04 22:30:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0010_case_team"
down_revision = "0009_backup_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "online_booking_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("max_future", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_online_booking_policy_single_row")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_online_booking_policy_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_booking_policy")),
    )
    op.create_table(
        "case_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_team_members_case_id_cases")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_case_team_members_patient_id_patients")),
        sa.ForeignKeyConstraint(["practitioner_id"], ["practitioners.id"],
                                name=op.f("fk_case_team_members_practitioner_id_practitioners")),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"],
                                name=op.f("fk_case_team_members_added_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_team_members")),
        sa.UniqueConstraint("case_id", "practitioner_id",
                            name=op.f("uq_case_team_members_case_practitioner")),
    )
    op.create_index("ix_case_team_members_patient_practitioner", "case_team_members",
                    ["patient_id", "practitioner_id"])


def downgrade() -> None:
    op.drop_table("case_team_members")
    op.drop_table("online_booking_policy")
