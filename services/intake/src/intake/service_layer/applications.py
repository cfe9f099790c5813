"""Applications: drafts, submission with screening, withdrawal; the applicants' personal
data and its erasure; the territories' eligibility rules; the committee's decisions."""

from __future__ import annotations

import logging
from uuid import UUID, uuid4

from alize_chassis import journey
from alize_chassis.errors import Forbidden, NotFound, Rejected
from alize_chassis.identifiers import firm_of, normalise_firm_id
from alize_chassis.identity import Role
from alize_chassis.unit_of_work import UnitOfWork
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved, ProjectRejected
from alize_contracts.events import ProjectDeferred

from intake.adapters import applications, calls
from intake.domain.applications import FINAL_DECISIONS, Application, Decision, EligibilityRules, size_class
from intake.domain.commands import (
    CreateApplication,
    EraseApplicant,
    ReviseDraft,
    SetEligibilityRules,
    SubmitApplication,
    WithdrawApplication,
)
from intake.service_layer.calls import now

log = logging.getLogger(__name__)


async def set_rules(uow: UnitOfWork, command: SetEligibilityRules) -> EligibilityRules:
    rules = EligibilityRules(**command.rules.model_dump())
    await applications.set_rules(uow.conn, command.territory, command.programme, rules)
    return rules


async def create_application(uow: UnitOfWork, command: CreateApplication) -> Application:
    """A draft, submitted at once when the command says so."""
    call = await calls.get_call(uow.conn, command.call_id)
    if call is None:
        raise Rejected(f"call_id {command.call_id} is not a known call for applications")
    applicant_id = uuid4() if command.contact else None
    details = command.model_dump(exclude={"call_id", "firm_id", "contact", "jobs_planned", "submit", "firm_size"})
    firm_id = normalise_firm_id(command.firm_id) if command.firm_id else None
    owner = _own_account(uow, firm_id)
    application = Application(
        id=uuid4(),
        call=call,
        firm_id=firm_id,
        owner=owner,
        applicant_id=applicant_id,
        firm_size=command.firm_size or (size_class(command.baseline_headcount) if command.firm_id else None),
        jobs_planned_created=command.jobs_planned.created,
        jobs_planned_maintained=command.jobs_planned.maintained,
        **details,
    )
    journey.tag(application.id)
    if applicant_id and command.contact:
        await applications.add_applicant(uow.conn, applicant_id, command.contact.model_dump())
    await applications.add(uow.conn, application)
    if command.submit:
        application = await _submit(uow, application)
    return application


def _own_account(uow: UnitOfWork, firm_id: str | None) -> str | None:
    """An applicant acting from its own account applies for its own firm only (the `firm_id` its
    account is linked to), or as a person with no firm yet; the application is then its own."""
    if uow.actor is None or not uow.actor.acts_as(Role.FIRM):
        return None
    own_firm = uow.actor.principal.party("firm_id")
    if firm_id is not None and (own_firm is None or firm_of(firm_id) != own_firm):
        raise Forbidden("an applicant's account applies for its own firm only", location="body.firm_id")
    return uow.actor.subject


async def revise_draft(uow: UnitOfWork, command: ReviseDraft) -> Application:
    journey.tag(command.application_id)
    application = await _for_update(uow, command.application_id)
    changes = command.changes.model_dump(exclude_unset=True, exclude={"jobs_planned"})
    if command.changes.jobs_planned is not None:
        changes["jobs_planned_created"] = command.changes.jobs_planned.created
        changes["jobs_planned_maintained"] = command.changes.jobs_planned.maintained
    if changes.get("firm_id"):
        changes["firm_id"] = normalise_firm_id(changes["firm_id"])
        _own_account(uow, changes["firm_id"])
    revised = application.revise(**changes)
    await applications.save_draft(uow.conn, revised)
    return revised


async def submit(uow: UnitOfWork, command: SubmitApplication) -> Application:
    journey.tag(command.application_id)
    return await _submit(uow, await _for_update(uow, command.application_id))


async def _submit(uow: UnitOfWork, application: Application) -> Application:
    rules = await applications.rules_for(uow.conn, application.territory, application.programme)
    submitted, events = application.submit(now(), rules)
    await applications.save_submission(uow.conn, submitted)
    uow.emit(*events)
    return submitted


async def withdraw(uow: UnitOfWork, command: WithdrawApplication) -> Application:
    journey.tag(command.application_id)
    application = await _for_update(uow, command.application_id)
    withdrawn, event = application.withdraw(now())
    await applications.save_withdrawal(uow.conn, withdrawn)
    uow.emit(event)
    return withdrawn


async def _for_update(uow: UnitOfWork, application_id: UUID) -> Application:
    application = await applications.application_for_update(uow.conn, application_id)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return application


async def erase_applicant(uow: UnitOfWork, command: EraseApplicant) -> None:
    if not await applications.erase_applicant(uow.conn, command.applicant_id):
        raise NotFound(f"no applicant {command.applicant_id}")


# --- the committee's decisions (incoming events) ------------------------------------------

_DECISIONS: dict[type, Decision] = {
    ProjectApproved: "approved",
    ProjectRejected: "rejected",
    ProjectDeferred: "deferred",
}


async def record_decision(
    uow: UnitOfWork, event: ProjectApproved | ProjectRejected | ProjectDeferred, _: Received
) -> None:
    """Once approved or rejected, an application can no longer be withdrawn.

    The committee refuses to decide an application it knows is withdrawn; but a withdrawal
    and a decision can cross (the withdrawal committed here before the committee read it).
    Then the withdrawal stands, as the applicant's own act recorded first; the decision is
    kept beside it and logged, for the network's operator to settle with the applicant."""
    journey.tag(event.application_id)
    decision = _DECISIONS[type(event)]
    status = await applications.add_committee_decision(uow.conn, event.application_id, decision, event.decided_at)
    if status == "withdrawn" and decision in FINAL_DECISIONS:
        log.warning(
            "application %s was %s by the committee after its withdrawal: the withdrawal stands",
            event.application_id,
            decision,
        )
