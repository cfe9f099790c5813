"""Applications: the rules an application must meet to be accepted. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from alize_chassis.errors import Rejected
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

SKILL_SPONSORSHIP = "skill_sponsorship"


def normalise_firm_id(raw: str) -> str:
    """A French SIREN (9 digits) or SIRET (14 digits), or a Belgian enterprise
    number (stored as BE + 10 digits). Checksums are python-stdnum's."""
    text = raw.strip()
    compact = "".join(ch for ch in text if ch.isalnum()).upper()
    try:
        if compact.startswith("BE") or len(compact) == 10:
            return "BE" + be_vat.validate(compact)[-10:]
        if len(compact) == 9:
            return siren.validate(compact)
        if len(compact) == 14:
            return siret.validate(compact)
    except StdnumError as exc:
        raise Rejected(
            f"firm_id {raw!r} is not a valid SIREN, SIRET or Belgian enterprise number: {exc}"
        ) from exc
    raise Rejected(
        f"firm_id {raw!r} is neither a SIREN (9 digits), a SIRET (14 digits) "
        "nor a Belgian enterprise number (10 digits)"
    )


@dataclass(frozen=True)
class Application:
    id: UUID
    territory: str
    programme: str
    firm_id: str | None
    submitted_at: datetime
    jobs_planned_created: int
    jobs_planned_maintained: int
    baseline_headcount: int
    skills_needed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.programme == SKILL_SPONSORSHIP and self.firm_id is None:
            raise Rejected("a skill-sponsorship application needs the firm's identifier (firm_id)")
        if self.jobs_planned_maintained > self.baseline_headcount:
            raise Rejected(
                f"jobs_planned.maintained ({self.jobs_planned_maintained}) cannot exceed "
                f"baseline_headcount ({self.baseline_headcount}): only existing positions "
                "can be maintained"
            )
