"""Agreements, their versions and the life cycle a version moves through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slmo.core.model.objective import Objective
from slmo.core.model.text import LocalizedText


class AgreementKind(StrEnum):
    SLA = "sla"
    OLA = "ola"
    UC = "uc"
    EXPECTATION = "expectation"


class PartyRole(StrEnum):
    """The side a party takes in an agreement: the provider delivers, the customer receives."""

    PROVIDER = "provider"
    CUSTOMER = "customer"


class VersionState(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    AGREED = "agreed"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


# draft -> proposed -> agreed -> active -> superseded | retired. A proposal can go back to
# draft (countered or withdrawn); an agreed version may be retired before it ever runs.
TRANSITIONS: Mapping[VersionState, frozenset[VersionState]] = {
    VersionState.DRAFT: frozenset({VersionState.PROPOSED, VersionState.RETIRED}),
    VersionState.PROPOSED: frozenset({VersionState.AGREED, VersionState.DRAFT, VersionState.RETIRED}),
    VersionState.AGREED: frozenset({VersionState.ACTIVE, VersionState.RETIRED}),
    VersionState.ACTIVE: frozenset({VersionState.SUPERSEDED, VersionState.RETIRED}),
    VersionState.SUPERSEDED: frozenset(),
    VersionState.RETIRED: frozenset(),
}


def can_transition(current: VersionState, target: VersionState) -> bool:
    return target in TRANSITIONS[current]


@dataclass(frozen=True, kw_only=True)
class CreditTier:
    """Attainment strictly below ``below`` earns ``credit``, a fraction of the period's charge."""

    below: float
    credit: float


@dataclass(frozen=True, kw_only=True)
class CreditSchedule:
    """Tiers from attainment to credit; the lowest tier that applies wins. Credits of one
    period are capped at ``cap`` (a fraction of the charge)."""

    tiers: tuple[CreditTier, ...]
    cap: float = 1.0

    def credit_for(self, attainment: float) -> float:
        applicable = [t.credit for t in self.tiers if attainment < t.below]
        return min(max(applicable, default=0.0), self.cap)


@dataclass(frozen=True, kw_only=True)
class Charge:
    """What the customer pays per period; credits are a share of it."""

    amount: float
    currency: str
    period: str = "month"


@dataclass(frozen=True, kw_only=True)
class ReviewCadence:
    """How often the agreement is reviewed, in months."""

    months: int


@dataclass(frozen=True, kw_only=True)
class AgreementVersion:
    number: int
    state: VersionState = VersionState.DRAFT
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    calendar: str | None = None
    objectives: tuple[Objective, ...] = ()
    credit_schedule: CreditSchedule | None = None
    charge: Charge | None = None
    review: ReviewCadence | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class AgreementParty:
    party: str
    role: PartyRole
    signatory: str | None = None


@dataclass(frozen=True, kw_only=True)
class Agreement:
    name: str
    display_name: LocalizedText
    kind: AgreementKind
    parties: tuple[AgreementParty, ...]
    services: tuple[str, ...]
    versions: tuple[AgreementVersion, ...] = ()
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)

    def version(self, number: int) -> AgreementVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    def active_version(self, on: dt.date | None = None) -> AgreementVersion | None:
        """The version in force on ``on`` (or simply the active one, without a date)."""
        actives = [v for v in self.versions if v.state == VersionState.ACTIVE]
        if on is not None:
            actives = [
                v
                for v in actives
                if (v.effective_from is None or v.effective_from <= on)
                and (v.effective_to is None or on < v.effective_to)
            ]
        return max(actives, key=lambda v: v.number, default=None)

    def latest_version(self) -> AgreementVersion | None:
        return max(self.versions, key=lambda v: v.number, default=None)

    def parties_in_role(self, role: PartyRole) -> tuple[str, ...]:
        return tuple(p.party for p in self.parties if p.role == role)
