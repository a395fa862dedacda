"""The portfolio view as a use case (``services/portfolio.py``) on the in-memory store: the world
of ``tests/portfolio_support.py``, every figure worked by hand there and here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model import AgreementKind
from slmo.core.model.auth import Principal, Role
from slmo.core.model.ledger import Side, Verdict
from slmo.core.model.portfolio import GroupBy, Health, MoneyTotal, SortColumn, TrendDirection
from slmo.core.model.review import ReviewState
from slmo.errors import PermissionDeniedError, SpecError
from slmo.services.portfolio import Reader
from slmo.services.reviews import ReviewInput
from tests.portfolio_support import ACTOR, AT_RISK, CATALOGUE, MET, NOW, close, portfolio_world, record


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with portfolio_world() as handle:
        yield handle


def test_every_agreement_of_the_third_quarter_on_one_line(slmo: Slmo) -> None:
    view = slmo.portfolio.portfolio("2026-Q3")
    assert view.period == "2026-Q3" and view.complete
    assert view.periods == ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
    assert [line.agreement for line in view.lines] == ["cloud-uc", "payments-sla", "portal-sla"]
    cloud, payments, portal = view.lines

    # Availability breached in August, latency at risk for the quarter.
    assert portal.health == Health(at_risk=1, breached=1)
    assert (portal.kind, portal.customers, portal.suppliers, portal.services, portal.tier) == (
        AgreementKind.SLA,
        ("ministry",),
        ("cloudco",),
        ("portal",),
        1,
    )
    # Points (0.8 + 0.6) / 2, (0.6 + 0.6) / 2, (0.4 + 0.4) / 2, (-0.2 + 0.2) / 2; the slope is the
    # median of -0.1, -0.15, -0.2333, -0.2, -0.3, -0.4.
    points = [(p.period, p.met, p.with_data) for p in portal.trend.points]
    assert points == [("2025-Q4", 2, 2), ("2026-Q1", 2, 2), ("2026-Q2", 2, 2), ("2026-Q3", 1, 2)]
    assert [p.budget_left for p in portal.trend.points] == pytest.approx([0.7, 0.6, 0.4, 0.0])
    assert portal.trend.slope == pytest.approx((-0.7 / 3 - 0.2) / 2)
    assert portal.trend.direction is TrendDirection.DEGRADING
    assert (portal.risk, portal.risk_objective) == (0.6, "latency")
    # 3 x 90,000 in; 13,500 credited; the portal's 3 x 20,000 its own (the contract buys, it
    # does not share the cost): 270,000 - 13,500 - 60,000.
    money = portal.money
    assert (money.side, money.charge, money.cost, money.credits_paid, money.net, money.verdict) == (
        Side.SELLS,
        Decimal("270000.00"),
        Decimal("60000.00"),
        Decimal("13500.00"),
        Decimal("196500.00"),
        Verdict.GAIN,
    )
    assert portal.review is not None
    assert (portal.review.next_review, portal.review.state, portal.review.days, portal.review.overdue) == (
        dt.date(2026, 9, 15),
        ReviewState.OVERDUE,
        -25,
        True,
    )

    # Two quarters of history: no direction.
    assert payments.health == Health(met=1) and payments.tier == 2 and payments.suppliers == ()
    assert payments.trend.direction is None and payments.trend.slope is None
    # The network's September cost is missing: the cost is known so far, the net is not.
    assert (payments.money.cost, payments.money.net, payments.money.verdict) == (
        Decimal("36000.00"),
        None,
        Verdict.INCOMPLETE,
    )
    assert payments.review is not None
    assert (payments.review.next_review, payments.review.state) == (dt.date(2027, 10, 10), ReviewState.SCHEDULED)

    assert cloud.trend.direction is TrendDirection.STABLE and cloud.trend.slope == pytest.approx(0.0)
    assert (cloud.suppliers, cloud.risk, cloud.money.side) == (("cloudco",), None, Side.BUYS)
    assert (cloud.money.cost, cloud.money.credits_received, cloud.money.net) == (
        Decimal("45000.00"),
        Decimal("750.00"),
        Decimal("-44250.00"),
    )
    assert cloud.review is not None and cloud.review.next_review == dt.date(2027, 1, 1)

    assert view.totals.agreements == 3
    assert view.totals.health == Health(met=2, at_risk=1, breached=1)
    assert view.totals.money == (
        MoneyTotal(
            currency="SAR",
            income=Decimal("360000.00"),
            cost=Decimal("141000.00"),
            credits_paid=Decimal("13500.00"),
            credits_received=Decimal("750.00"),
            net=Decimal("152250.00"),
        ),
    )
    assert (view.totals.risk, view.totals.reviews_overdue, view.totals.degrading) == (0.6, 1, 1)
    assert view.names["cloudco"].en == "CloudCo" and view.names["portal"].ar == "البوابة"


def test_the_review_dates_are_the_review_schedules(slmo: Slmo) -> None:
    schedule = {r.subject: (r.next_review, r.state, r.days) for r in slmo.reviews.schedule()}
    for line in slmo.portfolio.portfolio("2026-Q3").lines:
        assert line.review is not None
        assert (line.review.next_review, line.review.state, line.review.days) == schedule[line.agreement]


def test_a_running_quarter_adds_where_each_objective_stands_now(slmo: Slmo) -> None:
    view = slmo.portfolio.portfolio()
    assert view.period == "2026-Q4" and not view.complete
    lines = {line.agreement: line for line in view.lines}
    portal = lines["portal-sla"]
    assert portal.health == Health(met=1, at_risk=1)
    assert lines["payments-sla"].health == Health(breached=1)
    # Points 0.6, 0.4, 0.0 and now (0.9 + 0.1) / 2 = 0.5; slopes -0.2, -0.3, -0.0333, -0.4,
    # 0.05, 0.5: the median is (-0.2 - 0.0333) / 2.
    assert portal.trend.points[-1].budget_left == pytest.approx(0.5)
    assert portal.trend.slope == pytest.approx((-0.2 - 0.1 / 3) / 2)
    assert portal.trend.direction is TrendDirection.DEGRADING
    # No cost entered for October to December yet.
    assert (portal.money.charge, portal.money.cost, portal.money.net) == (Decimal("270000.00"), None, None)


def test_a_period_closed_since_is_read_in(slmo: Slmo) -> None:
    before = slmo.portfolio.portfolio("2026-Q3")
    assert before.lines[1].trend.direction is None
    # January of payments closes late: points 0.2, 0.5, 0.5 at positions 1 to 3, slopes 0.3,
    # 0.15 and 0: the median 0.15 is beyond the tolerance.
    close(slmo, [("payments-sla", "success", "2026-01", MET, 0.2)])
    after = slmo.portfolio.portfolio("2026-Q3")
    payments = after.lines[1]
    assert payments.agreement == "payments-sla"
    assert payments.trend.slope == pytest.approx(0.15)
    assert payments.trend.direction is TrendDirection.IMPROVING


def test_a_change_of_the_catalogue_is_seen(slmo: Slmo) -> None:
    assert slmo.portfolio.portfolio("2026-Q3").lines[1].tier == 2
    changed = CATALOGUE.replace("spec: {owner: ops, tier: 2}", "spec: {owner: ops, tier: 1}")
    slmo.catalogue.apply(slmo.codec.load_text(changed, "portfolio.yaml"), ACTOR)
    assert slmo.portfolio.portfolio("2026-Q3").lines[1].tier == 1


def test_grouped_and_sorted(slmo: Slmo) -> None:
    view = slmo.portfolio.portfolio("2026-Q3", "supplier", "risk", descending=True)
    assert (view.group_by, view.sort, view.descending) == (GroupBy.SUPPLIER, SortColumn.RISK, True)
    assert [line.agreement for line in view.lines] == ["portal-sla", "payments-sla", "cloud-uc"]
    assert [(g.key, [x.agreement for x in g.lines]) for g in view.groups] == [
        ("cloudco", ["portal-sla", "cloud-uc"]),
        (None, ["payments-sla"]),
    ]
    assert view.groups[0].totals.money[0].net == Decimal("152250.00")
    by_tier = slmo.portfolio.portfolio("2026-Q3", "tier", "net")
    assert [(g.key, [x.agreement for x in g.lines]) for g in by_tier.groups] == [
        (1, ["cloud-uc", "portal-sla"]),
        (2, ["payments-sla"]),
    ]


@pytest.mark.parametrize(
    ("period", "group", "sort", "field", "key"),
    [
        ("2026-W40", None, None, "period", "portfolio.period_unit"),
        ("2027-Q1", None, None, "period", "portfolio.period_future"),
        ("2026-Q3", "region", None, "group", "portfolio.group"),
        ("2026-Q3", None, "colour", "sort", "portfolio.sort"),
    ],
)
def test_bad_requests_name_the_field(
    slmo: Slmo, period: str, group: str | None, sort: str | None, field: str, key: str
) -> None:
    with pytest.raises(SpecError) as caught:
        slmo.portfolio.portfolio(period, group, sort)
    assert (caught.value.problems[0].field, caught.value.problems[0].key) == (field, key)


def test_a_customer_sees_its_own_lines_without_suppliers_or_costs(slmo: Slmo) -> None:
    ministry = Principal(name="ministry-token", role=Role.CUSTOMER, party="ministry")
    view = slmo.access(ministry).portfolio("2026-Q3", "service")
    assert [line.agreement for line in view.lines] == ["portal-sla"]
    (portal,) = view.lines
    assert portal.suppliers == () and "cloudco" not in view.names
    assert (portal.money.cost, portal.money.net, portal.money.verdict) == (None, None, None)
    assert (portal.money.charge, portal.money.credits_paid) == (Decimal("270000.00"), Decimal("13500.00"))
    assert not view.costs_shown
    assert [g.key for g in view.groups] == ["portal"]
    with pytest.raises(PermissionDeniedError):
        slmo.access(ministry).portfolio("2026-Q3", "supplier")
    # Even a reader that names the contract does not show it to a customer.
    reader = Reader(agreements=frozenset({"portal-sla", "cloud-uc"}), customer=True, costs=False)
    assert [line.agreement for line in slmo.portfolio.portfolio("2026-Q3", reader=reader).lines] == ["portal-sla"]


def test_staff_see_everything_and_owners_no_costs(slmo: Slmo) -> None:
    viewer = slmo.access(Principal(name="v", role=Role.VIEWER, party=None)).portfolio("2026-Q3")
    assert len(viewer.lines) == 3 and viewer.costs_shown
    owner = slmo.access(Principal(name="o", role=Role.OWNER, party="ops")).portfolio("2026-Q3")
    assert len(owner.lines) == 3 and not owner.costs_shown
    assert all(line.money.cost is None and line.money.net is None for line in owner.lines)


def test_the_same_lines_while_nothing_changed_and_new_ones_when_something_did(slmo: Slmo) -> None:
    first = slmo.portfolio.portfolio("2026-Q3")
    again = slmo.portfolio.portfolio("2026-Q3")
    assert again.lines == first.lines and all(a is b for a, b in zip(again.lines, first.lines, strict=True))
    # The scheduler stores a newer evaluation: a new board version, and the latency's forecast
    # now gives the portal a 0.9 chance of breach.
    with slmo.portfolio._uow() as uow:
        uow.evaluations.add([record("portal-sla", "latency", NOW - dt.timedelta(seconds=30), AT_RISK, 0.05, 0.9)])
        uow.commit()
    after = slmo.portfolio.portfolio("2026-Q3")
    portal = after.lines[2]
    assert (portal.agreement, portal.risk, portal.risk_objective) == ("portal-sla", 0.9, "latency")
    # Only the portal's line was made again: the others are the same objects.
    assert portal is not first.lines[2]
    assert after.lines[0] is first.lines[0] and after.lines[1] is first.lines[1]
    # A review recorded (an audited write): the next one is six months on, scheduled.
    slmo.reviews.record(ReviewInput(subject="portal-sla", date=dt.date(2026, 10, 9)), ACTOR)
    review = slmo.portfolio.portfolio("2026-Q3").lines[2].review
    assert review is not None
    assert (review.next_review, review.state, review.last_review) == (
        dt.date(2027, 4, 9),
        ReviewState.SCHEDULED,
        dt.date(2026, 10, 9),
    )
