"""The credits ledger: the lines (every role; a customer its own agreements' only), computing a
closed period, confirming and paying a line (admins and managers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.schemas.credits import ComputeResult, CreditPage, CreditPublic, compute_result, credit_public

router = APIRouter(prefix="/credits", tags=["credits"])

PeriodQuery = Annotated[str, Query(max_length=16, description="A month, quarter or year: 2026-10, 2026-Q4, 2026.")]
AgreementQuery = Annotated[str | None, Query(max_length=255)]


@router.get("", response_model=CreditPage, summary="Lines of the credits ledger, by period and agreement")
def credits(
    access: AccessDep,
    period: Annotated[str | None, Query(max_length=16, description="2026-10, 2026-Q4 or 2026")] = None,
    agreement: AgreementQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> CreditPage:
    found = access.money().credits(period, agreement)
    return CreditPage(
        items=[credit_public(e) for e in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )


@router.post(
    "/compute",
    response_model=ComputeResult,
    summary="Compute a closed period's credits and penalties (idempotent; settled lines never change)",
)
def compute(access: AccessDep, period: PeriodQuery, agreement: AgreementQuery = None) -> ComputeResult:
    return compute_result(access.money().compute(period, agreement))


@router.get("/{entry_id}", response_model=CreditPublic, summary="One line of the ledger, with its calculation")
def credit(entry_id: int, access: AccessDep) -> CreditPublic:
    return credit_public(access.money().credit(entry_id))


@router.post("/{entry_id}/confirm", response_model=CreditPublic, summary="Confirm a computed line")
def confirm(entry_id: int, access: AccessDep) -> CreditPublic:
    return credit_public(access.money().confirm(entry_id))


@router.post("/{entry_id}/pay", response_model=CreditPublic, summary="Mark a line paid")
def pay(entry_id: int, access: AccessDep) -> CreditPublic:
    return credit_public(access.money().pay(entry_id))
