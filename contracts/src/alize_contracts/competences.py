"""The shared catalogue of competences partner companies offer and applicants need.

Events carry a competence as its code (a plain string, so a code added to the
catalogue later never breaks an older reader); the services that write events
check codes against this catalogue.
"""

from typing import Final

CATALOGUE: Final[dict[str, str]] = {
    "strategic-positioning": "Strategic positioning and business model",
    "sales": "Sales and commercial development",
    "export": "Export and international development",
    "digital-marketing": "Digital marketing and e-commerce",
    "finance": "Financial management and funding",
    "hr": "Human resources and recruitment",
    "hse": "Health, safety and environment (incl. SEVESO qualification)",
    "quality": "Quality management and certification",
    "lean-manufacturing": "Production organisation and lean manufacturing",
    "it": "Information systems",
    "purchasing": "Purchasing and supply chain",
    "legal": "Legal and contracts",
    "business-plan": "Business plan (self-employment guidance)",
    "takeover": "Business takeover and transfer",
}


def unknown(codes: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The codes that are not in the catalogue, in the order given."""
    return [c for c in codes if c not in CATALOGUE]
