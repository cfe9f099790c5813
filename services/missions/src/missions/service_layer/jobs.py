"""Follow-up declarations of headcount, turned into jobs created and maintained."""

from __future__ import annotations

from uuid import uuid4

from alize_chassis import journey
from alize_chassis.errors import NotFound
from alize_chassis.unit_of_work import UnitOfWork

from missions.adapters import jobs as repository
from missions.adapters import missions as projects
from missions.domain.commands import DeclareJobs
from missions.domain.jobs import Declaration, declare


async def declare_jobs(uow: UnitOfWork, command: DeclareJobs) -> Declaration:
    journey.tag(command.application_id)
    found = await projects.project(uow.conn, command.application_id)
    if found is None:
        raise NotFound(f"application {command.application_id} is not an approved project")
    project, stored = found
    given = command.declaration
    with uow.journey("missions declare jobs", stored):
        declaration, event = declare(project, uuid4(), given.as_of, given.headcount)
        await repository.add_declaration(uow.conn, declaration)
        uow.emit(event)
    return declaration
