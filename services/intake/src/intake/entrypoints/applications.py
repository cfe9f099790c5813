"""HTTP: applications and their applicants' personal data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from intake import views
from intake.domain.commands import (
    CreateApplication,
    DraftChanges,
    EraseApplicant,
    ReviseDraft,
    SubmitApplication,
    WithdrawApplication,
)
from intake.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter()


@router.post("/applications", status_code=201, tags=["applications"], response_model=views.ApplicationView)
async def create_application(body: CreateApplication, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_application)


@router.patch("/applications/{application_id}", tags=["applications"], response_model=views.ApplicationView)
async def revise_draft(
    application_id: UUID, body: DraftChanges, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = ReviseDraft(application_id=application_id, changes=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_application)


@router.post("/applications/{application_id}/submit", tags=["applications"], response_model=views.ApplicationView)
async def submit(application_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = SubmitApplication(application_id=application_id)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_application)


@router.post("/applications/{application_id}/withdraw", tags=["applications"], response_model=views.ApplicationView)
async def withdraw(application_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = WithdrawApplication(application_id=application_id)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_application)


@router.get("/applications/{application_id}", tags=["applications"])
async def get_application(application_id: UUID, db: Pool) -> views.ApplicationView:
    return await views.application(db, application_id)


@router.get("/applicants/{applicant_id}", tags=["applicants"])
async def get_applicant(applicant_id: UUID, db: Pool) -> views.ApplicantView:
    return await views.applicant(db, applicant_id)


@router.delete("/applicants/{applicant_id}", status_code=204, tags=["applicants"])
async def erase_applicant(applicant_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the person's data is removed; the anonymous facts of their
    applications stay (no event ever carried the personal data)."""
    await bus.execute(EraseApplicant(applicant_id=applicant_id), idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.get("/competences", tags=["reference"])
async def competences() -> dict[str, str]:
    """The shared competence catalogue: code → label."""
    from alize_contracts.competences import CATALOGUE

    return CATALOGUE
