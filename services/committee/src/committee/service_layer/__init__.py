"""The committee's handlers: each command's and each incoming event's work, in a unit of work
(app.py lists which command and which event goes where)."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
