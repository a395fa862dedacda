"""Improvement opportunities: ``GET /opportunities?period=2026-10&top=5``, the rows of
``slmo opportunities --json``: where the error budgets went and the slices to improve first
(``services.opportunities``). Everyone may read them; a customer's are its own agreements',
without suppliers or owners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.opportunities import OpportunitiesPublic
from slmo.services.opportunities import MAX_TOP, document

router = APIRouter(prefix="/opportunities", tags=["opportunities"])


@router.get("", response_model=OpportunitiesPublic, summary="Where the error budgets went, and what to improve first")
def opportunities(
    access: AccessDep,
    period: Annotated[
        str | None,
        Query(
            max_length=16, description="2026-10, 2026-Q3, 2026-W40 or 2026; each objective's current window without."
        ),
    ] = None,
    top: Annotated[int, Query(ge=1, le=MAX_TOP, description="How many proposals.")] = 5,
) -> OpportunitiesPublic:
    return OpportunitiesPublic.model_validate(document(access.opportunities(period, top=top)))
