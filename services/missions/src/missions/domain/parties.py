"""Who acts on a mission: the lending partner company or the host firm, as the caller's
verified account says (its `partner_id` or `firm_id` claim)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Party:
    kind: Literal["partner", "firm"]
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
