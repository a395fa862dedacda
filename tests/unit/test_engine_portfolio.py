"""The portfolio view's figures (``core.engine.portfolio``, docs/formulas.md "Portfolio"), worked
by hand: periods, which closed periods count, health, the trend over four, money, sorting and
grouping."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from slmo.core.engine.costs import cents
from slmo.core.engine.portfolio import (
    agreement_money,
    belongs,
    closed_labels,
    group_lines,
    health,
    highest_risk,
    parse_group,
    parse_order,
    parse_sort,
    portfolio_unit,
    sort_lines,
    theil_sen,
    totals,
    trend,
    trend_periods,
    trend_point,
)
from slmo.core.model import AgreementKind, WindowUnit
from slmo.core.model.ledger import CreditAmount, CreditStatus, ServiceCost, Side, Verdict
from slmo.core.model.portfolio import (
    Figure,
    GroupBy,
    Health,
    Money,
    PortfolioLine,
    ReviewStanding,
    SortColumn,
    Trend,
    TrendDirection,
    TrendPoint,
)
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.review import ReviewState
from slmo.core.model.text import LocalizedText
from slmo.errors import SpecError

MET, AT_RISK, BREACHED, NO_DATA = (
    EvaluationStatus.MET,
    EvaluationStatus.AT_RISK,
    EvaluationStatus.BREACHED,
    EvaluationStatus.NO_DATA,
)


def fig(status: EvaluationStatus, budget: float | None) -> Figure:
    return Figure(status=status, budget_left=budget)


# -- what a request names -------------------------------------------------------------------------


def test_groupings_sorts_and_orders_are_read_or_refused_by_name() -> None:
    assert parse_group(None) is None and parse_group(" ") is None
    assert parse_group("Supplier") is GroupBy.SUPPLIER
    assert parse_sort(None) is SortColumn.AGREEMENT
    assert parse_sort("risk") is SortColumn.RISK
    assert parse_order(None) is False and parse_order("desc") is True and parse_order("ASC") is False
    with pytest.raises(SpecError) as group:
        parse_group("region")
    problem = group.value.problems[0]
    assert problem.field == "group" and problem.key == "portfolio.group"
    assert "customer, service, supplier, tier" in problem.message
    with pytest.raises(SpecError) as sort:
        parse_sort("colour")
    assert sort.value.problems[0].field == "sort" and "credits_received" in sort.value.problems[0].message
    with pytest.raises(SpecError) as order:
        parse_order("up")
    assert order.value.problems[0].field == "order"


def test_a_portfolio_is_a_month_a_quarter_or_a_year() -> None:
    assert portfolio_unit("2026-Q3") is WindowUnit.QUARTER
    with pytest.raises(SpecError) as week:
        portfolio_unit("2026-W40")
    assert week.value.problems[0].field == "period" and week.value.problems[0].key == "portfolio.period_unit"
    with pytest.raises(SpecError):
        portfolio_unit("last quarter")


# -- periods --------------------------------------------------------------------------------------


def test_the_trend_reads_the_period_and_the_three_before_it() -> None:
    assert trend_periods("2026-Q3") == ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
    assert trend_periods("2026-02") == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert trend_periods("2026") == ("2023", "2024", "2025", "2026")


def test_a_closed_period_counts_toward_the_period_holding_its_last_day() -> None:
    quarter = WindowUnit.QUARTER
    assert belongs("2026-08", quarter) == "2026-Q3"
    assert belongs("2026-Q3", quarter) == "2026-Q3"
    # A quarter toward its last month, a year toward its December (or its last quarter).
    assert belongs("2026-Q3", WindowUnit.MONTH) == "2026-09"
    assert belongs("2025", quarter) == "2025-Q4"
    # Weeks by their Thursday: ISO week 27 of 2026 runs 29 June to 5 July, Thursday 2 July.
    assert belongs("2026-W27", quarter) == "2026-Q3"
    # Week 40 of 2026 runs 28 September to 4 October: Thursday 1 October is in October.
    assert belongs("2026-W40", WindowUnit.MONTH) == "2026-10"
    assert belongs("2026-10-05", quarter) is None
    assert belongs("nonsense", quarter) is None


def test_the_closed_periods_asked_for_are_those_that_count() -> None:
    labels = closed_labels(("2026-08", "2026-09"))
    # Months and the quarter ending in September; no year ends in them.
    assert {"2026-08", "2026-09", "2026-Q3"} <= labels
    assert not {"2026-07", "2026-10", "2026-Q2", "2026"} & labels
    # Week 32 (Thursday 6 August) to week 40's predecessor (Thursday 24 September).
    weeks = sorted(label for label in labels if "-W" in label)
    assert weeks[0] == "2026-W32" and weeks[-1] == "2026-W39" and len(weeks) == 8
    assert closed_labels(()) == frozenset()


# -- health and trend -----------------------------------------------------------------------------


def test_health_counts_each_objective_once_at_its_worst() -> None:
    figures = {
        "availability": [fig(MET, 0.8), fig(BREACHED, -0.5), fig(MET, 0.9)],  # breached in one month
        "latency": [fig(AT_RISK, 0.05), fig(MET, 0.6)],
        "tickets": [fig(NO_DATA, None), fig(MET, 0.4)],  # data in one month is enough
        "login": [fig(NO_DATA, None)],
    }
    found = health(figures, ["availability", "latency", "tickets", "login", "search"])
    assert found == Health(met=1, at_risk=1, breached=1, no_data=2)
    assert found.total == 5 and found.status is BREACHED
    assert Health(met=2, at_risk=1).status is AT_RISK
    assert Health(met=2).status is MET and Health().status is NO_DATA


def test_a_trend_point_is_the_mean_of_the_lowest_budgets_clipped() -> None:
    figures = {
        "a": [fig(MET, 0.8), fig(MET, 0.6)],  # lowest 0.6
        "b": [fig(BREACHED, -3.0)],  # clipped to -1
        "c": [fig(AT_RISK, 0.1)],  # at risk: the target was achieved
        "d": [fig(NO_DATA, None)],  # no data: left out
    }
    point = trend_point("2026-Q3", figures, ["a", "b", "c", "d", "e"])
    # (0.6 - 1 + 0.1) / 3 = -0.1
    assert point.period == "2026-Q3" and point.met == 2 and point.with_data == 3
    assert point.budget_left == pytest.approx(-0.1)
    assert trend_point("2026-Q3", {}, ["a"]) == TrendPoint(period="2026-Q3", met=0, with_data=0, budget_left=None)


def test_the_theil_sen_slope_is_the_median_of_the_pairwise_slopes() -> None:
    # Pairs of (0.8, 0.6, 0.5, 0.1): -0.2, -0.3/2, -0.7/3, -0.1, -0.5/2, -0.4; sorted -0.4,
    # -0.25, -0.2333, -0.2, -0.15, -0.1: the median is the mean of the middle two, -0.21667.
    assert theil_sen([0.8, 0.6, 0.5, 0.1]) == pytest.approx((-0.7 / 3 - 0.2) / 2)
    # One outlier does not turn it: (0.5, 0.5, -1, 0.5) pairs 0, -1.5, 0, -0.75, 0, 1.5: median 0.
    assert theil_sen([0.5, 0.5, -1.0, 0.5]) == pytest.approx(0.0)
    # A gap keeps the positions: (0.2, _, 0.6, 0.8): 0.2, 0.2, 0.2 -> 0.2.
    assert theil_sen([0.2, None, 0.6, 0.8]) == pytest.approx(0.2)
    assert theil_sen([0.3, None, None, None]) is None


def _points(*values: float | None) -> list[TrendPoint]:
    return [
        TrendPoint(period=f"2026-0{i + 1}", met=1, with_data=int(v is not None), budget_left=v)
        for i, v in enumerate(values)
    ]


def test_the_direction_is_the_slopes_sign_beyond_a_tenth_of_the_budget() -> None:
    assert trend(_points(0.8, 0.6, 0.5, 0.1)).direction is TrendDirection.DEGRADING
    assert trend(_points(0.1, 0.3, 0.5, 0.6)).direction is TrendDirection.IMPROVING
    # Slope 0.05 a period: within the tolerance.
    assert trend(_points(0.50, 0.55, 0.60, 0.65)).direction is TrendDirection.STABLE
    # Exactly at the tolerance is still stable (beyond, not at).
    assert trend(_points(0.5, 0.6, 0.7, 0.8), tolerance=0.1000001).direction is TrendDirection.STABLE
    # Two points with data are too few for a direction.
    thin = trend(_points(None, None, 0.9, 0.1))
    assert thin.slope is None and thin.direction is None and len(thin.points) == 4


def test_the_highest_risk_and_its_objective() -> None:
    assert highest_risk({"a": 0.2, "b": 0.7, "c": None}) == (0.7, "b")
    assert highest_risk({"b": 0.4, "a": 0.4}) == (0.4, "a")
    assert highest_risk({"a": None}) == (None, None)


# -- money ----------------------------------------------------------------------------------------


def _credit(agreement: str, amount: str | None, currency: str = "SAR") -> CreditAmount:
    return CreditAmount(
        agreement=agreement,
        period="2026-07",
        amount=None if amount is None else Decimal(amount),
        currency=currency,
        status=CreditStatus.COMPUTED,
    )


def _costs(service: str, amount: str, months: tuple[str, ...]) -> list[ServiceCost]:
    return [ServiceCost(service=service, period=m, amount=Decimal(amount), currency="SAR") for m in months]


QUARTER = ("2026-07", "2026-08", "2026-09")


def test_a_sold_agreements_money_over_a_quarter() -> None:
    # Charge 750,000 for the quarter; credits 12,500 + 2,500; the portal's 3 x 80,000 shared by
    # two agreements (120,000) and the network's 3 x 10,000 its own: cost 150,000.
    # net = 750,000 - 15,000 - 150,000 = 585,000.
    money = agreement_money(
        Side.SELLS,
        charge=Decimal("750000.00"),
        charge_currency="SAR",
        credits=[_credit("sla", "12500.00"), _credit("sla", "2500.00"), _credit("sla", None)],
        services=["portal", "network"],
        costs={"portal": _costs("portal", "80000", QUARTER), "network": _costs("network", "10000", QUARTER)},
        sharers={"portal": 2, "network": 1},
        months=3,
    )
    assert money == Money(
        side=Side.SELLS,
        currency="SAR",
        charge=Decimal("750000.00"),
        cost=Decimal("150000.00"),
        credits_paid=Decimal("15000.00"),
        credits_received=Decimal("0.00"),
        net=Decimal("585000.00"),
        verdict=Verdict.GAIN,
    )


def test_a_sold_agreement_missing_a_months_cost_has_no_net() -> None:
    money = agreement_money(
        Side.SELLS,
        charge=Decimal("300.00"),
        charge_currency="SAR",
        credits=[],
        services=["portal"],
        costs={"portal": _costs("portal", "100", QUARTER[:2])},
        sharers={"portal": 1},
        months=3,
    )
    assert (money.cost, money.net, money.verdict) == (Decimal("200.00"), None, Verdict.INCOMPLETE)


def test_a_bought_agreement_costs_its_charge_and_receives_credits() -> None:
    # An underpinning contract: 30,000 a quarter paid, 1,500 credited back: net -28,500.
    money = agreement_money(
        Side.BUYS,
        charge=Decimal("30000.00"),
        charge_currency="USD",
        credits=[_credit("uc", "1500.00", "USD")],
        services=["portal"],
        costs={"portal": _costs("portal", "80000", QUARTER)},
        sharers={"portal": 1},
        months=3,
    )
    assert (money.cost, money.credits_paid, money.credits_received, money.net, money.verdict) == (
        Decimal("30000.00"),
        Decimal("0.00"),
        Decimal("1500.00"),
        Decimal("-28500.00"),
        Verdict.PURCHASE,
    )
    hidden = agreement_money(
        Side.BUYS,
        charge=Decimal("30000.00"),
        charge_currency="USD",
        credits=[_credit("uc", "1500.00", "USD")],
        services=[],
        costs={},
        sharers={},
        months=3,
        show_costs=False,
    )
    assert (hidden.cost, hidden.net, hidden.verdict, hidden.credits_received) == (None, None, None, Decimal("1500.00"))


# -- lines, order, groups -------------------------------------------------------------------------

ONE_MET = Health(met=1)


def line(
    name: str,
    *,
    customers: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    suppliers: tuple[str, ...] = (),
    tier: int | None = None,
    health_of: Health = ONE_MET,
    slope: float | None = None,
    side: Side = Side.SELLS,
    currency: str | None = "SAR",
    charge: str | None = None,
    cost: str | None = None,
    paid: str = "0",
    received: str = "0",
    net: str | None = None,
    risk: float | None = None,
    review: dt.date | None = None,
    overdue: bool = False,
) -> PortfolioLine:
    def amount(text: str | None) -> Decimal | None:
        return None if text is None else cents(Decimal(text))

    direction = None
    if slope is not None:
        direction = (
            TrendDirection.IMPROVING
            if slope > 0.1
            else TrendDirection.DEGRADING
            if slope < -0.1
            else TrendDirection.STABLE
        )
    return PortfolioLine(
        agreement=name,
        display_name=LocalizedText.plain(name),
        kind=AgreementKind.UC if side is Side.BUYS else AgreementKind.SLA,
        version=1,
        customers=customers,
        providers=("ops",),
        suppliers=suppliers,
        services=services,
        tier=tier,
        health=health_of,
        trend=Trend(points=(), slope=slope, direction=direction),
        money=Money(
            side=side,
            currency=currency,
            charge=amount(charge),
            cost=amount(cost),
            credits_paid=cents(Decimal(paid)),
            credits_received=cents(Decimal(received)),
            net=amount(net),
            verdict=None,
        ),
        risk=risk,
        risk_objective=None if risk is None else "success",
        review=None
        if review is None
        else ReviewStanding(
            next_review=review, state=ReviewState.OVERDUE if overdue else ReviewState.SCHEDULED, days=0
        ),
    )


A = line("alpha", risk=0.2, net="100", tier=2, health_of=Health(met=2, breached=1), slope=-0.3)
B = line("bravo", risk=None, net="-50", tier=1, health_of=Health(met=3), slope=0.0)
C = line("charlie", risk=0.9, net=None, tier=None, health_of=Health(no_data=2), slope=None)
D = line("delta", risk=0.2, net="100", tier=1, health_of=Health(met=1, at_risk=1), slope=0.4)


def names(lines: list[PortfolioLine]) -> list[str]:
    return [x.agreement for x in lines]


def test_sorting_is_stable_with_missing_values_last_either_way() -> None:
    # Risk: alpha and delta tie at 0.2 and keep their order by name; bravo has none.
    assert names(sort_lines([D, C, B, A], SortColumn.RISK)) == ["alpha", "delta", "charlie", "bravo"]
    assert names(sort_lines([D, C, B, A], SortColumn.RISK, descending=True)) == ["charlie", "alpha", "delta", "bravo"]
    assert names(sort_lines([A, B, C, D], SortColumn.NET)) == ["bravo", "alpha", "delta", "charlie"]
    assert names(sort_lines([A, B, C, D], SortColumn.NET, descending=True)) == ["alpha", "delta", "bravo", "charlie"]
    assert names(sort_lines([A, B, C, D], SortColumn.TIER)) == ["bravo", "delta", "alpha", "charlie"]
    assert names(sort_lines([A, B, C, D], SortColumn.TREND)) == ["alpha", "bravo", "delta", "charlie"]


def test_health_sorts_best_first_and_no_data_last() -> None:
    # bravo met, delta at risk, alpha breached; charlie has no data.
    assert names(sort_lines([A, B, C, D], SortColumn.HEALTH)) == ["bravo", "delta", "alpha", "charlie"]
    assert names(sort_lines([A, B, C, D], SortColumn.HEALTH, descending=True)) == ["alpha", "delta", "bravo", "charlie"]
    assert names(sort_lines([A, B, C, D], SortColumn.BREACHED, descending=True)) == [
        "alpha",
        "bravo",
        "charlie",
        "delta",
    ]


def test_every_column_sorts() -> None:
    for column in SortColumn:
        assert sorted(names(sort_lines([A, B, C, D], column))) == ["alpha", "bravo", "charlie", "delta"]


def test_totals_sum_money_per_currency_and_count_the_rest() -> None:
    sold = line(
        "sold",
        charge="1000",
        cost="600",
        paid="50",
        net="350",
        risk=0.3,
        health_of=Health(met=2, breached=1),
        slope=0.5,
        review=dt.date(2026, 1, 1),
        overdue=True,
    )
    bought = line("bought", side=Side.BUYS, charge="200", cost="200", received="20", net="-180", risk=0.6, slope=-0.5)
    dollars = line("dollars", currency="USD", charge="10", cost=None, net=None)
    # An internal agreement with no charge, credit or cost: no currency, and no total of its own.
    internal = line("internal", currency=None)
    found = totals([sold, bought, dollars, internal])
    assert found.agreements == 4
    assert found.health == Health(met=5, breached=1)
    sar, usd = found.money
    # Income counts sold charges only: the bought charge is a cost.
    assert (sar.currency, sar.income, sar.cost, sar.credits_paid, sar.credits_received, sar.net) == (
        "SAR",
        Decimal("1000.00"),
        Decimal("800.00"),
        Decimal("50.00"),
        Decimal("20.00"),
        Decimal("170.00"),
    )
    assert (usd.currency, usd.income, usd.cost, usd.net) == ("USD", Decimal("10.00"), Decimal("0.00"), Decimal("0.00"))
    assert (found.risk, found.reviews_overdue, found.improving, found.degrading) == (0.6, 1, 1, 1)


def test_grouping_puts_a_line_in_each_group_it_names() -> None:
    one = line("one", customers=("ministry",), services=("portal", "network"), suppliers=("cloud",), tier=1)
    two = line("two", customers=("bank",), services=("portal",), suppliers=(), tier=2)
    three = line("three", customers=(), services=("network",), suppliers=("cloud", "telco"), tier=1)
    ordered = [one, three, two]
    by_service = group_lines(ordered, GroupBy.SERVICE)
    assert [(g.key, names(list(g.lines))) for g in by_service] == [
        ("network", ["one", "three"]),
        ("portal", ["one", "two"]),
    ]
    assert [(g.key, names(list(g.lines))) for g in group_lines(ordered, GroupBy.SUPPLIER)] == [
        ("cloud", ["one", "three"]),
        ("telco", ["three"]),
        (None, ["two"]),
    ]
    assert [(g.key, names(list(g.lines))) for g in group_lines(ordered, GroupBy.CUSTOMER)] == [
        ("bank", ["two"]),
        ("ministry", ["one"]),
        (None, ["three"]),
    ]
    by_tier = group_lines([dataclasses.replace(two, tier=None), one, three], GroupBy.TIER)
    assert [(g.key, names(list(g.lines))) for g in by_tier] == [(1, ["one", "three"]), (None, ["two"])]
    assert by_tier[0].totals.agreements == 2 and by_tier[0].totals.health == Health(met=2)
