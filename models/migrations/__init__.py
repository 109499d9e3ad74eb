"""Alembic migrations of the Kompis schema."""
