"""Trusted browsers (device cookies) for throttling sign-in without locking owners out;
an index to drop old login attempts.

Revision ID: w0002
Revises: w0001
Create Date: 2026-12-04 20:45:00
"""
import sqlalchemy as sa
from alembic import op

import vesalius.db.types

revision = "w0002"
down_revision = "w0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_trusted_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", vesalius.db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_trusted_devices")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_web_trusted_devices_nonce_hash")),
    )
    op.create_index("ix_web_trusted_devices_user", "web_trusted_devices", ["user_id"])
    op.create_index("ix_web_login_attempts_at", "web_login_attempts", ["at"])


def downgrade() -> None:
    op.drop_index("ix_web_login_attempts_at", table_name="web_login_attempts")
    op.drop_index("ix_web_trusted_devices_user", table_name="web_trusted_devices")
    op.drop_table("web_trusted_devices")
