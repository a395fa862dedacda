"""The negotiation of agreement versions over the API: the bodies of the steps, the steps as
`slmo agreement history --json` prints them, the diff of two versions, and the evidence for a
proposed objective (the keys of `slmo agreement evidence --json`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from slmo.api.schemas.targets import SimulationPublic, WhatIfPublic
from slmo.core.model.negotiation import COMMENT_LIMIT, NegotiationStep, Outcome
from slmo.core.model.version_diff import FieldChange
from slmo.services.negotiation import change_json, step_json

_PARTY = (
    "The party you speak for. A customer speaks for its own party (the only value it may give); "
    "staff speak for the agreement's provider, and name one only when it has several."
)


class StepIn(BaseModel):
    """The body of propose, comment, approve and activate (all optional but a comment's text)."""

    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=COMMENT_LIMIT + 1000, description="Recorded with the step.")
    party: str | None = Field(default=None, max_length=255, description=_PARTY)


class CounterIn(StepIn):
    """New terms for a proposal: ``document`` (the agreement's slmo/v1 document with the version
    countered edited, as JSON) and/or ``set`` (``{"objectives.availability.target": 0.9995}``,
    paths as the diff names fields), applied on the version countered."""

    document: dict[str, Any] | None = None
    set: dict[str, Any] | None = Field(default=None, description="PATH -> value, applied on the terms.")


class StepPublic(BaseModel):
    id: int | None
    agreement: str
    version: int
    step: str = Field(
        description="drafted, proposed, countered, commented, approved, activated, superseded, retired or recorded"
    )
    state: str = Field(description="The version's state after the step.")
    actor: str
    party: str | None = Field(description="The party the step was taken for (none for a document).")
    interface: str = Field(description="cli, api or web")
    at: str
    comment: str | None
    related_version: int | None = Field(
        description="countered: the new version; proposed: the version countered; activated: the version "
        "superseded; superseded: the version that took over"
    )
    signatory: str | None = Field(description="An approval's party's signatory, as the agreement names it.")


class OutcomePublic(BaseModel):
    agreement: str
    version: int = Field(description="The version the step was taken on (a counter's: the new version).")
    state: str = Field(description="That version's state now.")
    steps: list[StepPublic] = Field(description="The steps recorded, in order.")


class HistoryPublic(BaseModel):
    agreement: str
    items: list[StepPublic]
    total: int


class FieldChangePublic(BaseModel):
    field: str = Field(description="objectives.availability.target, credits.tiers[0].credit, effective.from ...")
    change: str = Field(description="added, removed or changed")
    before: Any
    after: Any


class DiffPublic(BaseModel):
    agreement: str
    before: int
    after: int
    changes: list[FieldChangePublic]


class EvidencePeriodPublic(BaseModel):
    period: str
    start: str
    end: str
    attainment: float | None
    met: bool | None
    credit_share: float | None
    credit_amount: str | None = Field(description="In the charge's currency, to the cent.")


class ConfidentTargetPublic(BaseModel):
    confidence: float
    target: float | None = Field(description="None when the periods with data are too few for this confidence.")
    rank: int | None = Field(description="The target is the rank-th lowest attainment of the periods.")
    assured: float | None = Field(description="The probability at least that the next period meets the target.")
    periods: int
    periods_needed: int


class EvidencePublic(BaseModel):
    agreement: str
    version: int
    objective: str
    indicator: str
    target: float
    unit: str = Field(description="M (months), Q (quarters) or w (weeks)")
    time_zone: str
    periods: list[EvidencePeriodPublic]
    measured: int
    met: int
    credits_total: str | None
    currency: str | None
    credit_note: str | None = Field(description="Why credits are not given: no_schedule, not_graded, other_period.")
    confidence: list[ConfidentTargetPublic]
    what_if: WhatIfPublic | None = Field(
        default=None, description="The target's breaches and credit exposure a year, from history and simulated."
    )
    simulation: SimulationPublic | None = Field(default=None, description="What the what-if simulated, or why not.")


def step_public(step: NegotiationStep) -> StepPublic:
    return StepPublic.model_validate(step_json(step))


def outcome_public(outcome: Outcome) -> OutcomePublic:
    last = outcome.steps[0] if outcome.steps else None
    number = last.version if last is not None else 0
    if last is not None and last.related is not None and last.kind.value == "countered":
        number = last.related
    version = outcome.agreement.version(number)
    return OutcomePublic(
        agreement=outcome.agreement.name,
        version=number,
        state="" if version is None else version.state.value,
        steps=[step_public(s) for s in outcome.steps],
    )


def diff_public(agreement: str, before: int, after: int, changes: list[FieldChange]) -> DiffPublic:
    return DiffPublic(
        agreement=agreement,
        before=before,
        after=after,
        changes=[FieldChangePublic.model_validate(change_json(c)) for c in changes],
    )
