"""What proposals for change are drafted from, read from the store: the months of evidence before
the period, what was used of an agreement's services, tickets by service and category, and the
credits ledger's sums (``services.proposals`` decides with ``core.engine.proposals``).

**The evidence span.** Proposals for a period (``2027``, ``2027-Q1``, ``2027-01``) are drafted
from the twelve complete months before the period starts or before now, whichever is earlier, in
the agreement's time zone (its version in force's calendar's, else UTC): on 26 November 2026,
``2027`` reads November 2025 to October 2026; ``2026-01`` would read 2025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from slmo.core.engine import named_period, period_label
from slmo.core.engine.windows import zone as zone_info
from slmo.core.model import Agreement, AgreementVersion, Calendar, Indicator, IndicatorKind, VersionState, WindowUnit
from slmo.core.model.claims import ClaimStatus
from slmo.core.model.ledger import CreditStatus
from slmo.core.ports import UnitOfWork

MONTHS = 12


@dataclass(frozen=True)
class Horizon:
    """The period proposals are for and the evidence before it, in ``zone``: ``cut`` is the
    earlier of the period's start and now (epoch seconds), ``labels`` the twelve complete months
    before it, from ``start`` to ``end``."""

    period: str
    zone: str
    cut: int
    start: int
    end: int
    labels: tuple[str, ...]

    @property
    def span(self) -> str:
        return f"{self.labels[0]}..{self.labels[-1]}"

    @property
    def at(self) -> dt.datetime:
        """The cut as an instant: the "now" the evidence is read at."""
        return dt.datetime.fromtimestamp(self.cut, dt.UTC)

    def first_day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.start, zone_info(self.zone)).date()

    def cut_day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.cut, zone_info(self.zone)).date()


def horizon(period: str, zone: str, now: int) -> Horizon:
    """The horizon of ``period`` in ``zone`` at ``now`` (module docstring)."""
    cut = min(named_period(period, zone).start, now)
    running = named_period(period_label(cut, WindowUnit.MONTH, zone), zone)
    labels = []
    span = running
    for _ in range(MONTHS):
        label = period_label(span.start - 1, WindowUnit.MONTH, zone)
        labels.append(label)
        span = named_period(label, zone)
    return Horizon(
        period=period, zone=zone, cut=cut, start=span.start, end=running.start, labels=tuple(reversed(labels))
    )


def agreement_zone(uow: UnitOfWork, version: AgreementVersion | None) -> str:
    calendar = uow.catalogue.get("Calendar", version.calendar) if version and version.calendar else None
    return calendar.time_zone if isinstance(calendar, Calendar) else "UTC"


def in_force_since(agreement: Agreement) -> dt.date | None:
    """The first day any of its versions was in force (``None``: one with no date says it has
    always been, as far as slmo knows)."""
    days = [v.effective_from for v in agreement.versions if v.state in (VersionState.ACTIVE, VersionState.SUPERSEDED)]
    if any(d is None for d in days):
        return None
    return min((d for d in days if d is not None), default=None)


def measured(uow: UnitOfWork, indicator: Indicator, start: int, end: int) -> bool:
    """Whether ``indicator`` has anything measured in ``[start, end)``: its buckets or samples;
    for availability, its first probe or its service's first incident before ``end`` (it counts
    from then on, as the evaluation does); for tickets, its service's tickets opened before
    ``end``. An objective with nothing measured has no evidence to study."""
    until = dt.datetime.fromtimestamp(end, dt.UTC)
    if indicator.kind is IndicatorKind.TICKET:
        return indicator.service is not None and bool(uow.tickets.list(service=indicator.service, opened_before=until))
    stored = uow.measurements.bucket_range(indicator.name)
    if indicator.kind is IndicatorKind.AVAILABILITY:
        if stored is not None and stored[0] < end:
            return True
        return indicator.service is not None and bool(
            uow.measurements.list_incidents(service=indicator.service, end=until)
        )
    return stored is not None and stored[0] < end and stored[1] > start


def _indicators(uow: UnitOfWork, services: Collection[str], kind: IndicatorKind) -> list[Indicator]:
    return sorted(
        (
            i
            for i in uow.catalogue.list("Indicator")
            if isinstance(i, Indicator) and i.kind is kind and i.service in services
        ),
        key=lambda i: i.name,
    )


def events(uow: UnitOfWork, services: Collection[str], start: int, end: int) -> int | None:
    """Events counted by the ratio indicators of ``services`` in ``[start, end)`` (``None``:
    none of them has one, so use cannot be seen this way)."""
    found = _indicators(uow, services, IndicatorKind.RATIO)
    if not found:
        return None
    total = 0
    for indicator in found:
        bucket = indicator.bucket_seconds
        series = uow.measurements.read_buckets(indicator.name, start // bucket * bucket, end // bucket * bucket, bucket)
        total += int(np.sum(series.total))
    return total


def tickets_opened(uow: UnitOfWork, services: Collection[str], start: int, end: int) -> int | None:
    """Tickets opened on ``services`` in ``[start, end)`` (``None``: no ticket indicator measures
    any of them)."""
    if not _indicators(uow, services, IndicatorKind.TICKET):
        return None
    before = dt.datetime.fromtimestamp(end, dt.UTC)
    return sum(
        1
        for service in services
        for t in uow.tickets.list(service=service, opened_before=before)
        if t.opened.timestamp() >= start
    )


def ticket_categories(uow: UnitOfWork, categories: Collection[str], start: int, end: int) -> dict[tuple[str, str], int]:
    """Tickets opened in ``[start, end)`` whose category is one of ``categories`` (compared
    case-insensitively, named as asked), per (service, category)."""
    wanted = {c.casefold(): c for c in categories}
    counts: dict[tuple[str, str], int] = {}
    before = dt.datetime.fromtimestamp(end, dt.UTC)
    for ticket in uow.tickets.list(opened_before=before):
        if ticket.opened.timestamp() < start or ticket.service is None or ticket.category is None:
            continue
        category = wanted.get(ticket.category.casefold())
        if category is not None:
            key = (ticket.service, category)
            counts[key] = counts.get(key, 0) + 1
    return counts


def ticket_indicator(uow: UnitOfWork, service: str) -> Indicator | None:
    """The ticket indicator of ``service`` a new objective would measure: one on the resolution
    clock before one on the response clock, then by name."""
    found = _indicators(uow, {service}, IndicatorKind.TICKET)
    found.sort(key=lambda i: (i.ticket is not None and i.ticket.clock.value != "resolution", i.name))
    return found[0] if found else None


@dataclass(frozen=True)
class LedgerSums:
    """Credits of some ledger lines: owed (every amount) and paid, in ``currency`` (``None`` with
    no line that has an amount)."""

    owed: Decimal | None
    paid: Decimal | None
    currency: str | None


def ledger_sums(uow: UnitOfWork, agreements: Iterable[str], periods: Collection[str]) -> LedgerSums:
    lines = [
        e
        for name in sorted(set(agreements))
        for e in uow.credits.list(periods=periods, agreement=name)
        if e.amount is not None
    ]
    if not lines:
        return LedgerSums(None, None, None)
    owed = sum((e.amount for e in lines if e.amount is not None), Decimal("0.00"))
    paid = sum((e.amount for e in lines if e.amount is not None and e.status is CreditStatus.PAID), Decimal("0.00"))
    return LedgerSums(owed, paid, lines[0].currency)


def claims_lost(uow: UnitOfWork, agreement: str, periods: Collection[str]) -> Decimal | None:
    """Credits claimed from the supplier of ``agreement`` for ``periods`` that it rejected or that
    expired unfiled (``None`` without any claim of those periods)."""
    found = [c for c in uow.claims.list(agreement=agreement, periods=periods)]
    if not found:
        return None
    lost = (ClaimStatus.REJECTED, ClaimStatus.EXPIRED)
    return sum((c.amount for c in found if c.status in lost), Decimal("0.00"))
