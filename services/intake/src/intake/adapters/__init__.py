"""Intake's repositories: its state in PostgreSQL, no rules and no events."""
