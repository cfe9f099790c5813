"""Firm identifiers: validated and normalised with python-stdnum (no hand-written checksums)."""

from __future__ import annotations

from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

from alize_chassis.errors import Rejected


def normalise_firm_id(raw: str, field: str = "firm_id") -> str:
    """A French SIREN (9 digits) or SIRET (14 digits), or a Belgian enterprise
    number (stored as BE + 10 digits)."""
    compact = "".join(ch for ch in raw.strip() if ch.isalnum()).upper()
    try:
        if compact.startswith("BE") or len(compact) == 10:
            return "BE" + be_vat.validate(compact)[-10:]
        if len(compact) == 9:
            return str(siren.validate(compact))
        if len(compact) == 14:
            return str(siret.validate(compact))
    except StdnumError as exc:
        raise Rejected(f"{field} is not a valid SIREN, SIRET or Belgian enterprise number: {exc}") from exc
    raise Rejected(
        f"{field} is neither a SIREN (9 digits), a SIRET (14 digits) nor a Belgian enterprise number (10 digits)"
    )


def firm_of(firm_id: str) -> str:
    """The firm a normalised identifier refers to: a SIRET names one establishment of the firm
    whose SIREN is its first nine digits; a SIREN or a Belgian enterprise number, the firm itself."""
    return firm_id[:9] if len(firm_id) == 14 and firm_id.isdigit() else firm_id
