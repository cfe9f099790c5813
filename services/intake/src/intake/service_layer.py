"""Intake's handlers: the commands it accepts and the committee's events it consumes.
Each runs inside the caller's transaction (`conn`), so the state change, its events
and the Idempotency-Key record (or the processed event) commit together."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import journey, outbox
from alize_chassis.errors import NotFound, Rejected
from alize_chassis.identifiers import normalise_firm_id
from alize_chassis.inbox import Handlers
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved, ProjectRejected
from alize_contracts.events import ProjectDeferred

from intake import adapters
from intake.domain import FINAL_DECISIONS, Application, Call, Decision, EligibilityRules, screen, size_class

SERVICE = "intake"
handlers = Handlers()
log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


async def open_call(conn: asyncpg.Connection, call: Call) -> Call:
    if call.closes_on < _now().date():
        raise Rejected(f"closes_on ({call.closes_on}) is in the past")
    await adapters.add_call(conn, call)
    await outbox.record(conn, adapters.call_opened_event(call), service=SERVICE)
    return call


async def close_call(conn: asyncpg.Connection, call_id: UUID) -> Call:
    call = await adapters.get_call(conn, call_id, for_update=True)
    if call is None:
        raise NotFound(f"no call {call_id}")
    closed, reason = call.close(_now())
    await adapters.save_call_closure(conn, closed)
    await outbox.record(conn, adapters.call_closed_event(closed, reason), service=SERVICE)
    return closed


async def close_calls_past_their_deadline(pool: asyncpg.Pool) -> int:
    """Periodic: close every call whose last day has passed (CallClosed, reason 'deadline')."""
    closed = 0
    for call_id in await adapters.expired_open_calls(pool, _now().date()):
        async with pool.acquire() as conn, conn.transaction():
            call = await adapters.get_call(conn, call_id, for_update=True)
            if call is not None and call.closed_at is None:  # not closed meanwhile
                done, reason = call.close(_now())
                await adapters.save_call_closure(conn, done)
                await outbox.record(conn, adapters.call_closed_event(done, reason), service=SERVICE)
                closed += 1
    return closed


async def set_rules(conn: asyncpg.Connection, territory: str, programme: str, rules: EligibilityRules) -> None:
    await adapters.set_rules(conn, territory, programme, rules)


async def create_application(
    conn: asyncpg.Connection,
    *,
    call_id: UUID,
    firm_id: str | None,
    contact: dict[str, Any] | None,
    details: dict[str, Any],
    submit: bool,
) -> Application:
    """A draft, submitted at once when `submit` is true."""
    call = await adapters.get_call(conn, call_id)
    if call is None:
        raise Rejected(f"call_id {call_id} is not a known call for applications")
    applicant_id = uuid4() if contact else None
    application = Application(
        id=uuid4(),
        call=call,
        firm_id=normalise_firm_id(firm_id) if firm_id else None,
        applicant_id=applicant_id,
        firm_size=details.pop("firm_size", None) or (size_class(details["baseline_headcount"]) if firm_id else None),
        **details,
    )
    journey.tag(application.id)
    if applicant_id and contact:
        await adapters.add_applicant(conn, applicant_id, contact)
    await adapters.add(conn, application)
    if submit:
        application = await _submit(conn, application)
    return application


async def revise_draft(conn: asyncpg.Connection, application_id: UUID, changes: dict[str, Any]) -> Application:
    journey.tag(application_id)
    application = await adapters.get_for_update(conn, application_id)
    if application is None:
        raise NotFound(f"no application {application_id}")
    if changes.get("firm_id"):
        changes["firm_id"] = normalise_firm_id(changes["firm_id"])
    revised = application.revise(**changes)
    await adapters.save_draft(conn, revised)
    return revised


async def submit(conn: asyncpg.Connection, application_id: UUID) -> Application:
    journey.tag(application_id)
    application = await adapters.get_for_update(conn, application_id)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return await _submit(conn, application)


async def _submit(conn: asyncpg.Connection, application: Application) -> Application:
    submitted = application.submit(_now())
    has_contact = submitted.applicant_id is not None
    reasons = screen(
        submitted,
        await adapters.rules_for(conn, submitted.territory, submitted.programme),
        _today(submitted),
        has_contact,
    )
    screened_at = _now()
    await adapters.save_submission(conn, submitted, screened_at, reasons)
    await outbox.record(conn, adapters.submitted_event(submitted), service=SERVICE)
    await outbox.record(conn, adapters.screened_event(submitted, screened_at, reasons), service=SERVICE)
    return submitted


def _today(application: Application) -> date:
    assert application.submitted_at is not None
    return application.submitted_at.date()


async def withdraw(conn: asyncpg.Connection, application_id: UUID) -> Application:
    journey.tag(application_id)
    application = await adapters.get_for_update(conn, application_id)
    if application is None:
        raise NotFound(f"no application {application_id}")
    withdrawn, at = application.withdraw(), _now()
    await adapters.save_withdrawal(conn, withdrawn, at)
    await outbox.record(conn, adapters.withdrawn_event(withdrawn, at), service=SERVICE)
    return withdrawn


# --- the committee's decisions -------------------------------------------------------------

_DECISIONS: dict[type, Decision] = {
    ProjectApproved: "approved",
    ProjectRejected: "rejected",
    ProjectDeferred: "deferred",
}


@handlers.on(ProjectApproved)
@handlers.on(ProjectRejected)
@handlers.on(ProjectDeferred)
async def record_decision(
    conn: asyncpg.Connection, event: ProjectApproved | ProjectRejected | ProjectDeferred, _: Received
) -> None:
    """Once approved or rejected, an application can no longer be withdrawn.

    The committee refuses to decide an application it knows is withdrawn; but a withdrawal
    and a decision can cross (the withdrawal committed here before the committee read it).
    Then the withdrawal stands, as the applicant's own act recorded first; the decision is
    kept beside it and logged, for the network's operator to settle with the applicant."""
    journey.tag(event.application_id)
    decision = _DECISIONS[type(event)]
    status = await adapters.add_committee_decision(conn, event.application_id, decision, event.decided_at)
    if status == "withdrawn" and decision in FINAL_DECISIONS:
        log.warning(
            "application %s was %s by the committee after its withdrawal: the withdrawal stands",
            event.application_id,
            decision,
        )


async def erase_applicant(conn: asyncpg.Connection, applicant_id: UUID) -> None:
    if not await adapters.erase_applicant(conn, applicant_id):
        raise NotFound(f"no applicant {applicant_id}")
