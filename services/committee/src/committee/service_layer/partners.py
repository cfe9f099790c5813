"""Partner companies joining the network and offering their competences' capacity."""

from __future__ import annotations

from uuid import uuid4

from alize_chassis.errors import NotFound, Rejected
from alize_chassis.unit_of_work import UnitOfWork

from committee.adapters import partners
from committee.domain.commands import AddPartner, ErasePartnerContact, OfferCompetence
from committee.domain.docket import half_days
from committee.domain.partners import CapacityOffer, Partner, Site
from committee.service_layer import now


async def add_partner(uow: UnitOfWork, command: AddPartner) -> Partner:
    sites = tuple(Site(uuid4(), site.territory, site.city) for site in command.sites)
    partner = Partner(uuid4(), command.company_name, command.territory, sites)
    await partners.add_partner(uow.conn, partner, command.contact.model_dump() if command.contact else None)
    uow.emit(partner.join(now()))
    return partner


async def erase_contact(uow: UnitOfWork, command: ErasePartnerContact) -> None:
    if not await partners.erase_contact(uow.conn, command.partner_id):
        raise NotFound(f"no partner company {command.partner_id}")


async def offer_competence(uow: UnitOfWork, command: OfferCompetence) -> CapacityOffer:
    offer = command.offer
    found = await partners.partner_with_site(uow.conn, command.partner_id, offer.site_id)
    if found is None:
        raise NotFound(f"no partner company {command.partner_id}")
    territory, its_site = found
    if not its_site:
        raise Rejected(f"site {offer.site_id} is not a site of partner {command.partner_id}")
    offered = CapacityOffer(
        command.partner_id, offer.site_id, offer.competence, offer.year, half_days(offer.yearly_capacity_days)
    )
    await partners.offer_competence(uow.conn, offered)
    uow.emit(offered.offered(territory))
    return offered
