"""Demand forecasts: ``GET /demand?service=portal&days=14``, the rows of ``slmo demand --json``:
events per day and hour and tickets per day for the coming days, with 80 and 95 % intervals,
and the capacity and staffing changes they suggest (``services.demand``). Everyone may read
them; a customer those of the services its agreements cover, another service a missing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.demand import ServiceDemandPublic
from slmo.services.demand import DEFAULT_DAYS, MAX_DAYS, demand_json

router = APIRouter(prefix="/demand", tags=["demand"])


@router.get(
    "",
    response_model=list[ServiceDemandPublic],
    summary="Forecast events and tickets per service, and the changes they suggest",
)
def demand(
    access: AccessDep,
    service: Annotated[
        str | None, Query(max_length=255, description="One service (default: every one you may see).")
    ] = None,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Days ahead.")] = DEFAULT_DAYS,
) -> list[ServiceDemandPublic]:
    return [ServiceDemandPublic.model_validate(demand_json(d)) for d in access.demand().forecasts(service, days)]
