"""Jobs measured against the baseline headcount, as IRIS+ defines them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts import JobDeclared, Jobs

from missions.domain.projects import Project


def jobs_at(headcount: int, baseline: int) -> tuple[int, int]:
    """(created, maintained): created = net new full-time equivalents since the baseline
    (IRIS+ PI3687); maintained = baseline positions still filled (PI5691) — a vacated
    and refilled post is maintained, not created."""
    return max(0, headcount - baseline), min(headcount, baseline)


def check_declaration(as_of: date, approved_on: date | None) -> None:
    """`as_of` is not in the future (alize_contracts.dates.PastDate, at the API) nor before the approval."""
    if approved_on is not None and as_of < approved_on:
        raise Rejected(f"as_of ({as_of}) is before the project's approval on {approved_on}")


@dataclass(frozen=True)
class Declaration:
    """A firm's headcount at a date, and the jobs it makes; every one is kept, the latest counts."""

    id: UUID
    application_id: UUID
    as_of: date
    headcount: int
    baseline_headcount: int
    jobs_created: int
    jobs_maintained: int


def declare(project: Project, declaration_id: UUID, as_of: date, headcount: int) -> tuple[Declaration, JobDeclared]:
    """The jobs of an approved project at `as_of`, measured against its baseline headcount."""
    baseline = project.baseline_headcount
    if baseline is None:
        raise Conflict(
            f"the baseline headcount of project {project.application_id} is unknown (approved before "
            "contracts 1.2): jobs cannot be measured against it"
        )
    check_declaration(as_of, project.approved_on)
    created, maintained = jobs_at(headcount, baseline)
    declaration = Declaration(declaration_id, project.application_id, as_of, headcount, baseline, created, maintained)
    return declaration, JobDeclared(
        territory=project.territory,
        declaration_id=declaration_id,
        application_id=project.application_id,
        firm_id=project.firm_id,
        as_of=as_of,
        jobs=Jobs(created=created, maintained=maintained),
        headcount=headcount,
        baseline_headcount=baseline,
    )
