"""Indexed worklist, revenue and search: invoices' claim state, monthly revenue per
practitioner, patients by given then family name.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 06:30:00
"""
import sqlalchemy as sa
from alembic import op

import vesalius.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("claim_state", sa.String(length=10), nullable=False,
                                   server_default="none"))
        batch.create_index("ix_invoices_claim_state_dos", ["claim_state", "date_of_service"])
    with op.batch_alter_table("patients") as batch:
        batch.drop_index("ix_patients_given_name_key")
        batch.create_index("ix_patients_given_family", ["given_name_key", "family_name_key"])
    op.create_table(
        "revenue_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("total", vesalius.db.types.Money(precision=12, scale=2), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["practitioner_id"], ["practitioners.id"],
                                name=op.f("fk_revenue_months_practitioner_id_practitioners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_months")),
        sa.UniqueConstraint("practitioner_id", "month",
                            name=op.f("uq_revenue_months_practitioner_id_month")),
    )
    # Existing data: claim states and the monthly totals.
    op.execute("""
        UPDATE invoices SET claim_state = CASE
            WHEN status = 'issued' AND payer_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id
                AND l.insurer_amount > 0 AND NOT EXISTS (
                    SELECT 1 FROM claim_lines c WHERE c.invoice_line_id = l.id))
            THEN 'to-claim'
            WHEN EXISTS (SELECT 1 FROM claims c WHERE c.invoice_id = invoices.id)
            THEN 'claimed' ELSE 'none' END
    """)
    month = ("strftime('%Y-%m', date_of_service)" if op.get_bind().dialect.name == "sqlite"
             else "to_char(date_of_service, 'YYYY-MM')")
    op.execute(f"""
        INSERT INTO revenue_months (practitioner_id, month, total, visits)
        SELECT practitioner_id, {month}, SUM(total), COUNT(*) FROM invoices
        WHERE status = 'issued' AND practitioner_id IS NOT NULL
        GROUP BY practitioner_id, {month}
    """)


def downgrade() -> None:
    op.drop_table("revenue_months")
    with op.batch_alter_table("patients") as batch:
        batch.drop_index("ix_patients_given_family")
        batch.create_index("ix_patients_given_name_key", ["given_name_key"])
    with op.batch_alter_table("invoices") as batch:
        batch.drop_index("ix_invoices_claim_state_dos")
        batch.drop_column("claim_state")
