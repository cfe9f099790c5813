"""Follow-up declarations of headcount, turned into jobs created and maintained."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.errors import Conflict, NotFound
from alize_chassis.journey import continue_journey, tag

from missions.adapters import jobs as adapters
from missions.adapters import missions as projects
from missions.domain.jobs import check_declaration, jobs_at
from missions.service_layer import SERVICE


async def declare(conn: asyncpg.Connection, application_id: UUID, as_of: date, headcount: int) -> tuple[int, int]:
    tag(application_id)
    project = await projects.project(conn, application_id)
    if project is None:
        raise NotFound(f"application {application_id} is not an approved project")
    baseline = project["baseline_headcount"]
    if baseline is None:
        raise Conflict(
            f"the baseline headcount of project {application_id} is unknown (approved before "
            "contracts 1.2): jobs cannot be measured against it"
        )
    with continue_journey("missions declare jobs", project["trace_context"]):
        check_declaration(as_of, project["approved_on"])
        created, maintained = jobs_at(headcount, baseline)
        declaration_id = uuid4()
        await adapters.add_declaration(
            conn, declaration_id, application_id, as_of, headcount, baseline, created, maintained
        )
        event = adapters.declared_event(project, declaration_id, as_of, headcount, baseline, created, maintained)
        await outbox.record(conn, event, service=SERVICE)
    return created, maintained
