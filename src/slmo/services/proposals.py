"""Proposals for change: ``draft`` a period's proposals from the evidence of the twelve months
before it (``services.proposal_facts``), keep them, and ``accept`` one (its change becomes a
draft version of the agreement, through the negotiation) or ``reject`` it with a reason.

Rules and thresholds: ``core.engine.proposals`` and ``docs/formulas.md`` "Proposals for change".
The evidence of each objective is its target study (``TargetService.study``: the past periods
as the negotiation's evidence reads them, the simulation, the achievable targets and the
what-if), read as of the horizon's cut, the earlier of the period's start and now.

**Drafting again** replaces the drafts of the period whose figures moved, removes those the
evidence no longer supports, and never touches an accepted or rejected one: drafting twice
changes nothing. Every write (drafted, replaced, removed, accepted, rejected) is audited as kind
``Proposal``, named ``PERIOD/KIND/AGREEMENT[/OBJECTIVE]``; an accepted proposal and the version
it drafts are one transaction.

**Accepting** writes the change into a copy of the terms in force (else of the version the
evidence was read of): a target changed, an objective added (refused while the service has no ticket indicator: add
one and draft again), or a retirement (a version without objectives, credits, penalties or
charge). The draft takes effect at the period's start when that is still ahead, else when it
is activated; it is the next version, drafted for the party the caller speaks for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slmo.core.engine import epoch_seconds, named_period
from slmo.core.engine.proposals import Thresholds
from slmo.core.engine.windows import zone as zone_info
from slmo.core.model import Agreement, AgreementVersion, PartyRole
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.negotiation import Participant
from slmo.core.model.plain import to_plain
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, PreconditionFailedError, Problem, SpecError, TransitionError
from slmo.i18n import gettext
from slmo.services.evaluate import EvaluationService
from slmo.services.impact import ImpactService
from slmo.services.negotiation import NegotiationService
from slmo.services.proposal_drafting import Drafter, TrendReader
from slmo.services.proposal_facts import agreement_zone
from slmo.services.targets import DRAWS

logger = logging.getLogger(__name__)

AUDIT_KIND = "Proposal"
RULES = Thresholds()
COMPLAINTS: tuple[str, ...] = ("complaint",)
REASON_LIMIT = 2000
# The periods proposals are drafted for: a year, a quarter or a month.
_PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")


class DraftOutcome(StrEnum):
    """What drafting a period did to one proposal."""

    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    KEPT = "kept"  # decided already: left as it was


@dataclass(frozen=True)
class DraftChange:
    outcome: DraftOutcome
    proposal: Proposal


@dataclass(frozen=True)
class DraftReport:
    period: str
    changes: tuple[DraftChange, ...]

    def count(self, outcome: DraftOutcome) -> int:
        return sum(1 for c in self.changes if c.outcome is outcome)

    @property
    def proposals(self) -> list[Proposal]:
        """The period's proposals now held (not those removed)."""
        return [c.proposal for c in self.changes if c.outcome is not DraftOutcome.REMOVED]


def _problem(field: str, message: str, key: str, **args: object) -> SpecError:
    return SpecError([Problem(None, field, message, key=key, args=dict(args))])


def check_period(period: str) -> str:
    label = period.strip()
    if not _PERIOD.match(label):
        raise _problem(
            "period",
            f"{period!r} is not a period to propose for; expected a year (2027), a quarter (2027-Q1) or a month (2027-01)",
            "proposals.period",
            value=period,
        )
    return label


def audit_name(proposal: Proposal) -> str:
    parts = [proposal.period, proposal.kind.value, proposal.agreement]
    return "/".join([*parts, proposal.objective] if proposal.objective else parts)


def _same(a: Proposal, b: Proposal) -> bool:
    """The same proposal, whoever drafted it and when."""
    return dataclasses.replace(b, drafted_at=a.drafted_at, drafted_by=a.drafted_by, id=a.id, revision=a.revision) == a


class ProposalService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        negotiation: NegotiationService,
        clock: Clock,
        *,
        rules: Thresholds = RULES,
        complaints: Sequence[str] = COMPLAINTS,
        trends: TrendReader | None = None,
        draws: int = DRAWS,
        seed: int = 0,
        impact: ImpactService | None = None,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._negotiation = negotiation
        self._clock = clock
        self._drafter = Drafter(
            uow, evaluation, rules=rules, complaints=complaints, trends=trends, draws=draws, seed=seed, impact=impact
        )

    # -- reading ---------------------------------------------------------------------------------

    def proposals(
        self,
        *,
        period: str | None = None,
        statuses: Collection[ProposalStatus] | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[Proposal]:
        """The proposals held, by id: of ``period`` and ``statuses`` when given, of ``agreements``
        only when given (a customer's)."""
        with self._uow() as uow:
            return uow.proposals.list(period=period, statuses=statuses, agreements=agreements)

    def proposal(self, proposal_id: int, agreements: Collection[str] | None = None) -> Proposal:
        """One proposal; another party's (outside ``agreements``) is not found, as a missing one."""
        with self._uow() as uow:
            return self._proposal(uow, proposal_id, agreements)

    @staticmethod
    def _proposal(uow: UnitOfWork, proposal_id: int, agreements: Collection[str] | None = None) -> Proposal:
        found = uow.proposals.get(proposal_id)
        if found is None or (agreements is not None and found.agreement not in agreements):
            raise NotFoundError(f"no proposal {proposal_id}", key="error.proposal_not_found", id=proposal_id)
        return found

    # -- drafting --------------------------------------------------------------------------------

    def draft(self, period: str, actor: Actor) -> DraftReport:
        """Draft the proposals for ``period`` (module docstring) and keep them."""
        label = check_period(period)
        now = self._clock.now()
        read = self._drafter.read(label, epoch_seconds(now))
        with self._uow() as uow:
            drafted = self._drafter.drafted(uow, label, read, actor, now)
            report = self._reconcile(uow, label, drafted, actor, now)
            uow.commit()
        logger.info(
            "proposals for %s: %d created, %d replaced, %d unchanged, %d removed, %d kept",
            label,
            *(report.count(o) for o in DraftOutcome),
        )
        return report

    # -- keeping ---------------------------------------------------------------------------------

    def _reconcile(
        self, uow: UnitOfWork, label: str, drafted: list[Proposal], actor: Actor, now: dt.datetime
    ) -> DraftReport:
        held = {p.key: p for p in uow.proposals.list(period=label)}
        changes: list[DraftChange] = []
        for new in drafted:
            old = held.pop(new.key, None)
            if old is None:
                stored = uow.proposals.add(new)
                self._audit(uow, actor, now, AuditAction.CREATE, None, stored)
                changes.append(DraftChange(DraftOutcome.CREATED, stored))
            elif old.decided:
                changes.append(DraftChange(DraftOutcome.KEPT, old))
            elif _same(old, new):
                changes.append(DraftChange(DraftOutcome.UNCHANGED, old))
            else:
                stored = uow.proposals.replace(dataclasses.replace(new, id=old.id, revision=old.revision))
                self._audit(uow, actor, now, AuditAction.CHANGE, old, stored)
                changes.append(DraftChange(DraftOutcome.REPLACED, stored))
        for old in held.values():
            if old.decided:
                changes.append(DraftChange(DraftOutcome.KEPT, old))
                continue
            uow.proposals.delete(old.id or 0)
            self._audit(uow, actor, now, AuditAction.DELETE, old, None)
            changes.append(DraftChange(DraftOutcome.REMOVED, old))
        return DraftReport(label, tuple(sorted(changes, key=lambda c: c.proposal.id or 0)))

    @staticmethod
    def _audit(
        uow: UnitOfWork,
        actor: Actor,
        now: dt.datetime,
        action: AuditAction,
        before: Proposal | None,
        after: Proposal | None,
    ) -> None:
        subject = after or before
        assert subject is not None
        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind=AUDIT_KIND,
                name=audit_name(subject),
                before=None if before is None else to_plain(before),
                after=None if after is None else to_plain(after),
            )
        )

    # -- deciding --------------------------------------------------------------------------------

    def _decidable(self, uow: UnitOfWork, proposal_id: int, revision: int | None) -> Proposal:
        found = self._proposal(uow, proposal_id)
        if revision is not None and found.revision != revision:
            raise PreconditionFailedError(
                f"proposal {proposal_id} is at revision {found.revision}, not {revision}: it changed since it was read",
                key="error.stale_revision",
                kind="Proposal",
                name=str(proposal_id),
                current=found.revision,
                expected=revision,
            )
        if found.decided:
            raise TransitionError(
                f"proposal {proposal_id} is {found.status.value}; only a draft is accepted or rejected",
                key="error.proposal_decided",
                id=proposal_id,
                status=found.status.value,
            )
        return found

    def accept(
        self,
        proposal_id: int,
        actor: Actor,
        *,
        party: str | None = None,
        revision: int | None = None,
        comment: str | None = None,
    ) -> Proposal:
        """Accept draft proposal ``proposal_id``: its change becomes the agreement's next draft
        version, drafted for ``party`` (by default the agreement's provider), in the same
        transaction. ``revision``: the one the caller read (a stale one is refused)."""
        now = self._clock.now()
        with self._uow() as uow:
            found = self._decidable(uow, proposal_id, revision)
            agreement = uow.catalogue.get("Agreement", found.agreement)
            if not isinstance(agreement, Agreement):
                raise NotFoundError(
                    f"Agreement {found.agreement!r} does not exist",
                    key="error.object_not_found",
                    kind="Agreement",
                    name=found.agreement,
                )
            terms = self._terms(uow, agreement, found, now)
            who = Participant(actor=actor.name, interface=actor.interface, party=party or _speaker(agreement))
            text = comment or gettext("proposals.draft_comment", "en", id=proposal_id, kind=found.kind.value)
            outcome = self._negotiation.draft_in(uow, agreement.name, terms, who, text)
            number = outcome.steps[0].version
            accepted = uow.proposals.replace(
                dataclasses.replace(
                    found,
                    status=ProposalStatus.ACCEPTED,
                    decided_at=now,
                    decided_by=actor.name,
                    draft_version=number,
                )
            )
            self._audit(uow, actor, now, AuditAction.CHANGE, found, accepted)
            uow.commit()
        logger.info("proposal %d accepted: %s version %d drafted", proposal_id, found.agreement, number)
        return accepted

    def reject(self, proposal_id: int, actor: Actor, reason: str | None, *, revision: int | None = None) -> Proposal:
        """Reject draft proposal ``proposal_id``, saying why (required)."""
        text = (reason or "").strip()
        if not text or len(text) > REASON_LIMIT:
            raise _problem(
                "reason",
                f"a rejection says why in 1 to {REASON_LIMIT} characters",
                "proposals.reason",
                limit=REASON_LIMIT,
            )
        now = self._clock.now()
        with self._uow() as uow:
            found = self._decidable(uow, proposal_id, revision)
            rejected = uow.proposals.replace(
                dataclasses.replace(
                    found, status=ProposalStatus.REJECTED, decided_at=now, decided_by=actor.name, reason=text
                )
            )
            self._audit(uow, actor, now, AuditAction.CHANGE, found, rejected)
            uow.commit()
        logger.info("proposal %d rejected", proposal_id)
        return rejected

    @staticmethod
    def _terms(uow: UnitOfWork, agreement: Agreement, proposal: Proposal, now: dt.datetime) -> AgreementVersion:
        # The terms in force now: a version activated since the proposal was drafted keeps its
        # own changes, and the proposal's is made on top of them.
        drafted_from = agreement.version(proposal.version) if proposal.version is not None else None
        base = agreement.active_version() or drafted_from or agreement.latest_version()
        if base is None:
            raise NotFoundError(
                f"agreement {agreement.name!r} has no version to change",
                key="error.negotiation_no_version",
                name=agreement.name,
                number=proposal.version or 0,
            )
        zone = agreement_zone(uow, base)
        start = named_period(proposal.period, zone).start
        begins = dt.datetime.fromtimestamp(start, zone_info(zone)).date()
        effective = begins if start > epoch_seconds(now) else None
        terms = dataclasses.replace(base, effective_from=effective, effective_to=None, notes=None)
        change = proposal.change
        if change.target is not None:
            target = change.target
            if not any(o.name == target.objective for o in base.objectives):
                raise NotFoundError(
                    f"no objective {agreement.name}/{target.objective} in version {base.number}",
                    key="error.evidence_no_objective",
                    name=f"{agreement.name}/{target.objective}",
                )
            objectives = tuple(
                dataclasses.replace(o, target=target.after) if o.name == target.objective else o
                for o in base.objectives
            )
            return dataclasses.replace(terms, objectives=objectives)
        if change.retire:
            return dataclasses.replace(terms, objectives=(), credit_schedule=None, charge=None, penalties=())
        if change.added is None:
            raise _problem(
                "indicator",
                f"service {change.service!r} has no ticket indicator for the new objective to measure; add one "
                "(slmo apply) and draft the proposals again",
                "proposals.no_indicator",
                service=change.service or "",
            )
        return dataclasses.replace(terms, objectives=(*base.objectives, change.added))


def _speaker(agreement: Agreement) -> str | None:
    """The party a change is drafted for by default: the agreement's (first) provider."""
    providers = agreement.parties_in_role(PartyRole.PROVIDER)
    return providers[0] if providers else None


# -- rows for scripts: `slmo proposals --json` and the API answer the same keys -------------------


def _decimal(value: object) -> str | None:
    return None if value is None else str(value)


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    """A proposal as `slmo proposals --json` prints it and the API answers it; amounts as decimal
    text, to the cent; the added objective as the objective the draft version would hold."""
    change = proposal.change
    effect = proposal.effect
    return {
        "id": proposal.id,
        "period": proposal.period,
        "kind": proposal.kind.value,
        "agreement": proposal.agreement,
        "objective": proposal.objective,
        "version": proposal.version,
        "evidence_span": proposal.evidence_span,
        "status": proposal.status.value,
        "change": {
            "target": None
            if change.target is None
            else {"objective": change.target.objective, "before": change.target.before, "after": change.target.after},
            "added": None if change.added is None else to_plain(change.added),
            "service": change.service,
            "category": change.category,
            "retire": change.retire,
        },
        "evidence": [
            {
                "name": f.name,
                "value": f.value,
                "unit": f.unit.value,
                "source": f.source.value,
                "subject": f.subject,
                "span": f.span,
                "currency": f.currency,
            }
            for f in proposal.evidence
        ],
        "effect": {
            "breaches_per_year_before": effect.breaches_before,
            "breaches_per_year_after": effect.breaches_after,
            "credits_per_year_before": _decimal(effect.credits_before),
            "credits_per_year_after": _decimal(effect.credits_after),
            "currency": effect.currency,
            "basis": effect.basis,
            "credits_basis": effect.credits_basis,
        },
        "drafted_at": proposal.drafted_at.isoformat(),
        "drafted_by": proposal.drafted_by,
        "decided_at": None if proposal.decided_at is None else proposal.decided_at.isoformat(),
        "decided_by": proposal.decided_by,
        "reason": proposal.reason,
        "draft_version": proposal.draft_version,
        "revision": proposal.revision,
    }
