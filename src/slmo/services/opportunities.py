"""Improvement opportunities: where the error budgets of a named period (``2026-10``,
``2026-Q3``, ``2026-W40``), or of each objective's current window, went, and the slices to
improve first (``core.engine.opportunities`` has the rules; ``docs/formulas.md``,
"Improvement opportunities", the formulas).

What each objective spent is read as ``slmo history`` reads it: the period in the objective's
own time zone, its window replaced by the period's calendar unit, evaluated up to the period's
last second (or now, for a period still running). The units are the tally's: one per bucket
for Occurrences (so that an hour, an incident or a supplier's window holds exactly the buckets
it touches), one per time slice for the time-slice methods; a ticket objective's units are its
tickets whose verdict became final in the period, a late one spending one ticket of budget.

Incidents are every service's (open ones running to the instant evaluated); services depend on
each other and on suppliers as the catalogue says; the suppliers are the provider parties of
the underpinning contracts in force, with the services those contracts cover and their
objectives.

Walls: a customer's opportunities are those of its own agreements' objectives, with the
incidents of the services those agreements cover only, without the supplier dimension (the
underpinning contracts are not the customer's to see) and without suggested owners.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

import numpy as np

from slmo.core.engine import Span, epoch_seconds, evaluate_group, named_period, period_unit, slice_settings
from slmo.core.engine.budget import budget_total
from slmo.core.engine.opportunities import Dependencies, IncidentSpan, Spending, Supplier, opportunities
from slmo.core.engine.ticket_compliance import decided_in
from slmo.core.engine.windows import window_at
from slmo.core.model import Agreement, AgreementKind, IndicatorKind, PartyRole, Service, Window
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.opportunity import (
    Dimension,
    ObjectiveSpend,
    Opportunities,
    OpportunitySlice,
    Proposal,
    SpendUnit,
)
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.tickets import TicketService

MAX_TOP = 50
# The earliest zone on Earth (UTC+14): a period has begun somewhere once it has begun there.
_EARLIEST_ZONE = "Pacific/Kiritimati"


def problem(field: str, message: str, key: str, **args: object) -> SpecError:
    return SpecError([Problem(None, field, message, key=f"opportunity.{key}", args=dict(args))])


def check_top(top: int) -> int:
    if not 1 <= top <= MAX_TOP:
        raise problem("top", f"top must be a whole number from 1 to {MAX_TOP}, got {top}", "bad_top", value=top)
    return top


def check_period(period: str, now: dt.datetime) -> None:
    """A ``SpecError`` for what is not a period, or a period that has not begun anywhere."""
    period_unit(period)
    if named_period(period, _EARLIEST_ZONE).start > epoch_seconds(now):
        raise problem("period", f"{period} has not begun", "period_future", period=period)


class OpportunityService:
    def __init__(
        self, uow: UnitOfWorkFactory, evaluation: EvaluationService, tickets: TicketService, clock: Clock
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._tickets = tickets
        self._clock = clock

    def find(
        self,
        period: str | None = None,
        *,
        top: int = 5,
        agreements: Collection[str] | None = None,
        customer: bool = False,
        at: dt.datetime | None = None,
    ) -> Opportunities:
        """The breakdowns and the ``top`` proposals over ``period`` (each objective's current
        window without one), of every objective in force or of ``agreements``' only; a
        ``customer`` sees them behind its walls (module docstring)."""
        now = at or self._clock.now()
        check_top(top)
        if period is not None:
            check_period(period, now)
        with self._uow() as uow:
            return self.find_in(uow, period, now, top=top, agreements=agreements, customer=customer)

    def proposal(self, ref: str, *, at: dt.datetime | None = None) -> tuple[Opportunities, Proposal]:
        """The proposal ``PERIOD:RANK`` names (``parse_reference``), with the opportunities it
        is one of; ``NotFoundError`` when there are fewer proposals than that."""
        period, rank = parse_reference(ref)
        if rank > MAX_TOP:
            check_top(rank)
        found = self.find(period, top=rank, at=at)
        if len(found.proposals) < rank:
            raise NotFoundError(
                f"there is no proposal {rank} for {period or CURRENT}: {len(found.proposals)} were found",
                key="error.opportunity_not_found",
                rank=rank,
                period=period or CURRENT,
                count=len(found.proposals),
            )
        return found, found.proposals[rank - 1]

    def find_in(
        self,
        uow: UnitOfWork,
        period: str | None,
        now: dt.datetime,
        *,
        top: int = 5,
        agreements: Collection[str] | None = None,
        customer: bool = False,
        suppliers: bool = True,
    ) -> Opportunities:
        """As ``find``, in ``uow`` (a report's); ``suppliers`` off leaves that dimension empty."""
        t = epoch_seconds(now)
        when = now if period is None else dt.datetime.fromtimestamp(min(named_period(period).end - 1, t), dt.UTC)
        targets = [
            target
            for target in self._evaluation.targets(uow, when)
            if agreements is None or target.agreement.name in agreements
        ]
        spendings: list[Spending] = []
        first, last = t, t
        for target in targets:
            span = self._span(target, period, t)
            if span.start > t:
                continue
            # A period's last second counts (as ``over_period``); a window runs up to now.
            at = t if period is None else min(span.end - 1, t)
            first, last = min(first, span.start), max(last, min(span.end, t))
            spent = self._spending(uow, target, period, span, at)
            if spent is not None:
                spendings.append(spent)
        visible = {s for target in targets for s in target.agreement.services} if customer else None
        incidents = [
            IncidentSpan.of(i.id, i.service, i.start, i.end if i.end is not None else now, i.cause)
            for i in uow.measurements.list_incidents(
                start=dt.datetime.fromtimestamp(first, dt.UTC), end=dt.datetime.fromtimestamp(last, dt.UTC)
            )
            if visible is None or i.service in visible
        ]
        catalogue = [s for s in uow.catalogue.list("Service") if isinstance(s, Service)]
        dependencies = Dependencies(
            services={s.name: frozenset(s.depends_on_services) for s in catalogue},
            suppliers={s.name: frozenset(s.depends_on_suppliers) for s in catalogue},
        )
        ties = self._suppliers(uow, when) if suppliers and not customer else []
        found = opportunities(
            spendings,
            start=first,
            end=last,
            period=period,
            incidents=incidents,
            dependencies=dependencies,
            suppliers=ties,
            top=top,
        )
        if customer:
            return found
        owners = {s.name: s.owner for s in catalogue}
        return dataclasses.replace(found, proposals=tuple(self._owned(uow, p, owners) for p in found.proposals))

    # -- what each objective spent ----------------------------------------------------------------

    @staticmethod
    def _span(target: Target, period: str | None, t: int) -> Span:
        if period is not None:
            return named_period(period, target.time_zone, week_start=target.week_start)
        return window_at(target.objective.window, t, time_zone=target.time_zone, week_start=target.week_start)

    def _spending(self, uow: UnitOfWork, target: Target, period: str | None, span: Span, at: int) -> Spending | None:
        if target.indicator.kind is IndicatorKind.TICKET:
            return self._tickets_spent(uow, target, span, at)
        objective = target.objective
        if period is not None:
            # The period's calendar unit as the window, as ``EvaluationService.over_period`` has it.
            window = Window(length=1, unit=period_unit(period), rolling=False, time_zone=target.time_zone)
            objective = dataclasses.replace(objective, window=window)
        whole = dataclasses.replace(target, objective=objective)
        grid, _ = self._evaluation.grid(uow, whole, span, at)
        slice_seconds, slice_target = slice_settings(objective)
        occurrences = objective.budgeting is BudgetingMethod.OCCURRENCES
        # Occurrences units are cut at every bucket, so that each holds one bucket.
        points = np.arange(grid.start, min(grid.end, at + 1), grid.bucket_seconds).tolist() if occurrences else []
        arrays = evaluate_group(
            grid,
            at,
            window=objective.window,
            target=objective.target,
            budgeting=objective.budgeting,
            slice_seconds=slice_seconds,
            slice_target=slice_target,
            maintenance=objective.maintenance,
            time_zone=target.time_zone,
            week_start=target.week_start,
            burn_windows={},
            points=points,
        )
        tally = arrays.tally
        (lo,), (hi,) = tally.positions([Span(span.start, at + 1)])
        edges = tally.edges[lo : hi + 1]
        bad = np.clip(np.asarray(tally.bad[0, lo:hi], dtype=np.float64), 0.0, None)
        total = np.asarray(tally.total[0, lo:hi], dtype=np.float64)
        seconds = np.asarray(tally.seconds[0, lo:hi], dtype=np.float64)
        keep = total > 0
        if not occurrences:
            bad_seconds = bad * seconds
        elif target.indicator.kind is IndicatorKind.AVAILABILITY:
            bad_seconds = bad * grid.bucket_seconds  # a bucket is one unit of time
        else:
            bad_seconds = None
        return Spending.of(
            target.key,
            target.indicator.service,
            SpendUnit.EVENTS if occurrences else SpendUnit.SLICES,
            float(arrays.budget_total[0]),
            target.time_zone,
            edges[:-1][keep],
            edges[1:][keep],
            bad[keep],
            total[keep],
            bad_seconds=None if bad_seconds is None else bad_seconds[keep],
        )

    def _tickets_spent(self, uow: UnitOfWork, target: Target, span: Span, at: int) -> Spending | None:
        """The tickets decided in the span, a late one spending one ticket of budget."""
        if target.objective.tickets is None:
            return None
        tickets, frame, timers = self._tickets.timers(uow, target, at)
        # The same tickets as the objective's evaluation counts (``TicketService.counts``).
        chosen = np.flatnonzero(decided_in(timers, span.start, min(span.end, at + 1)))
        chosen = chosen[np.argsort(timers.decided[chosen], kind="stable")]
        decided = timers.decided[chosen]
        return Spending.of(
            target.key,
            target.indicator.service,
            SpendUnit.TICKETS,
            float(budget_total(chosen.size, target.objective.target)),
            target.time_zone,
            decided,
            decided + 1,
            timers.breached[chosen].astype(np.float64),
            np.ones(chosen.size),
            labels={
                "priority": [frame.priorities[int(timers.priority[i])] for i in chosen],
                "category": [tickets[int(i)].category for i in chosen],
            },
            references=[tickets[int(i)].id for i in chosen],
        )

    # -- the catalogue's part -----------------------------------------------------------------------

    @staticmethod
    def _suppliers(uow: UnitOfWork, when: dt.datetime) -> list[Supplier]:
        """The provider parties of the underpinning contracts in force, each with its contracts,
        the services they cover and their objectives."""
        held: dict[str, tuple[list[str], set[str], set[str]]] = {}
        for agreement in uow.catalogue.list("Agreement"):
            if not isinstance(agreement, Agreement) or agreement.kind is not AgreementKind.UC:
                continue
            version = agreement.active_version(when.date())
            if version is None:
                continue
            for party in agreement.parties_in_role(PartyRole.PROVIDER):
                contracts, covered, objectives = held.setdefault(party, ([], set(), set()))
                contracts.append(agreement.name)
                covered.update(agreement.services)
                objectives.update(f"{agreement.name}/{o.name}" for o in version.objectives)
        return [
            Supplier(name, tuple(sorted(c)), frozenset(s), frozenset(o)) for name, (c, s, o) in sorted(held.items())
        ]

    @staticmethod
    def _owned(uow: UnitOfWork, proposal: Proposal, owners: dict[str, str | None]) -> Proposal:
        """The party suggested to own an action: for a supplier, the customer of its first
        contract (who manages it); else the owner of the service that spent the most of it."""
        s = proposal.slice
        if s.dimension is Dimension.SUPPLIER and s.contracts:
            contract = uow.catalogue.get("Agreement", s.contracts[0])
            if isinstance(contract, Agreement):
                customers = contract.parties_in_role(PartyRole.CUSTOMER)
                return dataclasses.replace(proposal, owner=customers[0] if customers else None)
        by_service: dict[str, float] = {}
        for o in s.objectives:
            if o.service is not None:
                by_service[o.service] = by_service.get(o.service, 0.0) + o.share
        if not by_service:
            return proposal
        top = min(by_service, key=lambda name: (-by_service[name], name))
        return dataclasses.replace(proposal, owner=owners.get(top))


CURRENT = "current"


def reference(found: Opportunities, proposal: Proposal) -> str:
    """How a proposal is named to ``slmo action add --opportunity``: ``2026-10:1``, ``current:2``."""
    return f"{found.period or CURRENT}:{proposal.rank}"


def parse_reference(text: str) -> tuple[str | None, int]:
    """``PERIOD:RANK`` (``current:RANK`` for the current windows) as the period and the rank."""
    period, sep, rank = text.strip().rpartition(":")
    if not sep or not period or not rank.isdigit() or int(rank) < 1:
        raise problem(
            "opportunity",
            f"{text!r} is not a proposal; give PERIOD:RANK (2026-10:1, or current:1 for the current windows)",
            "bad_reference",
            value=text,
        )
    return (None if period == CURRENT else period), int(rank)


def origin(found: Opportunities, proposal: Proposal) -> str:
    """The origin an action taken on ``proposal`` records: a trend, in words that name the slice."""
    s = proposal.slice
    return f"trend:opportunity {found.period or CURRENT} {s.dimension.value} {s.item}"


def _spend_document(o: ObjectiveSpend) -> dict[str, Any]:
    return {
        "objective": o.objective,
        "service": o.service,
        "unit": o.unit.value,
        "spent": o.spent,
        "budget": o.budget,
        "share": o.share,
        "minutes": o.minutes,
    }


def slice_document(s: OpportunitySlice) -> dict[str, Any]:
    return {
        "dimension": s.dimension.value,
        "item": s.item,
        "spent": s.spent,
        "share": s.share,
        "expected": s.expected,
        "objectives": [_spend_document(o) for o in s.objectives],
        "incidents": [
            {
                "id": i.id,
                "service": i.service,
                "start": i.start.isoformat(),
                "end": i.end.isoformat(),
                "cause": i.cause,
                "spent": i.spent,
            }
            for i in s.incidents
        ],
        "tickets": list(s.tickets),
        "contracts": list(s.contracts),
    }


def document(found: Opportunities) -> dict[str, Any]:
    """The opportunities as plain JSON: what ``slmo opportunities --json`` prints and
    ``GET /api/v1/opportunities`` answers."""
    return {
        "period": found.period,
        "start": found.start.isoformat(),
        "end": found.end.isoformat(),
        "spent": found.spent,
        "outside_incidents": found.outside_incidents,
        "unbudgeted": list(found.unbudgeted),
        "objectives": [_spend_document(o) for o in found.objectives],
        "breakdowns": {d.value: [slice_document(s) for s in found.breakdowns.get(d, ())] for d in Dimension},
        "proposals": [
            {
                "rank": p.rank,
                "reference": reference(found, p),
                "action": p.action,
                "args": dict(p.args),
                "owner": p.owner,
                "origin": origin(found, p),
                "slice": slice_document(p.slice),
            }
            for p in found.proposals
        ],
    }
