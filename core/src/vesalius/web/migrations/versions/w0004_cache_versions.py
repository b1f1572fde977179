"""Cache versions of the web's rarely-changing tables: the pack switches and the settings.

The core's migration ``0026_cache_versions`` made ``cache_versions`` (the core schema is
always brought up to date before the web's); this adds a counter for ``web_pack_settings``
and ``web_settings`` and the triggers that bump them on every write, so a pack switched off
through one worker is off in every worker at its next request.

Revision ID: w0004_cache_versions
Revises: w0003_mfa_recovery
Create Date: 2026-12-05 04:45:00
"""
from vesalius.migrations.counters import count_writes, stop_counting

revision = "w0004_cache_versions"
down_revision = "w0003_mfa_recovery"
branch_labels = None
depends_on = None

TABLES = ("web_pack_settings", "web_settings")


def upgrade() -> None:
    count_writes(TABLES)  # a counter kept by a downgrade is kept as it is


def downgrade() -> None:
    # The counters stay: ``cache_versions`` is the core's, and a web downgrade leaves the
    # core's rows as they are (an upgrade again finds them).
    stop_counting(TABLES)
