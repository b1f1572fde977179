"""Cache versions: a counter per rarely-changing table, bumped by the database itself.

Each worker keeps locations, rooms, practitioners, working hours and services in memory
(``vesalius.services.cache``) and reads these counters once per request to know whether its
copy is still the database's. A trigger bumps a table's counter in the same transaction as
any insert, update or delete of it, so every writer (the services, a Core bulk insert, a
migration, psql) invalidates the other workers' copies, on this host or another, when it
commits.

Revision ID: 0026_cache_versions
Revises: 0025_reported_guard
Create Date: 2026-12-05 04:40:00
"""
import sqlalchemy as sa
from alembic import op

from vesalius.migrations.counters import count_writes, stop_counting

revision = "0026_cache_versions"
down_revision = "0025_reported_guard"
branch_labels = None
depends_on = None

#: The core tables cached when this migration was written (later migrations count more:
#: services/cache.py lists them all, and a test checks each has its counter).
TABLES = ("locations", "rooms", "practitioners", "working_hours", "services")


#: The web app's cached tables (its migration w0004 counts them): when the core goes below
#: this migration and up again under a web schema that has them, their triggers go and come
#: back with the table they write to.
WEB_TABLES = ("web_pack_settings", "web_settings")


def upgrade() -> None:
    web = tuple(t for t in WEB_TABLES if sa.inspect(op.get_bind()).has_table(t))
    op.create_table(
        "cache_versions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cache_versions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # The function's search_path is the schema's it was made in: a trigger bumps the
        # counters beside its table, whatever the writer's search_path.
        op.execute("""
            CREATE OR REPLACE FUNCTION cache_versions_bump() RETURNS trigger
            LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
            BEGIN
                UPDATE cache_versions SET version = version + 1 WHERE key = TG_TABLE_NAME;
                RETURN NULL;
            END $$
        """)
    count_writes(TABLES + web)


def downgrade() -> None:
    web = tuple(t for t in WEB_TABLES if sa.inspect(op.get_bind()).has_table(t))
    stop_counting(TABLES + web)  # the web's too: they write this table
    if op.get_bind().dialect.name == "postgresql":  # with the web tables' triggers on it
        op.execute("DROP FUNCTION IF EXISTS cache_versions_bump() CASCADE")
    op.drop_table("cache_versions")
