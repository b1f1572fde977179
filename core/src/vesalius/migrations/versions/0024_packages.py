"""Packages of sessions: products, the packages patients bought, and their drawdowns.

Revision ID: 0024_packages
Revises: 0023_intake
Create Date: 2026-12-05 01:30:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.db.types import Money, UTCDateTime

revision = "0024_packages"
down_revision = "0023_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("price", Money(), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("sessions > 0", name=op.f("ck_package_products_sessions_positive")),
        sa.CheckConstraint("validity_days > 0",
                           name=op.f("ck_package_products_validity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_products")),
        sa.UniqueConstraint("name", name=op.f("uq_package_products_name")),
    )
    op.create_table(
        "package_product_services",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["package_products.id"],
                                name=op.f("fk_package_product_services_product_id_package_products")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name=op.f("fk_package_product_services_service_id_services")),
        sa.PrimaryKeyConstraint("product_id", "service_id",
                                name=op.f("pk_package_product_services")),
    )
    op.create_index(op.f("ix_package_product_services_service_id"),
                    "package_product_services", ["service_id"])
    op.create_table(
        "patient_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sessions_total", sa.Integer(), nullable=False),
        sa.Column("sessions_used", sa.Integer(), nullable=False),
        sa.Column("price", Money(), nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=True),
        sa.Column("refund_reason", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("sessions_used >= 0 AND sessions_used <= sessions_total",
                           name=op.f("ck_patient_packages_sessions_within_total")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_patient_packages_patient_id_patients")),
        sa.ForeignKeyConstraint(["product_id"], ["package_products.id"],
                                name=op.f("fk_patient_packages_product_id_package_products")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_patient_packages_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_patient_packages_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_packages")),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_patient_packages_invoice_id")),
    )
    op.create_index("ix_patient_packages_patient_expires", "patient_packages",
                    ["patient_id", "expires_on"])
    op.create_table(
        "package_drawdowns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("invoice_line_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.Column("drawn_at", UTCDateTime(), nullable=False),
        sa.Column("returned_at", UTCDateTime(), nullable=True),
        sa.Column("return_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["package_id"], ["patient_packages.id"],
                                name=op.f("fk_package_drawdowns_package_id_patient_packages")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_package_drawdowns_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["invoice_line_id"], ["invoice_lines.id"],
                                name=op.f("fk_package_drawdowns_invoice_line_id_invoice_lines")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_package_drawdowns_appointment_id_appointments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_drawdowns")),
        sa.UniqueConstraint("invoice_line_id",
                            name=op.f("uq_package_drawdowns_invoice_line_id")),
    )
    op.create_index(op.f("ix_package_drawdowns_package_id"), "package_drawdowns",
                    ["package_id"])
    op.create_index(op.f("ix_package_drawdowns_invoice_id"), "package_drawdowns",
                    ["invoice_id"])


def downgrade() -> None:
    op.drop_table("package_drawdowns")
    op.drop_index("ix_patient_packages_patient_expires", table_name="patient_packages")
    op.drop_table("patient_packages")
    op.drop_index(op.f("ix_package_product_services_service_id"),
                  table_name="package_product_services")
    op.drop_table("package_product_services")
    op.drop_table("package_products")
