"""The web layer's own migration stream (version table ``alembic_version_web``)."""
