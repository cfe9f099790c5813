"""Who acts: the lending partner company or the host firm (no authentication yet:
the caller names itself in the `Alize-Party` header)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alize_chassis.errors import Rejected


@dataclass(frozen=True)
class Party:
    kind: Literal["partner", "firm"]
    id: str

    @classmethod
    def parse(cls, header: str) -> Party:
        kind, _, identifier = header.partition(":")
        if kind not in ("partner", "firm") or not identifier:
            raise Rejected("the Alize-Party header is not 'partner:<partner id>' or 'firm:<firm id>'")
        return cls(kind, identifier.strip())  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
