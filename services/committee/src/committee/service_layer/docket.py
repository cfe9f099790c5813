"""The docket, fed by intake's events: applications submitted, screened, withdrawn."""

from __future__ import annotations

from alize_chassis import journey
from alize_chassis.unit_of_work import UnitOfWork
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted
from alize_contracts.events import ApplicationScreened, ApplicationWithdrawn

from committee.adapters import docket
from committee.domain.docket import DocketEntry


async def put_on_docket(uow: UnitOfWork, event: ApplicationSubmitted, _: Received) -> None:
    journey.tag(event.application_id)
    entry = DocketEntry(
        application_id=event.application_id,
        territory=event.territory,
        programme=event.programme,
        firm_id=event.firm_id,
        jobs_planned_created=event.jobs_planned.created,
        jobs_planned_maintained=event.jobs_planned.maintained,
        call_id=event.call_id,
        skills_needed=tuple(event.skills_needed),
        baseline_headcount=event.baseline_headcount,
    )
    await docket.add_entry(
        uow.conn,
        entry,
        submitted_at=event.submitted_at,
        advance_requested_cents=event.advance_requested_cents,
        trace_context=journey.current_context(),
    )


async def record_screening(uow: UnitOfWork, event: ApplicationScreened, _: Received) -> None:
    journey.tag(event.application_id)
    await docket.record_screening(uow.conn, event.application_id, event.eligible, event.reasons)


async def take_off_docket(uow: UnitOfWork, event: ApplicationWithdrawn, _: Received) -> None:
    journey.tag(event.application_id)
    await docket.record_withdrawal(uow.conn, event.application_id)
