from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alize_chassis.errors import Rejected
from intake.domain import Application, normalise_firm_id


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("404 833 048", "404833048"),  # SIREN with spaces
        ("552 100 554 00013", "55210055400013"),  # SIRET
        ("BE 0403.170.701", "BE0403170701"),  # Belgian enterprise number
        ("0403170701", "BE0403170701"),
    ],
)
def test_firm_identifiers_are_validated_and_normalised(raw: str, normalised: str) -> None:
    assert normalise_firm_id(raw) == normalised


@pytest.mark.parametrize("raw", ["404833049", "55210055400014", "BE0403170702", "12345", "ABCDEFGHI"])
def test_bad_firm_identifiers_are_refused_with_the_reason(raw: str) -> None:
    with pytest.raises(Rejected, match="firm_id"):
        normalise_firm_id(raw)


def _application(**overrides: object) -> Application:
    values: dict[str, object] = {
        "id": uuid4(),
        "territory": "indre",
        "programme": "skill_sponsorship",
        "firm_id": "404833048",
        "submitted_at": datetime.now(UTC),
        "jobs_planned_created": 2,
        "jobs_planned_maintained": 5,
        "baseline_headcount": 5,
    }
    return Application(**{**values, **overrides})  # type: ignore[arg-type]


def test_skill_sponsorship_needs_a_firm() -> None:
    with pytest.raises(Rejected, match="firm"):
        _application(firm_id=None)
    assert _application(programme="self_employment", firm_id=None).firm_id is None


def test_cannot_maintain_more_jobs_than_the_baseline() -> None:
    with pytest.raises(Rejected, match="baseline_headcount"):
        _application(jobs_planned_maintained=6, baseline_headcount=5)
