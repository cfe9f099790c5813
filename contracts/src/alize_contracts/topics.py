"""Topic names: one topic per aggregate stream. Territory is inside the event,
never in the topic name, so a national subscriber reads every network alike."""

from typing import Final

CALLS: Final = "alize.intake.calls"
"""Calls for applications opened and closed by a territory; key = call_id."""

APPLICATIONS: Final = "alize.intake.applications"
"""Application lifecycle; key = application_id."""

PROJECTS: Final = "alize.committee.projects"
"""Committee decisions on applications and advances granted; key = application_id."""

SESSIONS: Final = "alize.committee.sessions"
"""Approval committee sessions held; key = session_id."""

PARTNERS: Final = "alize.committee.partners"
"""Partner companies and the competences they offer; key = partner_id."""

MISSIONS: Final = "alize.missions.missions"
"""Skill-sponsorship missions and their days; key = mission_id."""

JOBS: Final = "alize.missions.jobs"
"""Job declarations of supported firms; key = application_id."""

ADVANCES: Final = "alize.missions.advances"
"""Repayable advances: disbursement, repayments, write-off; key = advance_id."""

GUIDANCE: Final = "alize.missions.guidance"
"""Self-employment guidance tracks: sessions, outcomes, the businesses created and
their survival; key = application_id (the participant's track)."""

ALL: Final = (CALLS, APPLICATIONS, PROJECTS, SESSIONS, PARTNERS, MISSIONS, JOBS, ADVANCES, GUIDANCE)


def dead_letter(topic: str) -> str:
    """Where a consumer of `topic` parks messages it cannot process."""
    return f"{topic}.DLT"
