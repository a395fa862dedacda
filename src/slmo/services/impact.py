"""Dependency impact: for a breach, or an objective over a period, which upstream services and
suppliers were failing while it spent its budget; and each service's weakest link.

The maths is ``core.engine.impact``; this module decides what an upstream's failing is made of
(``docs/formulas.md`` section 20):

- **A service** upstream fails while one of its incidents counts as down (an outage always; a
  degraded one when an availability indicator of that service says ``degradedIsDown``), and in
  the units where an objective measuring it (one whose indicator is of that service, in any
  agreement in force) spent budget.
- **A supplier** party fails while a service covered by one of its underpinning contracts in
  force (the UCs whose provider it is) has such an incident, and in the units where an objective
  of those contracts spent budget: slmo measures the supplier with its own records.
- The dependent's own records never count as an upstream's failing: a contract that covers the
  dependent service itself (the example's cloud contract covers the portal) says nothing about
  the portal's breaches that the portal's own incidents did not.
- **A breach** is examined from the start of the objective's window at its first breached
  evaluation to its end (now while it goes on), over the objective's units there. Ticket
  objectives have no time units and are not examined.
- **The weakest link** of a service over a period: each upstream's lowest attainment over the
  period among the objectives that measure it, evaluated as ``slmo history`` does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from slmo.core.engine import Span, epoch_seconds, named_period, window_at
from slmo.core.engine.impact import BadTime, bad_time, overlapping, union, upstream, weakest_first
from slmo.core.model import Agreement, AgreementKind, Indicator, IndicatorKind, PartyRole, Service
from slmo.core.model.impact import Cause, LinkKind, LinkStanding, ObjectiveImpact, Upstream, WeakestLink
from slmo.core.model.measurement import Impact
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.breaches import BreachService
from slmo.services.evaluate import EvaluationService, Target


@dataclass(frozen=True)
class ServiceImpact:
    """A service over a period: each of its objectives' bad time and what upstream overlapped it,
    the breaches of its objectives that overlap the period, and its weakest link."""

    service: str
    period: str
    upstream: tuple[Upstream, ...]
    objectives: tuple[ObjectiveImpact, ...]
    breaches: tuple[ObjectiveImpact, ...]
    weakest: WeakestLink


@dataclass(frozen=True)
class _Failing:
    """An upstream's failing intervals over a span, with what they are made of."""

    starts: np.ndarray
    ends: np.ndarray
    incidents: tuple[tuple[str, int, int], ...]
    objectives: tuple[tuple[str, np.ndarray, np.ndarray], ...]


def _bad_reference(reference: str) -> SpecError:
    return SpecError(
        [
            Problem(
                None,
                "breach",
                f"{reference!r} is not a breach; name one as AGREEMENT/OBJECTIVE@START (slmo breaches, GET /breaches)",
                key="impact.bad_breach",
                args={"ref": reference},
            )
        ]
    )


class ImpactService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self._breaches = BreachService(evaluation)

    # -- the graph -----------------------------------------------------------------------------------

    @staticmethod
    def _services(uow: UnitOfWork) -> dict[str, Service]:
        return {s.name: s for s in uow.catalogue.list("Service") if isinstance(s, Service)}

    def upstream(self, service: str) -> list[Upstream]:
        with self._uow() as uow:
            services = self._services(uow)
            self._known(services, service)
            return upstream(services, service)

    @staticmethod
    def _known(services: dict[str, Service], name: str) -> None:
        if name not in services:
            raise NotFoundError(
                f"Service {name!r} does not exist", key="error.object_not_found", kind="Service", name=name
            )

    # -- what an upstream is measured by -------------------------------------------------------------

    @staticmethod
    def _contracts(uow: UnitOfWork, supplier: str, on: dt.date) -> list[Agreement]:
        """The underpinning contracts in force on ``on`` whose provider is ``supplier``."""
        return [
            a
            for a in uow.catalogue.list("Agreement")
            if isinstance(a, Agreement)
            and a.kind is AgreementKind.UC
            and supplier in a.parties_in_role(PartyRole.PROVIDER)
            and a.active_version(on) is not None
        ]

    def _measured_by(
        self, uow: UnitOfWork, link: Upstream, dependent: str, when: dt.datetime
    ) -> tuple[list[str], list[Target]]:
        """The services whose incidents count for ``link`` and the objectives that measure it,
        leaving out the dependent's own."""
        targets = self._evaluation.targets(uow, when)
        if link.kind is LinkKind.SERVICE:
            services = [link.name]
            measuring = [t for t in targets if t.indicator.service == link.name]
        else:
            contracts = self._contracts(uow, link.name, when.date())
            names = {a.name for a in contracts}
            services = sorted({s for a in contracts for s in a.services})
            measuring = [t for t in targets if t.agreement.name in names]
        kept = [s for s in services if s != dependent]
        return kept, [
            t for t in measuring if t.indicator.service != dependent and t.indicator.kind is not IndicatorKind.TICKET
        ]

    @staticmethod
    def _degraded_is_down(uow: UnitOfWork, service: str) -> bool:
        return any(
            isinstance(i, Indicator)
            and i.service == service
            and i.kind is IndicatorKind.AVAILABILITY
            and i.availability is not None
            and i.availability.degraded_is_down
            for i in uow.catalogue.list("Indicator")
        )

    def _failing(self, uow: UnitOfWork, link: Upstream, dependent: str, span: Span, at: int) -> _Failing:
        when = dt.datetime.fromtimestamp(max(span.start, min(at, span.end) - 1), dt.UTC)
        services, measuring = self._measured_by(uow, link, dependent, when)
        incidents: list[tuple[str, int, int]] = []
        for service in services:
            down = {Impact.OUTAGE} | ({Impact.DEGRADED} if self._degraded_is_down(uow, service) else set())
            for incident in uow.measurements.list_incidents(
                service=service,
                start=dt.datetime.fromtimestamp(span.start, dt.UTC),
                end=dt.datetime.fromtimestamp(span.end, dt.UTC),
            ):
                if incident.impact not in down:
                    continue
                end = at if incident.end is None else epoch_seconds(incident.end)
                start = max(epoch_seconds(incident.start), span.start)
                if min(end, span.end) > start:
                    incidents.append((incident.id, start, min(end, span.end)))
        objectives: list[tuple[str, np.ndarray, np.ndarray]] = []
        for target in measuring:
            grid, _ = self._evaluation.grid(uow, target, span, at)
            starts, ends = bad_time(target.objective, grid, span).intervals()
            if starts.size:
                objectives.append((target.key, starts, ends))
        starts, ends = union(
            [
                (
                    np.array([s for _, s, _ in incidents], dtype=np.int64),
                    np.array([e for _, _, e in incidents], dtype=np.int64),
                ),
                *((s, e) for _, s, e in objectives),
            ]
        )
        return _Failing(starts, ends, tuple(incidents), tuple(objectives))

    # -- impact of one objective over a span ----------------------------------------------------------

    def _impact(
        self, uow: UnitOfWork, target: Target, span: Span, at: int, links: list[Upstream]
    ) -> tuple[BadTime, list[Cause], float]:
        grid, _ = self._evaluation.grid(uow, target, span, at)
        bad = bad_time(target.objective, grid, span)
        total = bad.seconds
        dependent = target.indicator.service or ""
        causes: list[Cause] = []
        every: list[tuple[np.ndarray, np.ndarray]] = []
        for link in links:
            failing = self._failing(uow, link, dependent, span, at)
            if failing.starts.size == 0:
                continue
            every.append((failing.starts, failing.ends))
            overlap = bad.overlap(failing.starts, failing.ends)
            if overlap <= 0:
                continue
            met = overlapping(
                np.array([s for _, s, _ in failing.incidents], dtype=np.int64),
                np.array([e for _, _, e in failing.incidents], dtype=np.int64),
                bad,
            )
            causes.append(
                Cause(
                    link=link,
                    overlap_seconds=overlap,
                    share=None if total <= 0 else overlap / total,
                    incidents=tuple(sorted({i for (i, _, _), hit in zip(failing.incidents, met, strict=True) if hit})),
                    objectives=tuple(key for key, s, e in failing.objectives if bad.overlap(s, e) > 0),
                )
            )
        explained = bad.overlap(*union(every)) if every else 0.0
        causes.sort(key=lambda c: (-c.overlap_seconds, c.link.depth, c.link.kind.value, c.link.name))
        return bad, causes, explained

    def _objective_impact(
        self,
        uow: UnitOfWork,
        target: Target,
        span: Span,
        at: int,
        *,
        breach_start: dt.datetime | None = None,
        breach_end: dt.datetime | None = None,
    ) -> ObjectiveImpact:
        services = self._services(uow)
        service = target.indicator.service
        links = [] if service is None else upstream(services, service)
        bad, causes, explained = self._impact(uow, target, span, at, links)
        return ObjectiveImpact(
            agreement=target.agreement.name,
            objective=target.objective.name,
            service=service,
            start=dt.datetime.fromtimestamp(span.start, dt.UTC),
            end=dt.datetime.fromtimestamp(span.end, dt.UTC),
            bad_seconds=bad.seconds,
            explained_seconds=explained,
            causes=tuple(causes),
            checked=tuple(links),
            breach_start=breach_start,
            breach_end=breach_end,
            target=target.objective.target,
        )

    # -- breaches ---------------------------------------------------------------------------------------

    def for_breach(self, reference: str) -> ObjectiveImpact:
        """The impact on one breach, named ``AGREEMENT/OBJECTIVE@START`` (``slmo breaches``)."""
        key, _, start = reference.strip().partition("@")
        try:
            at = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            raise _bad_reference(reference) from None
        if at.utcoffset() is None or "/" not in key:
            raise _bad_reference(reference)
        found = [e for e in self._breaches.episodes(objective=key) if e.start == at]
        if not found:
            raise NotFoundError(
                f"there is no breach {reference}; name one as AGREEMENT/OBJECTIVE@START (slmo breaches)",
                key="error.breach_not_found",
                ref=reference,
            )
        episode = found[0]
        with self._uow() as uow:
            targets = self._evaluation.targets(uow, episode.start, key)
            return self._breach_impact(uow, targets[0], episode.start, episode.end)

    def _breach_impact(
        self, uow: UnitOfWork, target: Target, start: dt.datetime, end: dt.datetime | None
    ) -> ObjectiveImpact:
        window = window_at(
            target.objective.window, epoch_seconds(start), time_zone=target.time_zone, week_start=target.week_start
        )
        until = epoch_seconds(end if end is not None else self._clock.now())
        span = Span(window.start, max(until, window.start))
        return self._objective_impact(uow, target, span, until, breach_start=start, breach_end=end)

    def breaches(self, period: str, *, agreements: Collection[str] | None = None) -> list[ObjectiveImpact]:
        """The impact on every breach that overlaps ``period`` (in its objective's time zone), of
        ``agreements`` only when given; ticket objectives' breaches are left out."""
        found: list[ObjectiveImpact] = []
        episodes = self._breaches.episodes(agreements=agreements)
        with self._uow() as uow:
            for episode in episodes:
                targets = [
                    t
                    for t in self._evaluation.targets(uow, episode.start)
                    if t.key == episode.key and t.indicator.kind is not IndicatorKind.TICKET
                ]
                if not targets:
                    continue
                target = targets[0]
                span = named_period(period, target.time_zone, week_start=target.week_start)
                if epoch_seconds(episode.start) >= span.end or (
                    episode.end is not None and epoch_seconds(episode.end) <= span.start
                ):
                    continue
                found.append(self._breach_impact(uow, target, episode.start, episode.end))
        return found

    def customer_breaches(self, period: str) -> list[ObjectiveImpact]:
        """The impact on every breach in ``period`` of an agreement sold (an SLA, OLA or
        expectation; not an underpinning contract)."""
        with self._uow() as uow:
            sold = {
                a.name
                for a in uow.catalogue.list("Agreement")
                if isinstance(a, Agreement) and a.kind is not AgreementKind.UC
            }
        return self.breaches(period, agreements=sold)

    def caused_by(self, supplier: str, period: str) -> list[ObjectiveImpact]:
        """The customer breaches in ``period`` that ``supplier``'s failing overlapped: those it
        caused, in whole or in part."""
        return [i for i in self.customer_breaches(period) if supplier in i.suppliers]

    # -- a service over a period ------------------------------------------------------------------------

    def for_service(self, service: str, period: str) -> ServiceImpact:
        """Each objective of ``service`` (one whose indicator is of it) over ``period``, with the
        upstream that overlapped its bad time; its breaches in the period; and its weakest link."""
        with self._uow() as uow:
            services = self._services(uow)
            self._known(services, service)
            links = upstream(services, service)
            probe = named_period(period, "UTC")
            when = dt.datetime.fromtimestamp(probe.end - 1, dt.UTC)
            impacts = []
            for target in self._evaluation.targets(uow, when):
                if target.indicator.service != service or target.indicator.kind is IndicatorKind.TICKET:
                    continue
                span = named_period(period, target.time_zone, week_start=target.week_start)
                at = min(span.end, epoch_seconds(self._clock.now()))
                impacts.append(self._objective_impact(uow, target, Span(span.start, max(at, span.start)), at))
            agreements = {
                t.agreement.name for t in self._evaluation.targets(uow, when) if t.indicator.service == service
            }
        breaches = [b for b in self.breaches(period, agreements=agreements) if b.service == service]
        return ServiceImpact(
            service=service,
            period=period,
            upstream=tuple(links),
            objectives=tuple(impacts),
            breaches=tuple(breaches),
            weakest=self.weakest_link(service, period),
        )

    def weakest_link(self, service: str, period: str) -> WeakestLink:
        """Every upstream of ``service`` over ``period``, weakest first (``core.engine.impact``)."""
        with self._uow() as uow:
            services = self._services(uow)
            self._known(services, service)
            standings = []
            probe = named_period(period, "UTC")
            when = dt.datetime.fromtimestamp(probe.end - 1, dt.UTC)
            for link in upstream(services, service):
                _, measuring = self._measured_by(uow, link, service, when)
                worst: LinkStanding = LinkStanding(link=link, attainment=None)
                for target in measuring:
                    result = self._evaluation.over_period(uow, target, period, top=0).evaluation
                    if result.attainment is None:
                        continue
                    if worst.attainment is None or result.attainment < worst.attainment:
                        worst = dataclasses.replace(
                            worst, attainment=result.attainment, target=result.target, objective=target.key
                        )
                standings.append(worst)
        return WeakestLink(service=service, period=period, links=tuple(weakest_first(standings)))
