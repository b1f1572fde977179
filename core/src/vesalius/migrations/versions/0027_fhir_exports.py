"""Bulk Data exports (FHIR $export): the job table.

Revision ID: 0027_fhir_exports
Revises: 0026_cache_versions
Create Date: 2026-12-05 04:45:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from vesalius.db.types import UTCDateTime

revision = "0027_fhir_exports"
down_revision = "0026_cache_versions"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "fhir_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("base", sa.String(length=500), nullable=False),
        sa.Column("types", JSON, nullable=False),
        sa.Column("since", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.String(length=100), nullable=True),
        sa.Column("output", JSON, nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("transaction_time", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_fhir_exports_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_exports")),
        sa.UniqueConstraint("key", name=op.f("uq_fhir_exports_key")),
    )
    op.create_index("ix_fhir_exports_status", "fhir_exports", ["status"])
    op.create_index(op.f("ix_fhir_exports_user_id"), "fhir_exports", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_fhir_exports_user_id"), table_name="fhir_exports")
    op.drop_index("ix_fhir_exports_status", table_name="fhir_exports")
    op.drop_table("fhir_exports")
