"""Proposals for change: what the evidence of a year suggests changing in the agreements before
the next period (``core.engine.proposals`` has the rules, ``docs/formulas.md`` "Proposals for
change" the thresholds).

Five kinds: raise a target that history meets comfortably, relax one breached in most periods,
add an objective that customers' complaints point to, renegotiate an underpinning contract whose
supplier's failures came with customer breaches, retire an agreement nobody uses. Each proposal
carries its evidence as figures with their source, the change it makes to the terms and its
expected effect on breaches and credits a year. A proposal is drafted, then accepted (the change
becomes a draft version of the agreement, through the negotiation) or rejected with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.objective import Objective


class ProposalKind(StrEnum):
    RAISE_TARGET = "raise_target"
    RELAX_TARGET = "relax_target"
    ADD_OBJECTIVE = "add_objective"
    RENEGOTIATE_UC = "renegotiate_uc"
    RETIRE_AGREEMENT = "retire_agreement"


class ProposalStatus(StrEnum):
    """``draft`` until someone decides: ``accepted`` (a draft version of the agreement holds the
    change) or ``rejected`` (with a reason). Both are final; drafting again leaves them as they are."""

    DRAFT = "draft"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Direction(StrEnum):
    """Where an objective's attainment is heading (the trend test's verdict)."""

    IMPROVING = "improving"
    STABLE = "stable"
    DEGRADING = "degrading"


class FigureUnit(StrEnum):
    """How a figure reads: a ratio (shown as a percentage), a count, a rate a year, an amount of
    money (in the proposal's currency), a probability, or a word (a trend, a category)."""

    RATIO = "ratio"
    COUNT = "count"
    PER_YEAR = "per_year"
    MONEY = "money"
    PROBABILITY = "probability"
    WORD = "word"


class Source(StrEnum):
    """Where a figure comes from, as a person would check it."""

    EVIDENCE = "evidence"  # the objective's past periods (slmo agreement evidence)
    TARGETS = "targets"  # achievable targets and the what-if (slmo targets)
    TRENDS = "trends"  # the trend test over the periods
    TICKETS = "tickets"  # tickets in the store, by service and category
    MEASUREMENTS = "measurements"  # events in the store
    LEDGER = "ledger"  # the credits ledger
    CLAIMS = "claims"  # claims on suppliers
    IMPACT = "impact"  # dependency impact: which upstream failed during a breach
    CATALOGUE = "catalogue"  # the agreements' terms


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One figure of a proposal's evidence: ``name`` says what it is (its label is the
    catalogues' ``proposals.figure.NAME``), ``value`` in ``unit`` (an amount of money as its
    decimal text, ``12500.00``, so that it keeps its digits), ``source`` where it was read,
    ``subject`` what it is about when not the proposal's own objective (another agreement's
    objective, a service, a ticket category, the view a what-if figure is read on), ``span`` the
    periods it covers (``2025-11..2026-10``) and ``currency`` an amount's."""

    name: str
    value: float | int | str | None
    unit: FigureUnit
    source: Source
    subject: str | None = None
    span: str | None = None
    currency: str | None = None


@dataclass(frozen=True, kw_only=True)
class TargetChange:
    """An objective's target from ``before`` to ``after`` (the same for a renegotiation that
    leaves the target as it is)."""

    objective: str
    before: float
    after: float


@dataclass(frozen=True, kw_only=True)
class Change:
    """What accepting the proposal writes into a draft version of the agreement: a target
    changed, an objective added (``added``; ``None`` while the service it would measure has no
    ticket indicator, ``service`` and ``category`` say what it is for), or the agreement's
    retirement (a version with no objectives, credits, penalties or charge)."""

    target: TargetChange | None = None
    added: Objective | None = None
    service: str | None = None
    category: str | None = None
    retire: bool = False


@dataclass(frozen=True, kw_only=True)
class Effect:
    """The expected effect over a year: breaches and credits before and after the change
    (``None`` where not known); ``basis`` and ``credits_basis`` the view each comes from
    (``simulation`` or ``history``, as the what-if gives them), ``currency`` the credits'."""

    breaches_before: float | None = None
    breaches_after: float | None = None
    credits_before: Decimal | None = None
    credits_after: Decimal | None = None
    currency: str | None = None
    basis: str | None = None
    credits_basis: str | None = None


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """One proposal for ``period`` (``2027``): ``kind`` of change to ``agreement`` (its
    ``objective`` when the change is about one), drafted from the evidence of ``evidence_span``
    (``2025-11..2026-10``) of version ``version`` (the version in force then).

    ``draft_version`` is the agreement's version that accepting it created. ``revision`` grows
    with every change of the stored proposal: a decision on an older revision is refused."""

    period: str
    kind: ProposalKind
    agreement: str
    objective: str | None
    version: int | None
    evidence_span: str
    change: Change
    evidence: tuple[Figure, ...]
    effect: Effect
    drafted_at: dt.datetime
    drafted_by: str
    status: ProposalStatus = ProposalStatus.DRAFT
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    draft_version: int | None = None
    id: int | None = None
    revision: int = 0

    @property
    def key(self) -> tuple[str, str, str, str]:
        """One proposal per period, kind, agreement and objective: drafting again replaces it."""
        return (self.period, self.kind.value, self.agreement, self.objective or "")

    @property
    def decided(self) -> bool:
        return self.status is not ProposalStatus.DRAFT
