"""Web tables: server-side sessions, login attempts, TOTP secrets, settings, pack settings.

Revision ID: w0001
Revises:
Create Date: 2026-11-27 06:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import vesalius.db.types

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("auth_at", vesalius.db.types.UTCDateTime(), nullable=True),
        sa.Column("last_seen_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", vesalius.db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires", "web_sessions", ["expires_at"])
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempts")),
    )
    op.create_index("ix_web_login_attempts_key_at", "web_login_attempts", ["key", "at"])
    op.create_table(
        "web_user_mfa",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("enabled_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_web_user_mfa")),
    )
    op.create_table(
        "web_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_settings")),
    )
    op.create_table(
        "web_pack_settings",
        sa.Column("pack", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("pack", name=op.f("pk_web_pack_settings")),
    )


def downgrade() -> None:
    op.drop_table("web_pack_settings")
    op.drop_table("web_settings")
    op.drop_table("web_user_mfa")
    op.drop_index("ix_web_login_attempts_key_at", table_name="web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_index("ix_web_sessions_expires", table_name="web_sessions")
    op.drop_index("ix_web_sessions_user", table_name="web_sessions")
    op.drop_table("web_sessions")
