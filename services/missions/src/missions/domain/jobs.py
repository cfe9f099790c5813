"""Jobs measured against the baseline headcount, as IRIS+ defines them."""

from __future__ import annotations

from datetime import date

from alize_chassis.errors import Rejected


def jobs_at(headcount: int, baseline: int) -> tuple[int, int]:
    """(created, maintained): created = net new full-time equivalents since the baseline
    (IRIS+ PI3687); maintained = baseline positions still filled (PI5691) — a vacated
    and refilled post is maintained, not created."""
    return max(0, headcount - baseline), min(headcount, baseline)


def check_declaration(as_of: date, approved_on: date | None) -> None:
    """`as_of` is not in the future (alize_contracts.dates.PastDate, at the API) nor before the approval."""
    if approved_on is not None and as_of < approved_on:
        raise Rejected(f"as_of ({as_of}) is before the project's approval on {approved_on}")
