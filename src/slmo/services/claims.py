"""Claims on suppliers: a credit the supplier of an underpinning contract owes, from due to paid.

Rules (``docs/formulas.md`` section 20, ``docs/architecture.md`` "Suppliers and dependency impact"):

- **Which claims.** Whenever a period's credits are computed (``slmo credits compute``, the API,
  the hourly credits job), every ledger line of an underpinning contract (kind ``uc``) whose
  amount is above zero gets a claim, ``due``, on the contract's supplier (its provider party),
  for the line's amount. Its deadline is the contract's ``claims.withinDays`` after the period's
  end, in the time zone of the version's calendar (UTC without one); a contract without
  ``claims`` gives a claim without a deadline.
- **Following the ledger.** While a claim is due it follows its line: recomputing the period
  changes its amount, and removes it when the line owes nothing any more or is gone. From its
  filing on the claim keeps the amount that was asked for.
- **Steps.** due -> filed (before the deadline; with the supplier's reference when there is one)
  -> accepted -> paid; a filed claim may be rejected (with the supplier's reason). Accepting a
  claim confirms its ledger line, paying it pays the line, in the same transaction. A due claim
  whose deadline has passed is marked expired when the period is computed and at every run of
  the credits job. A step the status does not allow is a ``ConflictError``; a step based on an
  older revision (an API client's ``If-Match``) a ``PreconditionFailedError``.
- Every write (a claim created, changed, removed, moved a step) is audited as kind ``Claim``,
  named ``agreement/period/schedule`` (or ``.../penalty/objective``), as its ledger line is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slmo.core.engine.claims import claim_deadline, days_left, urgency
from slmo.core.engine.windows import named_period
from slmo.core.model import Agreement, AgreementKind, Calendar, Party, PartyRole, PartyType
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.claims import CLAIM_STEPS, Claim, ClaimStatus, Urgency
from slmo.core.model.ledger import CreditEntry, CreditStatus
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConflictError, NotFoundError, PreconditionFailedError, Problem, SpecError
from slmo.services.credits import ComputeReport, CreditService

logger = logging.getLogger(__name__)

# How many days before its deadline a due claim is flagged (slmo claims --within changes it).
WARN_DAYS = 14
REFERENCE_LIMIT = 255
REASON_LIMIT = 2000
_SCHEDULER = Actor(name="scheduler", interface="worker")


class ClaimOutcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    REMOVED = "removed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ClaimChange:
    outcome: ClaimOutcome
    claim: Claim


@dataclass(frozen=True)
class ClaimStanding:
    """A claim and where it stands against its deadline at ``now``."""

    claim: Claim
    urgency: Urgency
    days_left: int | None


def claim_name(claim: Claim) -> str:
    """How the audit log names a claim: ``github-uc/2026-08/schedule``, as its ledger line."""
    name = f"{claim.agreement}/{claim.period}/{claim.basis.value}"
    return f"{name}/{claim.clause}" if claim.clause else name


def _document(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "supplier": claim.supplier,
        "amount": str(claim.amount),
        "currency": claim.currency,
        "deadline": None if claim.deadline is None else claim.deadline.isoformat(),
        "status": claim.status.value,
        "reference": claim.reference,
        "reason": claim.reason,
    }


def _text(value: str | None, field: str, limit: int) -> str | None:
    """A reference or reason as given, trimmed; empty is none; too long is refused by name."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit or any(ord(c) < 32 for c in text):
        raise SpecError(
            [
                Problem(
                    None,
                    field,
                    f"{field} is one line of at most {limit} characters",
                    key="claims.bad_text",
                    args={"field": field, "limit": limit},
                )
            ]
        )
    return text


def parse_statuses(values: Collection[str]) -> set[ClaimStatus]:
    """Status names as given on a command line or a query; a ``SpecError`` naming the bad one."""
    found: set[ClaimStatus] = set()
    for value in values:
        try:
            found.add(ClaimStatus(value.strip().lower()))
        except ValueError:
            known = ", ".join(s.value for s in ClaimStatus)
            raise SpecError(
                [
                    Problem(
                        None,
                        "status",
                        f"{value!r} is not a claim status; use {known}",
                        key="claims.bad_status",
                        args={"value": value, "known": known},
                    )
                ]
            ) from None
    return found


def supplier_of(uow: UnitOfWork, agreement: Agreement) -> str:
    """The contract's supplier: its provider party of type supplier, else its first provider."""
    providers = agreement.parties_in_role(PartyRole.PROVIDER)
    for name in providers:
        party = uow.catalogue.get("Party", name)
        if isinstance(party, Party) and party.type is PartyType.SUPPLIER:
            return name
    return providers[0] if providers else agreement.name


class ClaimService:
    def __init__(self, uow: UnitOfWorkFactory, credits: CreditService, clock: Clock) -> None:
        self._uow = uow
        self._credits = credits
        self._clock = clock

    # -- following the ledger --------------------------------------------------------------------

    def follow(self, uow: UnitOfWork, report: ComputeReport, actor: Actor, now: dt.datetime) -> None:
        """The credits service's follower: the claims of the period just computed, in its unit of work."""
        agreements = {line.entry.agreement for line in report.lines} | {s.agreement for s in report.skipped}
        self.sync_in(uow, report.period, actor, now, agreements)
        self.expire_in(uow, now, actor)

    def tick(self, uow: UnitOfWork, now: dt.datetime) -> None:
        """The credits job's tick: due claims whose window has closed are marked expired."""
        self.expire_in(uow, now)

    @staticmethod
    def _zone(uow: UnitOfWork, agreement: Agreement, version: int) -> str:
        found = agreement.version(version)
        if found is None or found.calendar is None:
            return "UTC"
        calendar = uow.catalogue.get("Calendar", found.calendar)
        return calendar.time_zone if isinstance(calendar, Calendar) else "UTC"

    def _new(self, uow: UnitOfWork, agreement: Agreement, line: CreditEntry, now: dt.datetime) -> Claim:
        assert line.amount is not None
        version = agreement.version(line.version)
        terms = None if version is None else version.claims
        deadline = file_by = None
        if terms is not None:
            zone = self._zone(uow, agreement, line.version)
            deadline, file_by = claim_deadline(named_period(line.period, zone), terms.within_days, zone)
        return Claim(
            agreement=line.agreement,
            supplier=supplier_of(uow, agreement),
            period=line.period,
            basis=line.basis,
            clause=line.clause,
            amount=line.amount,
            currency=line.currency,
            deadline=deadline,
            file_by=file_by,
            created_at=now,
        )

    def sync_in(
        self,
        uow: UnitOfWork,
        period: str,
        actor: Actor,
        now: dt.datetime,
        agreements: Collection[str] | None = None,
    ) -> list[ClaimChange]:
        """Bring the claims of ``period`` in line with the ledger (of ``agreements`` only, when
        given), in ``uow``, uncommitted."""
        changes: list[ClaimChange] = []
        for agreement in uow.catalogue.list("Agreement"):
            if not isinstance(agreement, Agreement) or agreement.kind is not AgreementKind.UC:
                continue
            if agreements is not None and agreement.name not in agreements:
                continue
            held = {c.key: c for c in uow.claims.list(periods={period}, agreement=agreement.name)}
            for line in uow.credits.list(periods={period}, agreement=agreement.name):
                claim = held.pop(line.key, None)
                owed = line.amount is not None and line.amount > 0
                if claim is None:
                    if owed:
                        stored = uow.claims.add(self._new(uow, agreement, line, now))
                        self._audit(uow, actor, now, AuditAction.CREATE, None, stored)
                        changes.append(ClaimChange(ClaimOutcome.CREATED, stored))
                    continue
                if claim.settled:
                    continue
                if not owed:
                    changes.append(self._remove(uow, claim, actor, now))
                elif (claim.amount, claim.currency) != (line.amount, line.currency):
                    assert line.amount is not None
                    changed = dataclasses.replace(claim, amount=line.amount, currency=line.currency)
                    stored = uow.claims.replace(changed)
                    self._audit(uow, actor, now, AuditAction.CHANGE, claim, stored)
                    changes.append(ClaimChange(ClaimOutcome.CHANGED, stored))
            for gone in held.values():
                if not gone.settled:
                    changes.append(self._remove(uow, gone, actor, now))
        return changes

    def _remove(self, uow: UnitOfWork, claim: Claim, actor: Actor, now: dt.datetime) -> ClaimChange:
        assert claim.id is not None
        uow.claims.delete(claim.id)
        self._audit(uow, actor, now, AuditAction.DELETE, claim, None)
        return ClaimChange(ClaimOutcome.REMOVED, claim)

    def expire_in(self, uow: UnitOfWork, now: dt.datetime, actor: Actor = _SCHEDULER) -> list[ClaimChange]:
        """Mark expired every due claim whose window closed at or before ``now``, in ``uow``."""
        changes = []
        for claim in uow.claims.list(statuses={ClaimStatus.DUE}):
            if claim.deadline is None or now < claim.deadline:
                continue
            expired = dataclasses.replace(claim, status=ClaimStatus.EXPIRED, closed_at=now, closed_by=actor.name)
            stored = uow.claims.replace(expired)
            self._audit(uow, actor, now, AuditAction.CHANGE, claim, stored)
            changes.append(ClaimChange(ClaimOutcome.EXPIRED, stored))
        if changes:
            logger.info("%d claim(s) on suppliers expired unfiled", len(changes))
        return changes

    # -- reading -----------------------------------------------------------------------------------

    def claims(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        period: str | None = None,
        agreement: str | None = None,
        supplier: str | None = None,
    ) -> list[Claim]:
        with self._uow() as uow:
            return uow.claims.list(
                statuses=statuses,
                periods=None if period is None else {period},
                agreement=agreement,
                supplier=supplier,
            )

    def standings(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        period: str | None = None,
        supplier: str | None = None,
        within: int | None = None,
    ) -> list[ClaimStanding]:
        """Claims with where each stands against its deadline now; with ``within`` (days), only
        the due claims whose window closes within that many days or has closed."""
        if within is not None and within < 0:
            raise SpecError(
                [
                    Problem(
                        None,
                        "within",
                        f"within is a number of days, at least 0, not {within}",
                        key="claims.bad_within",
                        args={"value": within},
                    )
                ]
            )
        now = self._clock.now()
        warn = WARN_DAYS if within is None else within
        found = [
            ClaimStanding(c, urgency(c, now, warn), days_left(c, now))
            for c in self.claims(statuses=statuses, period=period, supplier=supplier)
        ]
        if within is not None:
            found = [s for s in found if s.urgency in (Urgency.SOON, Urgency.OVERDUE)]
        return found

    def claim(self, claim_id: int) -> Claim:
        with self._uow() as uow:
            return self._claim(uow, claim_id)

    @staticmethod
    def _claim(uow: UnitOfWork, claim_id: int) -> Claim:
        found = uow.claims.get(claim_id)
        if found is None:
            raise NotFoundError(f"no claim {claim_id}", key="error.claim_not_found", id=claim_id)
        return found

    # -- steps ---------------------------------------------------------------------------------------

    def file(self, claim_id: int, actor: Actor, *, reference: str | None = None, revision: int | None = None) -> Claim:
        """File a due claim with the supplier, before its deadline."""
        return self._step(claim_id, ClaimStatus.FILED, actor, reference=reference, revision=revision)

    def accept(
        self, claim_id: int, actor: Actor, *, reference: str | None = None, revision: int | None = None
    ) -> Claim:
        """The supplier accepted a filed claim: its ledger line is confirmed."""
        return self._step(claim_id, ClaimStatus.ACCEPTED, actor, reference=reference, revision=revision)

    def pay(self, claim_id: int, actor: Actor, *, reference: str | None = None, revision: int | None = None) -> Claim:
        """The supplier paid (or credited the invoice with) an accepted claim: its line is paid."""
        return self._step(claim_id, ClaimStatus.PAID, actor, reference=reference, revision=revision)

    def reject(
        self,
        claim_id: int,
        actor: Actor,
        *,
        reason: str | None = None,
        reference: str | None = None,
        revision: int | None = None,
    ) -> Claim:
        """The supplier rejected a filed claim (with its reason, when given)."""
        return self._step(claim_id, ClaimStatus.REJECTED, actor, reference=reference, reason=reason, revision=revision)

    def _step(
        self,
        claim_id: int,
        status: ClaimStatus,
        actor: Actor,
        *,
        reference: str | None = None,
        reason: str | None = None,
        revision: int | None = None,
    ) -> Claim:
        reference = _text(reference, "reference", REFERENCE_LIMIT)
        reason = _text(reason, "reason", REASON_LIMIT)
        now = self._clock.now()
        with self._uow() as uow:
            claim = self._claim(uow, claim_id)
            if revision is not None and revision != claim.revision:
                raise PreconditionFailedError(
                    f"claim {claim_id} is at revision {claim.revision}, not {revision}: it changed since it was read",
                    key="error.stale_revision",
                    kind="Claim",
                    name=str(claim_id),
                    current=claim.revision,
                    expected=revision,
                )
            if status not in CLAIM_STEPS[claim.status]:
                raise ConflictError(
                    f"claim {claim_id} is {claim.status.value}; it cannot be {status.value}",
                    key="error.claim_status",
                    id=claim_id,
                    status=claim.status.value,
                    to=status.value,
                )
            if status is ClaimStatus.FILED and claim.deadline is not None and now >= claim.deadline:
                raise ConflictError(
                    f"claim {claim_id} can no longer be filed: the window closed at {claim.deadline.isoformat()}",
                    key="error.claim_window_closed",
                    id=claim_id,
                    deadline=claim.deadline.isoformat(),
                )
            changed = dataclasses.replace(claim, status=status, reference=reference or claim.reference)
            if status is ClaimStatus.FILED:
                changed = dataclasses.replace(changed, filed_at=now, filed_by=actor.name)
            elif status is ClaimStatus.ACCEPTED:
                changed = dataclasses.replace(changed, accepted_at=now, accepted_by=actor.name)
                self._settle_line(uow, claim, CreditStatus.CONFIRMED, actor, now)
            elif status is ClaimStatus.PAID:
                changed = dataclasses.replace(changed, paid_at=now, paid_by=actor.name)
                self._settle_line(uow, claim, CreditStatus.PAID, actor, now)
            else:
                changed = dataclasses.replace(changed, closed_at=now, closed_by=actor.name, reason=reason)
            stored = uow.claims.replace(changed)
            self._audit(uow, actor, now, AuditAction.CHANGE, claim, stored)
            uow.commit()
        logger.info("claim %s (%s) is %s", claim_id, claim_name(stored), status.value)
        return stored

    def _settle_line(self, uow: UnitOfWork, claim: Claim, status: CreditStatus, actor: Actor, now: dt.datetime) -> None:
        """Confirm or pay the claim's ledger line, unless it is there already (or gone)."""
        line = next(
            (e for e in uow.credits.list(periods={claim.period}, agreement=claim.agreement) if e.key == claim.key), None
        )
        if line is None or line.status is status or line.status is CreditStatus.PAID:
            return
        self._credits.settle_in(uow, line, status, actor, now)

    @staticmethod
    def _audit(
        uow: UnitOfWork, actor: Actor, now: dt.datetime, action: AuditAction, before: Claim | None, after: Claim | None
    ) -> None:
        claim = after or before
        assert claim is not None
        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind="Claim",
                name=claim_name(claim),
                before=None if before is None else _document(before),
                after=None if after is None else _document(after),
            )
        )
