"""Recovery codes of the second factor (single use, stored as SHA-256).

Revision ID: w0003_mfa_recovery
Revises: w0002
Create Date: 2026-12-04 22:20:00
"""
import sqlalchemy as sa
from alembic import op

import vesalius.db.types

revision = "w0003_mfa_recovery"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", vesalius.db.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", vesalius.db.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_recovery_codes")),
    )
    op.create_index("ix_web_recovery_codes_user", "web_recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_web_recovery_codes_user", table_name="web_recovery_codes")
    op.drop_table("web_recovery_codes")
