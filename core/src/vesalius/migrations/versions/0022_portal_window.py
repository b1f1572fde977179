"""The portal: how long before a visit a patient may cancel or move it online, and the
invitations that let a patient set their portal password.

Revision ID: 0022_portal_window
Revises: 0021_online_booking
Create Date: 2026-12-05 01:50:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import UTCDateTime

revision = "0022_portal_window"
down_revision = "0021_online_booking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("online_booking_policy") as batch_op:
        batch_op.add_column(sa.Column("portal_change_hours", sa.Integer(), nullable=False,
                                      server_default="2"))
    op.create_table(
        "portal_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_portal_invitations_patient_id_patients")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_portal_invitations_user_id_users")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_portal_invitations_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_invitations_token_hash")),
    )
    op.create_index(op.f("ix_portal_invitations_patient_id"), "portal_invitations",
                    ["patient_id"])
    op.create_index(op.f("ix_portal_invitations_user_id"), "portal_invitations", ["user_id"])


def downgrade() -> None:
    op.drop_table("portal_invitations")
    with op.batch_alter_table("online_booking_policy") as batch_op:
        batch_op.drop_column("portal_change_hours")
