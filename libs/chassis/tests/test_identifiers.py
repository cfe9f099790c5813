import pytest
from alize_chassis.errors import Rejected
from alize_chassis.identifiers import normalise_firm_id


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
    with pytest.raises(Rejected, match="firm_id") as refused:
        normalise_firm_id(raw)
    assert raw not in str(refused.value)  # input is never echoed
