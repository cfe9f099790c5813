"""Self-employment guidance: counsellors, sessions, the participant's outcome, survival checks."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from alize_chassis import journey
from alize_chassis.errors import Conflict, Forbidden, NotFound
from alize_chassis.identifiers import normalise_firm_id
from alize_chassis.identity import Role
from alize_chassis.journey import Journey
from alize_chassis.unit_of_work import UnitOfWork

from missions.adapters import guidance as repository
from missions.domain.commands import AddCounsellor, EraseCounsellor, LogGuidanceSession, RecordOutcome, ReportSurvival
from missions.domain.guidance import Session, Track


async def erase_counsellor(uow: UnitOfWork, command: EraseCounsellor) -> None:
    if not await repository.erase_counsellor(uow.conn, command.counsellor_id):
        raise NotFound(f"no counsellor {command.counsellor_id}")


async def add_counsellor(uow: UnitOfWork, command: AddCounsellor) -> UUID:
    counsellor_id = uuid4()
    await repository.add_counsellor(uow.conn, counsellor_id, command.territory, command.full_name, command.email)
    return counsellor_id


async def _for_update(uow: UnitOfWork, application_id: UUID) -> tuple[Track, Journey]:
    journey.tag(application_id)
    found = await repository.track_for_update(uow.conn, application_id)
    if found is None:
        raise NotFound(f"no guidance track for application {application_id} (an approved self-employment project)")
    return found


async def log_session(uow: UnitOfWork, command: LogGuidanceSession) -> Session:
    given = command.session
    if uow.actor is not None and uow.actor.acts_as(Role.COUNSELLOR):
        if uow.actor.principal.party("counsellor_id") != str(given.counsellor_id):
            raise Forbidden("a counsellor logs its own sessions only", location="body.counsellor_id")
    track, stored = await _for_update(uow, command.application_id)
    with uow.journey("missions guidance session", stored):
        territory = await repository.counsellor_territory(uow.conn, given.counsellor_id)
        session, event = track.log_session(
            uuid4(), given.counsellor_id, territory, given.held_on, Decimal(str(given.days))
        )
        await repository.add_session(uow.conn, session)
        uow.emit(event)
    return session


async def record_outcome(uow: UnitOfWork, command: RecordOutcome) -> Track:
    track, stored = await _for_update(uow, command.application_id)
    given = command.outcome
    with uow.journey("missions guidance outcome", stored):
        firm_id = normalise_firm_id(given.firm_id) if given.firm_id else None
        recorded, events = track.record_outcome(given.outcome, given.recorded_on, firm_id, given.created_on)
        await repository.add_outcome(uow.conn, track.application_id, given.outcome, given.recorded_on, firm_id)
        if firm_id is not None and given.created_on is not None:
            if not await repository.add_business(uow.conn, firm_id, track.application_id, given.created_on):
                raise Conflict(f"firm {firm_id} is already recorded as created by another participant")
        uow.emit(*events)
    return recorded


async def report_survival(uow: UnitOfWork, command: ReportSurvival) -> None:
    firm_id = normalise_firm_id(command.firm_id)
    found = await repository.business_for_update(uow.conn, firm_id)
    if found is None:
        raise NotFound(f"no business {firm_id} was created through a guidance track: no survival check for it")
    business, stored = found
    journey.tag(business.application_id)
    check = command.check
    with uow.journey("missions survival check", stored):
        event = business.report_survival(check.years, check.active, check.checked_on)
        await repository.add_survival_check(uow.conn, firm_id, check.years, check.active, check.checked_on)
        uow.emit(event)
