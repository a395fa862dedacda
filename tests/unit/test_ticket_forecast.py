"""A ticket objective is forecast too: its day blocks count the tickets whose verdict became
final on each day (``TicketService.sums``), and the same bootstrap draws the rest of the month.

The world: ``portal-desk``, 90 % of tickets resolved in time over the calendar month (UTC), P1
in 4 h. T1 (P1, opened 4 October 09:00, resolved at 15:00) is late from 13:00 on the 4th; T2
(P2, 5 October 09:00, resolved at 12:00) is in time, final on the 5th. On 6 October 00:00:
known 1 of 2; the day blocks before the 4th count nothing and are left out, so the history is
two days: the 4th (0 of 1) and the 5th (1 of 1). Each of the 26 days to come is drawn from
those two: the month ends at (1 + K) / 28 with K ~ Binomial(26, 1/2): mean 14 / 28 = 0.5, the
80 % interval about K in [10, 16], (11 / 28, 17 / 28); 90 % needs K >= 25: a breach all but
surely (1 - 27 / 2**26).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from slmo.bootstrap import in_memory
from tests.api_support import ADMIN, TICKET_OBJECTIVES, TICKETS_CSV, FixedClock
from tests.factories import PARTY, SERVICE

NOW = dt.datetime(2026, 10, 6, tzinfo=dt.UTC)


def test_a_ticket_objective_forecast_worked_by_hand() -> None:
    with in_memory(clock=FixedClock(NOW)) as slmo:
        text = "---\n".join(
            [
                PARTY.format(name="ministry", type="customer"),
                SERVICE.format(name="portal", owner="ministry"),
                TICKET_OBJECTIVES.format(service="portal", party="ministry"),
            ]
        )
        slmo.catalogue.apply(slmo.codec.load_text(text, "desk.yaml"), ADMIN)
        portal = "\n".join(line for line in TICKETS_CSV.splitlines() if not line.startswith("B1"))
        slmo.tickets.ingest(io.BytesIO(portal.encode()), "tickets.csv", ADMIN)
        (record,) = slmo.evaluation.status(NOW)
        forecast = record.forecast
        assert record.evaluation.attainment == 0.5
        assert forecast is not None and forecast.known == 0.5
        assert forecast.history_days == 2 and forecast.remaining_days == 26.0
        assert forecast.window_end == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        assert forecast.expected == pytest.approx(0.5, abs=0.01)
        assert forecast.breach_probability == 1.0
        assert forecast.interval_80 is not None
        assert forecast.interval_80.low == pytest.approx(11 / 28, abs=1 / 28)
        assert forecast.interval_80.high == pytest.approx(17 / 28, abs=1 / 28)
        # A named past period has no future: no forecast.
        (past,) = slmo.evaluation.history("portal-desk/resolution", "2026-09")
        assert past.forecast is None
