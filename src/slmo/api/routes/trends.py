"""Trends of delivery and step changes (``services.trends``): ``GET /trends``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.trends import TrendPublic
from slmo.services.trends import MAX_PERIODS, trend_plain

router = APIRouter(tags=["trends"])


@router.get(
    "/trends",
    response_model=list[TrendPublic],
    summary="Improving, stable or degrading over the last periods, with step changes",
    description=(
        "Each objective's attainment (or one service's mean share of error budget spent) over the "
        "last whole periods before now: the Mann–Kendall test (Hamed–Rao), the Theil–Sen slope per "
        "period and the step changes of level. Without objective or service: every objective, then "
        "every service. A customer reads its own agreements' objectives only."
    ),
)
def trends(
    access: AccessDep,
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    service: Annotated[str | None, Query(max_length=255)] = None,
    unit: Literal["day", "week", "month"] = "month",
    periods: Annotated[int | None, Query(ge=1, le=MAX_PERIODS, description="Default 12; 30 for days.")] = None,
    alpha: Annotated[float | None, Query(gt=0, lt=1, description="Significance level; default 0.05.")] = None,
) -> list[TrendPublic]:
    found = access.trends(objective, service, unit=unit, periods=periods, alpha=alpha)
    return [TrendPublic.model_validate(trend_plain(t)) for t in found]
