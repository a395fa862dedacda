"""Dependency impact: for one breach, for a service over a period, or for every breach of a
period, which upstream services and suppliers were failing at the same time, with the overlap
and its share of the bad time; a service's weakest link (every role but the customer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.suppliers import ImpactAnswer, ImpactPublic, ServiceImpactPublic
from slmo.errors import Problem, SpecError
from slmo.services.supplier_documents import impact_document, service_impact_document

router = APIRouter(tags=["impact"])


@router.get("/impact", response_model=ImpactAnswer, summary="What upstream was failing during breaches")
def impact(
    access: AccessDep,
    breach: Annotated[str | None, Query(max_length=600, description="AGREEMENT/OBJECTIVE@START")] = None,
    service: Annotated[str | None, Query(max_length=255)] = None,
    period: Annotated[str | None, Query(max_length=16, description="2026-08, 2026-Q3 or 2026")] = None,
) -> ImpactAnswer:
    desk = access.suppliers()
    if breach is not None:
        if service is not None:
            raise SpecError([Problem(None, "breach", "give breach or service, not both", key="api.impact_one_subject")])
        found = desk.for_breach(breach)
        return ImpactAnswer(period=period, breach=ImpactPublic.model_validate(impact_document(found)))
    if period is None:
        raise SpecError(
            [
                Problem(
                    None, "period", "give a period (2026-08) with service, or without breach", key="api.impact_period"
                )
            ]
        )
    if service is not None:
        result = desk.for_service(service, period)
        return ImpactAnswer(period=period, service=ServiceImpactPublic.model_validate(service_impact_document(result)))
    every = desk.breaches(period)
    return ImpactAnswer(period=period, breaches=[ImpactPublic.model_validate(impact_document(b)) for b in every])
