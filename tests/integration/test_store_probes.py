"""Probe results in every store (in-memory fake, SQLite, PostgreSQL): kept exactly, seen by
their own transaction before commit, gone on rollback, read by span, pruned by age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from slmo.core.model.probe import ProbeReason, ProbeReasonCode, ProbeResult
from slmo.core.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))


def _at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


UP = ProbeResult(at=_at(0), up=True, latency_ms=41.5)
DOWN = ProbeResult(
    at=_at(60).astimezone(RIYADH),  # an offset other than UTC comes back as the same instant
    up=False,
    reason=ProbeReason(ProbeReasonCode.STATUS, "HTTP 503", {"status": "503"}),
    latency_ms=12.0,
)
WARNING = ProbeResult(
    at=_at(120),
    up=True,
    latency_ms=80.25,
    reason=ProbeReason(ProbeReasonCode.CERTIFICATE_EXPIRES, "certificate expires 2026-12-03", {"date": "2026-12-03"}),
    certificate_expires_at=dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC),
)
TIMEOUT = ProbeResult(
    at=_at(180), up=False, reason=ProbeReason(ProbeReasonCode.TIMEOUT, "timed out after 5 s", {"seconds": "5"})
)


def test_results_are_kept_exactly_and_read_by_span(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for result in (WARNING, UP, TIMEOUT, DOWN):
            uow.probe_results.add("portal-up", result)
        uow.probe_results.add("db-up", UP)
        # The transaction sees its own results before it commits.
        assert len(uow.probe_results.list("portal-up")) == 4
        uow.commit()
    with uow_factory() as uow:
        assert uow.probe_results.list("portal-up") == [UP, DOWN, WARNING, TIMEOUT]
        assert [r.at for r in uow.probe_results.list("portal-up")][1] == _at(60)
        assert uow.probe_results.list("portal-up", start=_at(60), end=_at(180)) == [DOWN, WARNING]
        assert uow.probe_results.latest("portal-up") == TIMEOUT
        assert uow.probe_results.latest("nothing") is None
        assert uow.probe_results.list("db-up") == [UP]


def test_a_rollback_keeps_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.probe_results.add("portal-up", UP)
    with uow_factory() as uow:
        assert uow.probe_results.list("portal-up") == []


def test_prune_deletes_the_indicators_old_results_only(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for result in (UP, DOWN, WARNING):
            uow.probe_results.add("portal-up", result)
        uow.probe_results.add("db-up", UP)
        uow.commit()
    with uow_factory() as uow:
        assert uow.probe_results.prune("portal-up", _at(120)) == 2
        assert uow.probe_results.list("portal-up") == [WARNING]
        uow.commit()
    with uow_factory() as uow:
        assert uow.probe_results.list("portal-up") == [WARNING]
        assert uow.probe_results.list("db-up") == [UP]
