"""Alembic migrations of the core's schema, shipped inside the package."""
