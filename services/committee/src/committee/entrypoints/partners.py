"""HTTP: partner companies, their competences and the partners suggested for an application."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from alize_contracts import Territory, dates
from alize_contracts.events import CapacityYear
from fastapi import APIRouter, Query, Response

from committee import views
from committee.domain.commands import AddPartner, CompetenceOffer, ErasePartnerContact, OfferCompetence
from committee.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter()


@router.post("/partners", status_code=201, tags=["partners"], response_model=views.PartnerAdded)
async def add_partner(body: AddPartner, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_partner)


@router.post("/partners/{partner_id}/competences", status_code=201, tags=["partners"], response_model=CompetenceOffer)
async def offer_competence(
    partner_id: UUID, body: CompetenceOffer, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = OfferCompetence(partner_id=partner_id, offer=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_offer)


@router.delete("/partners/{partner_id}/contact", status_code=204, tags=["partners"])
async def erase_contact(partner_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the contact person's name and e-mail are removed; the company stays."""
    await bus.execute(ErasePartnerContact(partner_id=partner_id), idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.get("/partners", tags=["partners"])
async def partners(db: Pool, territory: Territory | None = None) -> list[dict[str, Any]]:
    return await views.partner_list(db, territory)


@router.get("/applications/{application_id}/partner-suggestions", tags=["partners"])
async def partner_suggestions(
    application_id: UUID, db: Pool, year: Annotated[CapacityYear | None, Query()] = None
) -> list[views.SuggestionView]:
    """Partners ranked for the application: same territory first, then overlap of needed and offered
    competences, then remaining capacity in `year` (default: this year)."""
    return await views.suggestions(db, application_id, year or dates.today().year)
