"""Projects and their missions: opened from approvals and amendments; conventions, days, closure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.errors import NotFound, Rejected
from alize_chassis.journey import continue_journey, current_context, tag
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved
from alize_contracts.events import PartnerAssignment, ProjectAmended

from missions.adapters import missions as adapters
from missions.domain.missions import WINDOW_RANGE, Convention, Day, Mission, add_months
from missions.domain.parties import Party
from missions.service_layer import SERVICE, handlers


async def _open(
    conn: asyncpg.Connection, project: dict[str, Any], days: Decimal, assignment: PartnerAssignment | None
) -> None:
    months = await adapters.window_months(conn, project["territory"])
    mission = Mission(
        id=uuid4(),
        application_id=project["application_id"],
        territory=project["territory"],
        firm_id=project["firm_id"],
        partner_id=assignment.partner_id if assignment else None,
        competence=assignment.competence if assignment else None,
        days_budget=days,
        approved_on=project["approved_on"],
        window_ends_on=add_months(project["approved_on"], months),
    )
    await adapters.open_mission(conn, mission)
    await outbox.record(conn, adapters.opened_event(mission), service=SERVICE)


@handlers.on(ProjectApproved)
async def open_missions(conn: asyncpg.Connection, event: ProjectApproved, _: Received) -> None:
    """One mission per assigned partner and competence (one without a partner for 1.0 approvals)."""
    tag(event.application_id)
    if not await adapters.add_project(conn, event, current_context()):
        return
    project = await adapters.project(conn, event.application_id)
    assert project is not None
    if event.partners:
        for assignment in event.partners:
            await _open(conn, project, Decimal(str(assignment.days)), assignment)
    elif event.skill_days_contracted > 0:
        await _open(conn, project, Decimal(str(event.skill_days_contracted)), None)


@handlers.on(ProjectAmended)
async def amend_missions(conn: asyncpg.Connection, event: ProjectAmended, _: Received) -> None:
    """More days: the mission of that partner and competence grows, or a new one opens."""
    tag(event.application_id)
    project = await adapters.project(conn, event.application_id)
    if project is None:  # the approval comes first on the same partition; a stray amendment is ignored
        return
    for assignment in event.partners:
        days = Decimal(str(assignment.days))
        found = await adapters.mission_for_assignment(
            conn, event.application_id, assignment.partner_id, assignment.competence
        )
        if found is None:
            await _open(conn, project, days, assignment)
            continue
        amended = found.amend(days)
        await adapters.save_budget(conn, amended)
        await outbox.record(conn, adapters.amended_event(amended, event.session_id, days), service=SERVICE)


async def set_window(conn: asyncpg.Connection, territory: str, months: int) -> None:
    if not WINDOW_RANGE[0] <= months <= WINDOW_RANGE[1]:
        raise Rejected(f"the mission window is {WINDOW_RANGE[0]} to {WINDOW_RANGE[1]} months, not {months}")
    await adapters.set_window_months(conn, territory, months)


async def _mission(conn: asyncpg.Connection, mission_id: UUID) -> tuple[Mission, dict[str, str]]:
    found = await adapters.mission(conn, mission_id, for_update=True)
    if found is None:
        raise NotFound(f"no mission {mission_id}")
    project = await adapters.project(conn, found.application_id)
    tag(found.application_id)
    return found, (project or {}).get("trace_context") or {}


async def draw_up_convention(
    conn: asyncpg.Connection,
    mission_id: UUID,
    expert: dict[str, Any],
    starts_on: date,
    ends_on: date,
    signed_on: date | None,
) -> Mission:
    mission, journey = await _mission(conn, mission_id)
    with continue_journey("missions convention", journey):
        expert_id = uuid4()
        drawn = mission.draw_up_convention(Convention(expert_id, starts_on, ends_on))
        if signed_on is not None:
            drawn = drawn.sign(signed_on)
        await adapters.add_expert(conn, expert_id, expert)
        await adapters.save_convention(conn, drawn)
        if signed_on is not None:
            await outbox.record(conn, adapters.signed_event(drawn), service=SERVICE)
    return drawn


async def sign_convention(conn: asyncpg.Connection, mission_id: UUID, signed_on: date) -> Mission:
    mission, journey = await _mission(conn, mission_id)
    with continue_journey("missions sign convention", journey):
        signed = mission.sign(signed_on)
        await adapters.save_convention(conn, signed)
        await outbox.record(conn, adapters.signed_event(signed), service=SERVICE)
    return signed


async def log_day(
    conn: asyncpg.Connection, party: Party, mission_id: UUID, worked_on: date, days: Decimal, competence: str | None
) -> Day:
    mission, journey = await _mission(conn, mission_id)
    with continue_journey("missions log day", journey):
        mission.check_day(party, worked_on, days, await adapters.days_on(conn, mission_id, worked_on))
        day = Day(id=uuid4(), mission_id=mission_id, worked_on=worked_on, days=days)
        competence = competence or mission.competence
        await adapters.add_day(conn, day, competence)
        await outbox.record(conn, adapters.day_logged_event(mission, day, competence), service=SERVICE)
    return day


async def review_day(
    conn: asyncpg.Connection, party: Party, mission_id: UUID, day_id: UUID, confirmed: bool, reason: str | None
) -> Day:
    mission, journey = await _mission(conn, mission_id)
    with continue_journey("missions review day", journey):
        mission.check_review(party)
        day = await adapters.day_for_update(conn, mission_id, day_id)
        if day is None:
            raise NotFound(f"no day {day_id} on mission {mission_id}")
        reviewed = day.review("confirmed" if confirmed else "disputed")
        await adapters.save_review(conn, reviewed, reason)
        await outbox.record(conn, adapters.day_reviewed_event(mission, reviewed, reason), service=SERVICE)
    return reviewed


async def close(
    conn: asyncpg.Connection, party: Party, mission_id: UUID, closed_on: date, satisfaction: int, comment: str | None
) -> Mission:
    mission, journey = await _mission(conn, mission_id)
    with continue_journey("missions close", journey):
        closed = mission.close(party, closed_on)
        await adapters.save_closure(conn, closed, satisfaction, comment)
        delivered = await adapters.days_delivered(conn, mission_id)
        await outbox.record(conn, adapters.closed_event(closed, delivered, satisfaction), service=SERVICE)
    return closed
