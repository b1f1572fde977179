"""Service colours: the calendar fills a service's blocks with a named colour.

Revision ID: 0011_service_colours
Revises: 0010_case_team
Create Date: 2026-12-04 23:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_service_colours"
down_revision = "0010_case_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("colour", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_column("colour")
