"""Cache versions of the web's rarely-changing tables: the pack switches and the settings.

The core's migration ``0026_cache_versions`` made ``cache_versions`` (the core schema is
always brought up to date before the web's); this adds a counter for ``web_pack_settings``
and ``web_settings`` and the triggers that bump them on every write, so a pack switched off
through one worker is off in every worker at its next request.

Revision ID: w0004_cache_versions
Revises: w0003_mfa_recovery
Create Date: 2026-12-05 04:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "w0004_cache_versions"
down_revision = "w0003_mfa_recovery"
branch_labels = None
depends_on = None

TABLES = ("web_pack_settings", "web_settings")
OPS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    for name in TABLES:  # kept by a downgrade (the core's table: its rows stay as they are)
        op.execute(sa.text("INSERT INTO cache_versions (key, version) SELECT :key, 1 WHERE NOT "
                           "EXISTS (SELECT 1 FROM cache_versions WHERE key = :key)")
                   .bindparams(key=name))
    if op.get_bind().dialect.name == "postgresql":  # the function is the core's (0026)
        for name in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name} ON {name}")
            op.execute(f"""
                CREATE TRIGGER cache_versions_{name} AFTER INSERT OR UPDATE OR DELETE
                OR TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump()
            """)
        return
    for name in TABLES:
        for op_name in OPS:
            op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name}_{op_name.lower()}")
            op.execute(f"""
                CREATE TRIGGER cache_versions_{name}_{op_name.lower()} AFTER {op_name}
                ON {name} BEGIN
                    UPDATE cache_versions SET version = version + 1 WHERE key = '{name}';
                END
            """)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in TABLES:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name} ON {name}")
        else:
            for op_name in OPS:
                op.execute(f"DROP TRIGGER IF EXISTS cache_versions_{name}_{op_name.lower()}")
    # The counters stay: ``cache_versions`` is the core's, and a web downgrade leaves the
    # core's rows as they are (an upgrade again finds them).
