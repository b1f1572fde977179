"""X12: the clinic's billing-provider identity, the 837P interchanges sent, the 835
remittances read (claim by claim, with the payer's adjustments and the worklist).

Revision ID: 0019_x12
Revises: 0018_external_ids
Create Date: 2026-12-05 02:00:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import Money, UTCDateTime

revision = "0019_x12"
down_revision = "0018_external_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "x12_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_name", sa.String(length=60), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("tax_id", sa.String(length=9), nullable=False),
        sa.Column("taxonomy_code", sa.String(length=10), nullable=True),
        sa.Column("address_line1", sa.String(length=55), nullable=False),
        sa.Column("city", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=9), nullable=False),
        sa.Column("submitter_id", sa.String(length=15), nullable=False),
        sa.Column("contact_name", sa.String(length=60), nullable=False),
        sa.Column("contact_phone", sa.String(length=10), nullable=False),
        sa.Column("receiver_name", sa.String(length=60), nullable=False),
        sa.Column("receiver_id", sa.String(length=15), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_settings")),
    )
    op.create_table(
        "x12_interchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("usage", sa.String(length=1), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("total", Money(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["payer_id"], ["payers.id"],
                                name=op.f("fk_x12_interchanges_payer_id_payers")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_x12_interchanges_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_interchanges")),
    )
    op.create_index(op.f("ix_x12_interchanges_payer_id"), "x12_interchanges", ["payer_id"])
    op.create_table(
        "x12_interchange_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interchange_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interchange_id"], ["x12_interchanges.id"],
            name=op.f("fk_x12_interchange_claims_interchange_id_x12_interchanges")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_x12_interchange_claims_claim_id_claims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_interchange_claims")),
        sa.UniqueConstraint("interchange_id", "claim_id",
                            name=op.f("uq_x12_interchange_claims_interchange_id_claim_id")),
    )
    op.create_index(op.f("ix_x12_interchange_claims_claim_id"), "x12_interchange_claims",
                    ["claim_id"])
    op.create_table(
        "remittances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=15), nullable=False),
        sa.Column("interchange_control", sa.String(length=9), nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=False),
        sa.Column("trace_originator", sa.String(length=10), nullable=False),
        sa.Column("payer_name", sa.String(length=60), nullable=False),
        sa.Column("total_paid", Money(), nullable=False),
        sa.Column("payment_method", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("posted_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_remittances_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittances")),
        sa.UniqueConstraint("sender_id", "interchange_control",
                            name=op.f("uq_remittances_sender_id_interchange_control")),
        sa.UniqueConstraint("trace_number", "trace_originator",
                            name=op.f("uq_remittances_trace_number_trace_originator")),
    )
    op.create_table(
        "remittance_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remittance_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("claim_reference", sa.String(length=38), nullable=False),
        sa.Column("status_code", sa.String(length=2), nullable=False),
        sa.Column("billed", Money(), nullable=False),
        sa.Column("paid", Money(), nullable=False),
        sa.Column("patient_responsibility", Money(), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("post_key", sa.String(length=160), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["remittance_id"], ["remittances.id"],
                                name=op.f("fk_remittance_claims_remittance_id_remittances")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_remittance_claims_claim_id_claims")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_remittance_claims_payment_id_payments")),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"],
                                name=op.f("fk_remittance_claims_resolved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_claims")),
        sa.UniqueConstraint("post_key", name=op.f("uq_remittance_claims_post_key")),
    )
    op.create_index(op.f("ix_remittance_claims_remittance_id"), "remittance_claims",
                    ["remittance_id"])
    op.create_index(op.f("ix_remittance_claims_claim_id"), "remittance_claims", ["claim_id"])
    op.create_table(
        "remittance_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remittance_claim_id", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=60), nullable=True),
        sa.Column("claim_line_id", sa.Integer(), nullable=True),
        sa.Column("group_code", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=5), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remittance_claim_id"], ["remittance_claims.id"],
            name=op.f("fk_remittance_adjustments_remittance_claim_id_remittance_claims")),
        sa.ForeignKeyConstraint(
            ["claim_line_id"], ["claim_lines.id"],
            name=op.f("fk_remittance_adjustments_claim_line_id_claim_lines")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittance_adjustments")),
    )
    op.create_index(op.f("ix_remittance_adjustments_remittance_claim_id"),
                    "remittance_adjustments", ["remittance_claim_id"])


def downgrade() -> None:
    op.drop_table("remittance_adjustments")
    op.drop_table("remittance_claims")
    op.drop_table("remittances")
    op.drop_table("x12_interchange_claims")
    op.drop_table("x12_interchanges")
    op.drop_table("x12_settings")
