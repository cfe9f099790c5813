"""Metrics: projects every event into read models per territory and serves them."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"
