"""Committee members and their declared conflicts of interest."""

from __future__ import annotations

from uuid import uuid4

from alize_chassis.errors import NotFound, Rejected
from alize_chassis.unit_of_work import UnitOfWork

from committee.adapters import members, partners
from committee.domain.commands import AddMember, DeclareConflict, EraseMember
from committee.domain.members import Member, Tie


async def add_member(uow: UnitOfWork, command: AddMember) -> Member:
    if command.partner_id and not await partners.partner_territory(uow.conn, command.partner_id):
        raise Rejected(f"partner_id {command.partner_id} is not a known partner company")
    member = Member(id=uuid4(), territory=command.territory, partner_id=command.partner_id)
    await members.add_member(
        uow.conn, member, full_name=command.full_name, email=command.email, organisation=command.organisation
    )
    return member


async def erase_member(uow: UnitOfWork, command: EraseMember) -> None:
    if not await members.erase_member(uow.conn, command.member_id):
        raise NotFound(f"no committee member {command.member_id}")


async def declare_conflict(uow: UnitOfWork, command: DeclareConflict) -> Tie:
    """Record the tie; the firm's identifier is normalised (checked like an application's)."""
    tie = Tie(command.tie.firm_id, command.tie.partner_id)
    if not await members.member_exists(uow.conn, command.member_id):
        raise NotFound(f"no committee member {command.member_id}")
    tie = tie.normalised()
    await members.add_conflict(uow.conn, command.member_id, tie)
    return tie
