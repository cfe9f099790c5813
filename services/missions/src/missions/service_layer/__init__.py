"""Missions' handlers: the committee's events it consumes and the commands it accepts.
Commands run in the caller's transaction; each continues its project's journey
(the trace started by the application's submission)."""

from alize_chassis.inbox import Handlers

SERVICE = "missions"
handlers = Handlers()

# Importing the modules registers their event handlers.
from missions.service_layer import advances, guidance, jobs, missions  # noqa: E402

__all__ = ["SERVICE", "advances", "guidance", "handlers", "jobs", "missions"]
