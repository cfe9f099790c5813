"""Projects and their missions: opened from approvals and amendments; the territories' mission
window; conventions, days and their review, closure."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from uuid import UUID, uuid4

from alize_chassis import journey
from alize_chassis.errors import NotFound
from alize_chassis.journey import Journey
from alize_chassis.unit_of_work import UnitOfWork
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved
from alize_contracts.events import MissionOpened, ProjectAmended

from missions.adapters import missions as repository
from missions.domain.commands import (
    CloseMission,
    ConfirmDay,
    DisputeDay,
    DrawUpConvention,
    EraseEvaluationComment,
    EraseExpert,
    LogMissionDay,
    SetMissionWindow,
    SignConvention,
)
from missions.domain.missions import Convention, Day, Mission, opened_on_approval
from missions.domain.parties import Party
from missions.domain.projects import Project

# --- the committee's decisions (incoming events) ------------------------------------------


async def _open(uow: UnitOfWork, opened: Iterable[tuple[Mission, MissionOpened]]) -> None:
    """Store the missions opened and emit their MissionOpened, in order."""
    for mission, event in opened:
        await repository.open_mission(uow.conn, mission)
        uow.emit(event)


async def open_missions(uow: UnitOfWork, event: ProjectApproved, _: Received) -> None:
    """The approved project, and its missions (one per assigned partner and competence)."""
    journey.tag(event.application_id)
    project = Project.approved(event)
    if not await repository.add_project(uow.conn, project, journey.current_context()):
        return
    window = await repository.window_months(uow.conn, project.territory)
    await _open(uow, opened_on_approval(project, event, window))


async def amend_missions(uow: UnitOfWork, event: ProjectAmended, _: Received) -> None:
    """More days: the mission of that partner and competence grows, or a new one opens."""
    journey.tag(event.application_id)
    found = await repository.project(uow.conn, event.application_id)
    if found is None:  # the approval comes first on the same partition; a stray amendment is ignored
        return
    project = found[0]  # not its stored journey: the events go out in the consumer's span, as on approval
    window = await repository.window_months(uow.conn, project.territory)
    for assignment in event.partners:
        days = Decimal(str(assignment.days))
        mission = await repository.assigned_mission_for_update(
            uow.conn, event.application_id, assignment.partner_id, assignment.competence
        )
        if mission is None:
            await _open(uow, [Mission.open(uuid4(), project, days, assignment, window)])
            continue
        amended, amended_event = mission.amend(days, event.session_id)
        await repository.save_budget(uow.conn, amended)
        uow.emit(amended_event)


# --- commands ------------------------------------------------------------------------------


async def set_window(uow: UnitOfWork, command: SetMissionWindow) -> None:
    await repository.set_window_months(uow.conn, command.territory, command.window.months)


async def _for_update(uow: UnitOfWork, mission_id: UUID) -> tuple[Mission, Journey]:
    found = await repository.mission_for_update(uow.conn, mission_id)
    if found is None:
        raise NotFound(f"no mission {mission_id}")
    journey.tag(found[0].application_id)
    return found


async def draw_up_convention(uow: UnitOfWork, command: DrawUpConvention) -> Mission:
    mission, stored = await _for_update(uow, command.mission_id)
    terms = command.terms
    with uow.journey("missions convention", stored):
        expert_id = uuid4()
        drawn = mission.draw_up_convention(Convention(expert_id, terms.starts_on, terms.ends_on))
        if terms.signed_on is not None:
            drawn, signed = drawn.sign(terms.signed_on)
            uow.emit(signed)
        await repository.add_expert(uow.conn, expert_id, terms.expert)
        await repository.save_convention(uow.conn, drawn)
    return drawn


async def sign_convention(uow: UnitOfWork, command: SignConvention) -> Mission:
    mission, stored = await _for_update(uow, command.mission_id)
    with uow.journey("missions sign convention", stored):
        signed, event = mission.sign(command.signature.signed_on)
        await repository.save_convention(uow.conn, signed)
        uow.emit(event)
    return signed


async def log_day(uow: UnitOfWork, command: LogMissionDay) -> Day:
    mission, stored = await _for_update(uow, command.mission_id)
    logged = command.day
    days = Decimal(str(logged.days))
    with uow.journey("missions log day", stored):
        already = await repository.days_on(uow.conn, mission.id, logged.worked_on)
        day, event = mission.log_day(command.party, uuid4(), logged.worked_on, days, logged.competence, already)
        await repository.add_day(uow.conn, day)
        uow.emit(event)
    return day


async def confirm_day(uow: UnitOfWork, command: ConfirmDay) -> Day:
    return await _review_day(uow, command.party, command.mission_id, command.day_id, None)


async def dispute_day(uow: UnitOfWork, command: DisputeDay) -> Day:
    return await _review_day(uow, command.party, command.mission_id, command.day_id, command.dispute.reason)


async def _review_day(uow: UnitOfWork, party: Party, mission_id: UUID, day_id: UUID, reason: str | None) -> Day:
    mission, stored = await _for_update(uow, mission_id)
    with uow.journey("missions review day", stored):
        mission.check_review(party)  # who reviews is checked before the day is looked up
        day = await repository.day_for_update(uow.conn, mission_id, day_id)
        if day is None:
            raise NotFound(f"no day {day_id} on mission {mission_id}")
        reviewed, event = mission.review_day(day, reason)
        await repository.save_review(uow.conn, reviewed, reason)
        uow.emit(event)
    return reviewed


async def erase_expert(uow: UnitOfWork, command: EraseExpert) -> None:
    if not await repository.erase_expert(uow.conn, command.mission_id):
        raise NotFound(f"mission {command.mission_id} has no convention naming an expert")


async def erase_evaluation_comment(uow: UnitOfWork, command: EraseEvaluationComment) -> None:
    await repository.erase_evaluation_comment(uow.conn, command.mission_id)


async def close(uow: UnitOfWork, command: CloseMission) -> Mission:
    mission, stored = await _for_update(uow, command.mission_id)
    closure = command.closure
    with uow.journey("missions close", stored):
        closed, event = mission.close(command.party, closure.closed_on, closure.satisfaction)
        await repository.save_closure(uow.conn, closed, closure.satisfaction, closure.comment)
        uow.emit(event)
    return closed
