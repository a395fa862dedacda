"""Closing periods over the in-memory store: the last ended periods of every objective are kept
once, with the figures of `slmo history`, a day after they end; nothing is closed for a period
without measurements or before it ends; and the chain of closed periods verifies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.errors import SpecError
from slmo.services.closes import CLOSE
from tests.api_support import FixedClock
from tests.review_support import TODAY, seed, write_minutes


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with in_memory(clock=clock) as handle:
        seed(handle)
        # The last two days of October at 98 %, the first of November at 100 %.
        write_minutes(handle, dt.datetime(2026, 10, 30, tzinfo=dt.UTC), [98] * 2880 + [100] * 1440)
        yield handle


def test_the_job_closes_the_last_ended_month_once(slmo: Slmo, clock: FixedClock) -> None:
    slmo.scheduler.sync()
    assert any(j.kind == CLOSE for j in slmo.scheduler.jobs())
    slmo.scheduler.run_due("w", limit=50)
    (october,) = slmo.closes.list()
    assert (october.key, october.period, october.seq) == ("portal-sla/success", "2026-10", 1)
    assert october.record.evaluation.attainment == pytest.approx(0.98)
    (history,) = slmo.evaluation.history("portal-sla/success", "2026-10")
    assert october.record.evaluation.good == history.evaluation.good
    assert october.record.evaluation.total == history.evaluation.total
    # Closed once: later runs add nothing, even with more data for October.
    write_minutes(slmo, dt.datetime(2026, 10, 29, tzinfo=dt.UTC), [0] * 60)
    assert slmo.closes.close() == []
    assert slmo.closes.list() == [october]
    audit, periods = slmo.integrity.verify()
    assert audit.ok and periods.ok and periods.records == 1


def test_november_closes_a_day_after_it_ends(slmo: Slmo, clock: FixedClock) -> None:
    slmo.closes.close()
    clock.at = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert slmo.closes.close() == []
    clock.at = dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)
    (november,) = slmo.closes.close()
    assert november.period == "2026-11" and november.record.evaluation.attainment == pytest.approx(1.0)
    assert [c.period for c in slmo.closes.list("portal-sla/success")] == ["2026-10", "2026-11"]


def test_a_named_period_by_hand(slmo: Slmo) -> None:
    # September has no measurements: nothing to close.
    assert slmo.closes.close("2026-09") == []
    with pytest.raises(SpecError):
        slmo.closes.close("2026-11")  # not ended
    with pytest.raises(SpecError):
        slmo.closes.close("last month")
    # ISO week 44 is 26 October to 1 November: two days at 98 %, one at 100 %.
    (week,) = slmo.closes.close("2026-W44", "portal-sla/success")
    assert week.period == "2026-W44" and week.record.evaluation.attainment == pytest.approx((2 * 0.98 + 1) / 3)
