"""Repayable advances: disbursement, schedule, repayments, arrears, write-off."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts.events import AdvanceDisbursed, AdvanceGranted, AdvanceRepaymentReceived, AdvanceWrittenOff
from alize_contracts.events import Installment as InstallmentEvent

from missions.domain.missions import add_months


@dataclass(frozen=True)
class Installment:
    due_on: date
    amount_cents: int


MAX_SCHEDULE_MONTHS = 120
"""A repayment schedule runs at most ten years from its first installment."""


def schedule(amount_cents: int, installments: int, first_due_on: date, months_between: int) -> tuple[Installment, ...]:
    """Equal installments; the last one takes the remainder of the division."""
    if installments < 1:
        raise Rejected("a schedule has at least one installment")
    if (span := (installments - 1) * months_between) > MAX_SCHEDULE_MONTHS:
        raise Rejected(
            f"{installments} installments {months_between} months apart run {span} months after the first: "
            f"a schedule runs at most {MAX_SCHEDULE_MONTHS} months"
        )
    each = amount_cents // installments
    amounts = [each] * (installments - 1) + [amount_cents - each * (installments - 1)]
    return tuple(Installment(add_months(first_due_on, i * months_between), a) for i, a in enumerate(amounts))


def euros(cents: int) -> str:
    return f"{cents / 100:.2f} EUR"


@dataclass(frozen=True)
class Advance:
    id: UUID
    application_id: UUID
    territory: str
    firm_id: str | None
    amount_cents: int
    disbursed_on: date | None = None
    installments: tuple[Installment, ...] = ()
    repaid_cents: int = 0
    written_off_cents: int = 0

    @classmethod
    def granted(cls, advance_id: UUID, event: AdvanceGranted) -> Advance:
        """The advance the committee granted, not disbursed yet."""
        return cls(
            id=advance_id,
            application_id=event.application_id,
            territory=event.territory,
            firm_id=event.firm_id,
            amount_cents=event.amount_cents,
        )

    @property
    def outstanding_cents(self) -> int:
        if self.disbursed_on is None:
            return 0
        return self.amount_cents - self.repaid_cents - self.written_off_cents

    def arrears_cents(self, today: date) -> int:
        """Installments due by `today` and not yet repaid (none once written off)."""
        if self.written_off_cents:
            return 0
        due = sum(i.amount_cents for i in self.installments if i.due_on <= today)
        return max(0, due - self.repaid_cents)

    def disburse(
        self, on: date, installments: tuple[Installment, ...], by: str | None = None
    ) -> tuple[Advance, AdvanceDisbursed]:
        """Paid out `on`, repaid by `installments`; `by`: who recorded it (the opaque subject the event carries)."""
        if self.disbursed_on is not None:
            raise Conflict(f"advance {self.id} was already disbursed on {self.disbursed_on}")
        if installments[0].due_on <= on:
            raise Rejected("the first installment falls due after the disbursement")
        disbursed = replace(self, disbursed_on=on, installments=installments)
        return disbursed, AdvanceDisbursed(
            territory=self.territory,
            advance_id=self.id,
            application_id=self.application_id,
            firm_id=self.firm_id,
            amount_cents=self.amount_cents,
            disbursed_on=on,
            schedule=[InstallmentEvent(due_on=i.due_on, amount_cents=i.amount_cents) for i in installments],
            recorded_by=by,
        )

    def repay(
        self, repayment_id: UUID, amount_cents: int, received_on: date, by: str | None = None
    ) -> tuple[Advance, AdvanceRepaymentReceived]:
        if self.disbursed_on is None:
            raise Conflict(f"advance {self.id} has not been disbursed: nothing is owed yet")
        if self.written_off_cents:
            raise Conflict(f"advance {self.id} was written off")
        if received_on < self.disbursed_on:
            raise Rejected(f"a repayment cannot precede the disbursement on {self.disbursed_on}")
        if amount_cents > self.outstanding_cents:
            raise Rejected(
                f"a repayment of {euros(amount_cents)} is above what is owed: "
                f"{euros(self.outstanding_cents)} on advance {self.id}"
            )
        repaid = replace(self, repaid_cents=self.repaid_cents + amount_cents)
        return repaid, AdvanceRepaymentReceived(
            territory=self.territory,
            advance_id=self.id,
            application_id=self.application_id,
            repayment_id=repayment_id,
            amount_cents=amount_cents,
            received_on=received_on,
            outstanding_cents=repaid.outstanding_cents,
            recorded_by=by,
        )

    def write_off(self, on: date, reason: str, by: str | None = None) -> tuple[Advance, AdvanceWrittenOff]:
        """What is still owed, written off `on` for `reason` (recorded `by`)."""
        if self.written_off_cents:
            raise Conflict(f"advance {self.id} was already written off")
        if self.outstanding_cents == 0:
            raise Conflict(f"advance {self.id} has nothing outstanding to write off")
        if self.disbursed_on is not None and on < self.disbursed_on:
            raise Rejected(f"a write-off cannot precede the disbursement on {self.disbursed_on}")
        written_off = replace(self, written_off_cents=self.outstanding_cents)
        return written_off, AdvanceWrittenOff(
            territory=self.territory,
            advance_id=self.id,
            application_id=self.application_id,
            amount_cents=written_off.written_off_cents,
            written_off_on=on,
            reason=reason,
            recorded_by=by,
        )
