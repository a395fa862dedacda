"""DemandService on the in-memory store: eight weeks of hourly events and of tickets for the
example catalogue's service, the last two weeks busier (``tests/demand_support.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.auth import Principal, Role
from slmo.core.model.demand import DAY, HOUR, DemandMethod, DemandUnit, ProposalDirection
from slmo.errors import NotFoundError, SpecError
from slmo.services.demand import demand_json
from tests.api_support import ADMIN, FixedClock, other_customer_text
from tests.demand_support import AT, START, daily_tickets, hourly_events, seed_demand
from tests.factories import catalogue_text


@pytest.fixture(scope="module")
def slmo() -> Slmo:
    made = in_memory(clock=FixedClock(AT))
    text = catalogue_text() + "---\n" + other_customer_text()
    made.catalogue.apply(made.codec.load_text(text, "catalogue.yaml"), ADMIN)
    seed_demand(made)
    return made


@pytest.fixture(scope="module")
def portal(slmo: Slmo):  # type: ignore[no-untyped-def]
    return slmo.demand.forecast("portal", 14)


def test_histories_are_whole_utc_days_before_today(slmo: Slmo) -> None:
    daily = slmo.demand.history("portal", DemandUnit.EVENTS, DAY)
    assert daily is not None
    # From the first stored bucket (7 September) to the start of 2 November: 56 days.
    assert daily.start == START and len(daily) == 56
    _, counts = hourly_events()
    assert daily.values.sum() == counts.sum()
    assert daily.values[0] == counts[:24].sum()
    hourly = slmo.demand.history("portal", DemandUnit.EVENTS, HOUR)
    assert hourly is not None and len(hourly) == 56 * 24 and hourly.values[5] == counts[5]
    tickets = slmo.demand.history("portal", DemandUnit.TICKETS)
    assert tickets is not None and tickets.values.tolist() == daily_tickets()


def test_a_service_gets_events_by_day_and_hour_and_tickets_by_day(portal) -> None:  # type: ignore[no-untyped-def]
    assert portal.at == dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    events, hourly, tickets = portal.events_daily, portal.events_hourly, portal.tickets_daily
    assert events.unit is DemandUnit.EVENTS and events.step_seconds == DAY and len(events.steps) == 14
    assert hourly.step_seconds == HOUR and len(hourly.steps) == 14 * 24 and hourly.seasons == (24, 168)
    assert tickets.unit is DemandUnit.TICKETS and tickets.history_steps == 56
    assert all(f.method is DemandMethod.MODEL for f in (events, hourly, tickets))
    assert events.steps[0].start == portal.at
    # The weekends of the history (the 6th and 7th day of each week) stay quiet.
    assert events.steps[5].expected < 0.5 * events.steps[0].expected


def test_the_busier_weeks_propose_more_capacity(portal) -> None:  # type: ignore[no-untyped-def]
    rises = {p.unit: p for p in portal.proposals}
    assert DemandUnit.EVENTS in rises
    events = rises[DemandUnit.EVENTS]
    assert events.direction is ProposalDirection.RISE and events.key == "demand.proposal.events.rise"
    assert events.weeks == 4 and events.change >= 0.15 and events.low_80 > events.recent
    assert events.expected == pytest.approx(portal.events_daily.total.expected)


def test_the_json_document_names_every_part(portal) -> None:  # type: ignore[no-untyped-def]
    found = demand_json(portal)
    assert set(found) == {"service", "at", "events_daily", "events_hourly", "tickets_daily", "proposals"}
    assert found["events_daily"]["method"] == "model" and len(found["events_daily"]["steps"]) == 14
    assert set(found["events_daily"]["steps"][0]) == {"start", "expected", "low_80", "high_80", "low_95", "high_95"}
    assert found["proposals"][0]["key"].startswith("demand.proposal.")


def test_a_service_with_nothing_measured_has_no_forecasts(slmo: Slmo) -> None:
    found = slmo.demand.forecast("payments", 7)
    assert found.events_daily is None and found.events_hourly is None and found.tickets_daily is None
    assert found.proposals == ()


def test_unknown_services_and_bad_days_are_refused(slmo: Slmo) -> None:
    with pytest.raises(NotFoundError):
        slmo.demand.forecast("nowhere", 7)
    with pytest.raises(SpecError):
        slmo.demand.forecast("portal", 0)
    with pytest.raises(SpecError):
        slmo.demand.forecasts(None, 93)


def test_a_customer_sees_only_its_own_services(slmo: Slmo) -> None:
    ministry = slmo.access(Principal(name="m", role=Role.CUSTOMER, party="ministry")).demand()
    assert [d.service for d in ministry.forecasts(days=3)] == ["portal"]
    with pytest.raises(NotFoundError):
        ministry.forecasts("payments", 3)
    staff = slmo.access(Principal(name="v", role=Role.VIEWER)).demand()
    assert [d.service for d in staff.forecasts(days=3)] == ["payments", "portal"]


def test_backtest_through_the_service(slmo: Slmo) -> None:
    history = slmo.demand.history("portal", DemandUnit.TICKETS)
    assert history is not None
    result = slmo.demand.backtest(history, horizon=7, first=35, origins=3)
    assert result.origins == (35, 42, 49) and result.steps == 21 and result.season == 7
    assert 0 <= result.coverage_80 <= result.coverage_95 <= 1
