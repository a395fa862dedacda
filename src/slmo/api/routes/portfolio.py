"""The portfolio (``services/portfolio.py``): every agreement in force over a month, quarter or
year on one line, grouped and sorted; every role reads it, a customer its own agreements only,
and costs only those who may read costs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from slmo.api.deps import AccessDep
from slmo.api.schemas.portfolio import PortfolioPublic, portfolio_body
from slmo.core.engine.portfolio import parse_order

router = APIRouter(prefix="/portfolio", tags=["portfolio"])
JSON = "application/json"


@router.get(
    "",
    response_class=Response,
    responses={200: {"model": PortfolioPublic, "description": "The portfolio.", "content": {JSON: {}}}},
    summary="Every agreement on one line: health, trend over four periods, money, risk, review",
)
def portfolio(
    access: AccessDep,
    period: Annotated[
        str | None,
        Query(max_length=16, description="A month, quarter or year (2026-Q3); the running quarter by default."),
    ] = None,
    group: Annotated[str | None, Query(max_length=16, description="customer, service, supplier or tier.")] = None,
    sort: Annotated[
        str | None, Query(max_length=32, description="A column: agreement (default), health, trend, net, risk ...")
    ] = None,
    order: Annotated[str | None, Query(max_length=8, description="asc (default) or desc.")] = None,
) -> Response:
    view = access.portfolio(period, group, sort, parse_order(order))
    return Response(portfolio_body(view), media_type=JSON)
