"""Suppliers over a period: each supplier party's underpinning contracts, how the supplier
measured against each commitment by slmo's own records, the credit it owes (from the ledger,
else worked out on the spot and marked so), the claims, the services that depend on it and the
customer breaches its failing overlapped.

The portfolio view and ``slmo propose`` call ``owed`` and ``overview``; the rules of each part
are in ``services.credits`` (the credit), ``services.claims`` (the claims) and
``services.impact`` (dependents and caused breaches).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slmo.core.engine.impact import upstream
from slmo.core.engine.windows import period_unit
from slmo.core.model import Agreement, AgreementKind, Party, PartyRole, PartyType, Service
from slmo.core.model.claims import Claim
from slmo.core.model.impact import LinkKind, ObjectiveImpact
from slmo.core.model.ledger import CreditBasis, CreditEntry
from slmo.core.model.text import LocalizedText
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.services.claims import ClaimService, supplier_of
from slmo.services.credits import CreditService
from slmo.services.evaluate import EvaluationService
from slmo.services.impact import ImpactService


@dataclass(frozen=True)
class Owed:
    """A credit a supplier owes for a period: the ledger line and its claim (if there is one)."""

    supplier: str
    entry: CreditEntry
    claim: Claim | None


@dataclass(frozen=True)
class Commitment:
    """One objective of a contract over the period: the target promised, the attainment measured."""

    objective: str
    display_name: LocalizedText
    target: float
    attainment: float | None


@dataclass(frozen=True)
class ContractStanding:
    """An underpinning contract over the period. ``credit`` is the credit schedule's line: the
    ledger's when the period was computed (``in_ledger``), else worked out now and not stored."""

    agreement: str
    display_name: LocalizedText
    version: int
    services: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    credit: CreditEntry | None
    in_ledger: bool
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class SupplierStanding:
    supplier: str
    display_name: LocalizedText
    contracts: tuple[ContractStanding, ...]
    dependents: tuple[str, ...]
    caused: tuple[ObjectiveImpact, ...]


class SupplierService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        credits: CreditService,
        claims: ClaimService,
        impact: ImpactService,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._credits = credits
        self._claims = claims
        self._impact = impact
        self._clock = clock

    @staticmethod
    def _contracts(uow: UnitOfWork) -> list[Agreement]:
        return [a for a in uow.catalogue.list("Agreement") if isinstance(a, Agreement) and a.kind is AgreementKind.UC]

    def owed(self, period: str) -> list[Owed]:
        """The credits suppliers owe for ``period`` by the ledger (lines above zero), with their claims."""
        period_unit(period)  # a SpecError for what is not a period
        with self._uow() as uow:
            found = []
            for agreement in self._contracts(uow):
                claims = {c.key: c for c in uow.claims.list(periods={period}, agreement=agreement.name)}
                for entry in uow.credits.list(periods={period}, agreement=agreement.name):
                    if entry.amount is not None and entry.amount > 0:
                        found.append(Owed(supplier_of(uow, agreement), entry, claims.get(entry.key)))
            return found

    def suppliers(self) -> list[str]:
        """Every supplier: parties of type supplier, and providers of underpinning contracts."""
        with self._uow() as uow:
            names = {
                p.name for p in uow.catalogue.list("Party") if isinstance(p, Party) and p.type is PartyType.SUPPLIER
            }
            names.update(p for a in self._contracts(uow) for p in a.parties_in_role(PartyRole.PROVIDER))
            return sorted(names)

    def overview(self, period: str, *, caused: bool = True) -> list[SupplierStanding]:
        """Every supplier over ``period``; without ``caused``, the breaches it caused are not
        looked for (they take an evaluation of every breach of the period)."""
        period_unit(period)
        now = self._clock.now()
        # Every customer breach of the period is examined once, whatever the number of suppliers.
        breaches = self._impact.customer_breaches(period) if caused else []
        standings = []
        for supplier in self.suppliers():
            with self._uow() as uow:
                party = uow.catalogue.get("Party", supplier)
                display = party.display_name if isinstance(party, Party) else LocalizedText(en=supplier)
                contracts = [
                    self._contract(uow, a, period, now)
                    for a in self._contracts(uow)
                    if supplier in a.parties_in_role(PartyRole.PROVIDER)
                ]
                services = {s.name: s for s in uow.catalogue.list("Service") if isinstance(s, Service)}
                dependents = sorted(
                    name
                    for name in services
                    if any(u.kind is LinkKind.SUPPLIER and u.name == supplier for u in upstream(services, name))
                )
            standings.append(
                SupplierStanding(
                    supplier=supplier,
                    display_name=display,
                    contracts=tuple(c for c in contracts if c is not None),
                    dependents=tuple(dependents),
                    caused=tuple(b for b in breaches if supplier in b.suppliers),
                )
            )
        return standings

    def _contract(
        self, uow: UnitOfWork, agreement: Agreement, period: str, now: dt.datetime
    ) -> ContractStanding | None:
        plan = self._credits.plan(uow, agreement, period)
        if plan is None:
            return None
        commitments = []
        for target in plan.targets:
            result = self._evaluation.over_period(uow, target, period, top=0).evaluation
            commitments.append(
                Commitment(
                    objective=target.objective.name,
                    display_name=target.objective.display_name,
                    target=target.objective.target,
                    attainment=result.attainment,
                )
            )
        held = [
            e for e in uow.credits.list(periods={period}, agreement=agreement.name) if e.basis is CreditBasis.SCHEDULE
        ]
        in_ledger = bool(held)
        if not held:
            fresh, _ = self._credits.lines(uow, plan, period, now)
            held = [e for e in fresh if e.basis is CreditBasis.SCHEDULE]
        return ContractStanding(
            agreement=agreement.name,
            display_name=agreement.display_name,
            version=plan.version.number,
            services=agreement.services,
            commitments=tuple(commitments),
            credit=held[0] if held else None,
            in_ledger=in_ledger,
            claims=tuple(uow.claims.list(periods={period}, agreement=agreement.name)),
        )
