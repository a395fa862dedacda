"""What services cost per month, and the cost-effectiveness of agreements: staff only (admins,
managers and viewers read; admins and managers import)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from slmo.api.deps import AccessDep, require_media, spooled
from slmo.api.schemas.credits import (
    CostImportResult,
    CostPage,
    CostReport,
    cost_effectiveness_public,
    cost_import_result,
    cost_public,
)

router = APIRouter(prefix="/costs", tags=["costs"])

BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "example": "service,period,amount,currency\n"}}},
    }
}


@router.get("", response_model=CostPage, summary="Costs of services per month")
def costs(
    access: AccessDep,
    period: Annotated[str | None, Query(max_length=16, description="A month, quarter or year: 2026-10.")] = None,
) -> CostPage:
    found = access.money().costs(period)
    return CostPage(items=[cost_public(c) for c in found], total=len(found))


@router.post(
    "",
    response_model=CostImportResult,
    summary="Import costs (CSV: service,period,amount,currency); all rows or none",
    openapi_extra=BODY,
)
async def import_costs(request: Request, access: AccessDep) -> CostImportResult:
    require_media(request, "text/csv")
    stream, _ = await spooled(request)
    try:
        report = await run_in_threadpool(access.money().import_costs, stream, "request body")
    finally:
        stream.close()
    return cost_import_result(report)


@router.get(
    "/report",
    response_model=CostReport,
    summary="Per agreement: charge, credits, cost, net, cost per point of attainment; losses flagged",
)
def report(
    access: AccessDep,
    period: Annotated[str, Query(max_length=16, description="A month, quarter or year: 2026-10.")],
) -> CostReport:
    return CostReport(period=period, items=[cost_effectiveness_public(r) for r in access.money().cost_report(period)])
