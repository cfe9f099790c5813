"""Topic names: one topic per aggregate stream. Territory is inside the event,
never in the topic name, so a national subscriber reads every network alike."""

from typing import Final

APPLICATIONS: Final = "alize.intake.applications"
"""Application lifecycle; key = application_id."""

PROJECTS: Final = "alize.committee.projects"
"""Committee decisions on applications; key = application_id."""

MISSIONS: Final = "alize.missions.missions"
"""Skill-sponsorship missions and their days; key = mission_id."""

JOBS: Final = "alize.missions.jobs"
"""Job declarations of supported firms; key = application_id."""

ALL: Final = (APPLICATIONS, PROJECTS, MISSIONS, JOBS)


def dead_letter(topic: str) -> str:
    """Where a consumer of `topic` parks messages it cannot process."""
    return f"{topic}.DLT"
