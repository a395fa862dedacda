"""Agreements, their versions and the life cycle a version moves through."""

from __future__ import annotations

import dataclasses
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


# draft -> proposed -> agreed -> active -> superseded | retired. The life cycle allows a
# proposal back to draft; the negotiation (core.model.negotiation) closes a countered
# proposal as retired instead, and keeps a proposal's terms as proposed until then. An agreed
# version may be retired before it ever runs.
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
    """Attainment strictly below ``below`` (and at least ``at_least``, when the tier names its
    lower edge) earns ``credit``, a fraction of the period's charge."""

    below: float
    credit: float
    at_least: float | None = None

    def covers(self, attainment: float) -> bool:
        return attainment < self.below and (self.at_least is None or attainment >= self.at_least)


@dataclass(frozen=True, kw_only=True)
class CreditSchedule:
    """Tiers from attainment to credit; the lowest tier that applies wins. Credits of one
    period are capped at ``cap`` (a fraction of the charge)."""

    tiers: tuple[CreditTier, ...]
    cap: float = 1.0

    def credit_for(self, attainment: float) -> float:
        applicable = [t.credit for t in self.tiers if t.covers(attainment)]
        return min(max(applicable, default=0.0), self.cap)


class PenaltyRounding(StrEnum):
    """How a part of a unit of breach time is charged: pro rata, or as a whole unit."""

    EXACT = "exact"
    UP = "up"


@dataclass(frozen=True, kw_only=True)
class TicketPenalty:
    """A penalty on a ticket objective of the version: ``rate`` (in ``currency``) for each
    ``per_seconds`` of breach time on the objective's clock (business time for the business
    and working-day units) beyond ``allowance_seconds`` a period, at most ``cap`` a period
    (``docs/formulas.md`` section 13)."""

    objective: str
    rate: float
    currency: str
    per_seconds: int = 3600
    allowance_seconds: int = 0
    cap: float | None = None
    period: str = "month"
    rounding: PenaltyRounding = PenaltyRounding.EXACT


@dataclass(frozen=True, kw_only=True)
class Charge:
    """What the customer pays per period; credits are a share of it."""

    amount: float
    currency: str
    period: str = "month"


@dataclass(frozen=True, kw_only=True)
class ClaimTerms:
    """How a credit the supplier of an underpinning contract owes is claimed: in writing, within
    ``within_days`` days after the end of the period it is owed for (``docs/formulas.md``
    section 20). A claim not filed by then is lost, as public clouds write their terms."""

    within_days: int


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
    penalties: tuple[TicketPenalty, ...] = ()
    review: ReviewCadence | None = None
    notes: str | None = None
    claims: ClaimTerms | None = None


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
        """The version in force on ``on`` (or simply the active one, without a date). A
        superseded version was in force over its effective period, so a day before the version
        that superseded it began finds it: a report or a history of a past period reads the
        terms of then."""
        if on is None:
            actives = [v for v in self.versions if v.state == VersionState.ACTIVE]
        else:
            actives = [
                v
                for v in self.versions
                if v.state in (VersionState.ACTIVE, VersionState.SUPERSEDED)
                and (v.effective_from is None or v.effective_from <= on)
                and (v.effective_to is None or on < v.effective_to)
            ]
        return max(actives, key=lambda v: v.number, default=None)

    def latest_version(self) -> AgreementVersion | None:
        return max(self.versions, key=lambda v: v.number, default=None)

    def parties_in_role(self, role: PartyRole) -> tuple[str, ...]:
        return tuple(p.party for p in self.parties if p.role == role)


def reachable(current: VersionState, target: VersionState) -> bool:
    """Whether ``target`` can be reached from ``current`` by allowed steps (or is ``current``):
    a document kept in git may take several steps in one change, never a step back."""
    seen = {current}
    frontier = [current]
    while frontier:
        state = frontier.pop()
        for following in TRANSITIONS[state]:
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return target in seen


# Once a version has been in force it is a record: only its state (and the end of its
# effective period, when superseded) may change afterwards.
_SETTLED = frozenset({VersionState.ACTIVE, VersionState.SUPERSEDED, VersionState.RETIRED})


@dataclass(frozen=True)
class LifecycleViolation:
    """A change of a stored agreement that its versions' life cycle does not allow; ``field``
    is the path in the new document's spec (``versions[1].state``)."""

    field: str
    message: str
    key: str
    args: Mapping[str, Any]


def lifecycle_violations(before: Agreement, after: Agreement) -> list[LifecycleViolation]:
    """What is wrong with replacing ``before`` by ``after``: versions are history, states only
    move forward, and a version once in force is never edited, only superseded or retired."""
    found: list[LifecycleViolation] = []
    index_after = {v.number: i for i, v in enumerate(after.versions)}
    for old in before.versions:
        if old.number not in index_after:
            found.append(
                LifecycleViolation(
                    "versions",
                    f"version {old.number} is missing; versions are kept as history (retire it instead)",
                    "lifecycle.version_removed",
                    {"number": old.number},
                )
            )
            continue
        i = index_after[old.number]
        new = after.versions[i]
        if not reachable(old.state, new.state):
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS[old.state])) or "none"
            found.append(
                LifecycleViolation(
                    f"versions[{i}].state",
                    f"version {old.number} cannot go from {old.state.value} to {new.state.value}; next states: {allowed}",
                    "lifecycle.transition",
                    {"number": old.number, "from": old.state.value, "to": new.state.value, "allowed": allowed},
                )
            )
        elif old.state in _SETTLED:
            unchanged = dataclasses.replace(new, state=old.state, effective_to=old.effective_to)
            if unchanged != old:
                found.append(
                    LifecycleViolation(
                        f"versions[{i}]",
                        f"version {old.number} has been {old.state.value} and is never edited; add a new version",
                        "lifecycle.settled",
                        {"number": old.number, "state": old.state.value},
                    )
                )
    return found
