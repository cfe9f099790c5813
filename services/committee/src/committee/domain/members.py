"""Committee members and their conflicts of interest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from uuid import UUID

from alize_chassis.errors import Rejected
from alize_chassis.identifiers import firm_of, normalise_firm_id


@dataclass(frozen=True)
class Member:
    id: UUID
    territory: str
    partner_id: UUID | None = None  # a member who works for a partner company
    firm_conflicts: frozenset[str] = frozenset()
    partner_conflicts: frozenset[UUID] = frozenset()

    def conflict_with(self, firm_id: str | None, partners: Iterable[UUID]) -> str | None:
        """Why this member must abstain on a project, or None."""
        if firm_id is not None and firm_of(firm_id) in {firm_of(f) for f in self.firm_conflicts}:
            return f"tied to the firm {firm_id}"
        for partner in partners:
            if partner in self.partner_conflicts or partner == self.partner_id:
                return f"tied to the assigned partner {partner}"
        return None


@dataclass(frozen=True)
class Tie:
    """A member's declared tie: to a firm or to a partner company, exactly one."""

    firm_id: str | None
    partner_id: UUID | None

    def __post_init__(self) -> None:
        if (self.firm_id is None) == (self.partner_id is None):
            raise Rejected("give exactly one of firm_id or partner_id")

    def normalised(self) -> Tie:
        """The firm's identifier as an application's is (checked, without spaces)."""
        return replace(self, firm_id=normalise_firm_id(self.firm_id)) if self.firm_id is not None else self
