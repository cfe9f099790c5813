"""Partner companies: joining the network with their sites, offering a competence's
yearly capacity, the capacity left, and the partners suggested for a project."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from alize_chassis.errors import Rejected
from alize_contracts.competences import unknown as unknown_competences
from alize_contracts.events import CompetenceOffered, PartnerJoined, PartnerSite


def check_competence(competence: str) -> None:
    """Refused unless `competence` is in the shared catalogue."""
    if unknown_competences([competence]):
        raise Rejected("the competence is not in the catalogue (GET /competences on intake)")


@dataclass(frozen=True)
class Site:
    id: UUID
    territory: str
    city: str | None = None


@dataclass(frozen=True)
class Partner:
    id: UUID
    company_name: str
    territory: str
    sites: tuple[Site, ...]

    def join(self, at: datetime) -> PartnerJoined:
        return PartnerJoined(
            territory=self.territory,
            partner_id=self.id,
            company_name=self.company_name,
            joined_at=at,
            sites=[PartnerSite(site_id=site.id, territory=site.territory) for site in self.sites],
        )


@dataclass(frozen=True)
class CapacityOffer:
    """A partner's yearly capacity of one competence at one of its sites."""

    partner_id: UUID
    site_id: UUID
    competence: str
    year: int
    days: Decimal

    def __post_init__(self) -> None:
        check_competence(self.competence)

    def offered(self, territory: str) -> CompetenceOffered:
        return CompetenceOffered(
            territory=territory,
            partner_id=self.partner_id,
            site_id=self.site_id,
            competence=self.competence,
            year=self.year,
            yearly_capacity_days=float(self.days),
        )


@dataclass(frozen=True)
class Capacity:
    partner_id: UUID
    competence: str
    year: int
    offered: Decimal
    assigned: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.offered - self.assigned

    def check(self, days: Decimal) -> None:
        if days > self.remaining:
            raise Rejected(
                f"partner {self.partner_id} has {self.remaining} of {self.offered} days of '{self.competence}' "
                f"left in {self.year}; {days} asked"
            )

    def assign(self, days: Decimal) -> Capacity:
        """The capacity once `days` are assigned (refused if over what is left)."""
        self.check(days)
        return replace(self, assigned=self.assigned + days)


# --- partner suggestions -------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    partner_id: UUID
    company_name: str
    territories: frozenset[str]
    competence: str
    remaining_days: Decimal


@dataclass(frozen=True)
class Suggestion:
    partner_id: UUID
    company_name: str
    competences: tuple[str, ...]
    remaining_days: Decimal
    same_territory: bool


def suggest(needed: Sequence[str], territory: str, offers: Iterable[Offer]) -> list[Suggestion]:
    """Partners ranked: same territory first, then most needed competences covered,
    then most remaining capacity on those competences."""
    by_partner: dict[UUID, list[Offer]] = {}
    for offer in offers:
        if offer.competence in needed and offer.remaining_days > 0:
            by_partner.setdefault(offer.partner_id, []).append(offer)
    suggestions = [
        Suggestion(
            partner_id=partner_id,
            company_name=found[0].company_name,
            competences=tuple(sorted({o.competence for o in found})),
            remaining_days=sum((o.remaining_days for o in found), Decimal(0)),
            same_territory=territory in found[0].territories,
        )
        for partner_id, found in by_partner.items()
    ]
    return sorted(
        suggestions,
        key=lambda s: (not s.same_territory, -len(s.competences), -s.remaining_days, s.company_name),
    )
