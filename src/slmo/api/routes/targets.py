"""Achievable targets and the what-if of a proposed target for one objective in force (every role;
a customer its own agreements' objectives only, another's a 404 as a missing one)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.targets import TargetsPublic
from slmo.core.engine.evidence import CONFIDENCES
from slmo.services.targets import MAX_CONFIDENCES, target_study_json

router = APIRouter(prefix="/targets", tags=["targets"])


@router.get(
    "",
    response_model=TargetsPublic,
    summary="The targets an objective meets with each confidence, and a proposed target's breaches and credits a year",
)
def targets(
    access: AccessDep,
    objective: Annotated[str, Query(max_length=255, description="AGREEMENT/NAME (or a NAME only one has)")],
    what_if: Annotated[
        float | None, Query(ge=0, lt=1, description="A proposed target as a ratio; default the objective's own.")
    ] = None,
    confidence: Annotated[
        list[float] | None,
        Query(max_length=MAX_CONFIDENCES, description="Confidences in (0, 1), repeated; default 0.9, 0.95, 0.99."),
    ] = None,
    periods: Annotated[int, Query(ge=1, le=120, description="Complete past periods.")] = 12,
    per: Annotated[
        Literal["month", "quarter", "week"] | None, Query(description="Default: the one nearest the window.")
    ] = None,
) -> TargetsPublic:
    study = access.targets(
        objective,
        what_if=what_if,
        confidences=tuple(confidence) if confidence else CONFIDENCES,
        periods=periods,
        per=per,
    )
    return TargetsPublic.model_validate(target_study_json(study))
