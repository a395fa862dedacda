"""What services cost and the cost-effectiveness view (``services/costs.py``, ``sources/costs.py``)
on the in-memory store: the example catalogue with October 2026 measured
(``tests/report_support.py``), its credits computed, and costs entered; figures by hand.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.ledger import Side, Verdict
from slmo.errors import IngestError, SpecError
from slmo.services.costs import months_of, within
from tests.report_support import ACTOR, portal_world

OCTOBER = """\
service,period,amount,currency
eportal,2026-10,240000,SAR
network,2026-10,30000,SAR
wiki,2026-10,5000.50,SAR
"""


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with portal_world() as handle:
        yield handle


def _import(slmo: Slmo, text: str, name: str = "costs.csv") -> int:
    return slmo.costs.import_costs(io.BytesIO(text.encode()), name, ACTOR).written


def test_costs_are_imported_once_and_replaced_by_service_and_month(slmo: Slmo) -> None:
    assert _import(slmo, OCTOBER) == 3
    assert _import(slmo, OCTOBER) == 0  # idempotent
    assert [(c.service, c.period, c.amount, c.currency) for c in slmo.costs.costs("2026-10")] == [
        ("eportal", "2026-10", Decimal("240000"), "SAR"),
        ("network", "2026-10", Decimal("30000"), "SAR"),
        ("wiki", "2026-10", Decimal("5000.50"), "SAR"),
    ]
    # Columns in another order, a byte order mark and a new amount for the portal.
    assert _import(slmo, "\ufeffperiod,service,currency,amount\n2026-10,eportal,SAR,245000\n") == 1
    assert slmo.costs.costs("2026-10")[0].amount == Decimal("245000")
    assert slmo.costs.costs("2026-Q4") == slmo.costs.costs("2026-10")
    assert slmo.costs.costs("2026-09") == []
    audit = slmo.catalogue.audit("Costs")
    assert [(e.name, e.after) for e in audit] == [
        ("costs.csv", {"rows": 3, "written": 3}),
        ("costs.csv", {"rows": 3, "written": 0}),
        ("costs.csv", {"rows": 1, "written": 1}),
    ]


def test_bad_rows_are_named_by_line_and_nothing_is_written(slmo: Slmo) -> None:
    text = (
        "service,period,amount,currency\n"
        "eportal,2026-10,240000,SAR\n"
        "nowhere,2026-10,10,SAR\n"
        "network,2026-13,10,SAR\n"
        "wiki,2026-10,-5,SAR\n"
        "wiki,2026-11,5,sar\n"
        "eportal,2026-10,1,SAR\n"
        "network,2026-10\n"
    )
    with pytest.raises(IngestError) as caught:
        _import(slmo, text, "bad.csv")
    assert [str(p) for p in caught.value.problems] == [
        "bad.csv:3: service: Service 'nowhere' does not exist",
        "bad.csv:4: period: '2026-13' is not a month such as 2026-10",
        "bad.csv:5: amount: '-5' is not an amount such as 120000 or 30000.50 (at least 0)",
        "bad.csv:6: currency: 'sar' is not a currency code such as SAR",
        "bad.csv:7: period: eportal 2026-10 is given twice; first on line 2",
        "bad.csv:8: 2 fields, expected 4",
    ]
    assert slmo.costs.costs() == []
    assert slmo.catalogue.audit("Costs") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty.csv: the file is empty; expected a header and rows"),
        (
            "service,month,amount,currency\n",
            "empty.csv:1: the header must be service,period,amount,currency, not service,month,amount,currency",
        ),
    ],
)
def test_an_empty_file_or_a_wrong_header(slmo: Slmo, text: str, problem: str) -> None:
    with pytest.raises(IngestError) as caught:
        _import(slmo, text, "empty.csv")
    assert [str(p) for p in caught.value.problems] == [problem]


def test_periods_and_what_belongs_to_them() -> None:
    assert months_of("2026-Q4") == ["2026-10", "2026-11", "2026-12"]
    assert len(months_of("2026")) == 12
    assert within("2026-10") == {"2026-10"}
    assert within("2026-Q4") == {"2026-Q4", "2026-10", "2026-11", "2026-12"}
    assert {"2026-Q1", "2026-Q4", "2026-01", "2026"} <= within("2026")
    with pytest.raises(SpecError, match="per month, quarter or year"):
        months_of("2026-W40")


def test_the_cost_effectiveness_of_october(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    _import(slmo, OCTOBER)
    rows = {r.agreement: r for r in slmo.costs.report("2026-10")}
    assert list(rows) == [
        "eportal-sla",
        "network-ola",
        "nimbus-uc",
        "report-engine-headroom",
        "service-desk-ola",
        "wiki-expectation",
    ]
    portal = rows["eportal-sla"]
    # 250,000 in, 12,500 credited, the portal's 240,000 (its only sold agreement): 2,500 short.
    assert (portal.side, portal.currency, portal.charge, portal.credits, portal.cost) == (
        Side.SELLS,
        "SAR",
        Decimal("250000.00"),
        Decimal("12500.00"),
        Decimal("240000.00"),
    )
    assert (portal.net, portal.verdict, portal.costs_more_than_it_returns) == (Decimal("-2500.00"), Verdict.LOSS, True)
    # 240,000 / 99.7275 points = 2,406.56 a point; the attainment is the ledger's.
    assert portal.attainment == pytest.approx(1 - 120 / 44_040)
    assert portal.cost_per_point == Decimal("2406.56")
    cloud = rows["nimbus-uc"]
    assert (cloud.side, cloud.charge, cloud.credits, cloud.cost, cloud.net) == (
        Side.BUYS,
        Decimal("90000.00"),
        Decimal("9000.00"),
        None,
        Decimal("-81000.00"),
    )
    assert (cloud.cost_per_point, cloud.verdict) == (Decimal("812.98"), Verdict.PURCHASE)
    network = rows["network-ola"]
    assert (network.charge, network.cost, network.net, network.verdict) == (
        None,
        Decimal("30000.00"),
        Decimal("-30000.00"),
        Verdict.NO_CHARGE,
    )
    assert network.attainment is None and network.cost_per_point is None  # nothing measured
    desk = rows["service-desk-ola"]
    assert (desk.cost, desk.net, desk.missing, desk.verdict) == (None, None, ("service-desk",), Verdict.NO_CHARGE)
    assert rows["wiki-expectation"].net == Decimal("-5000.50")
    # Paid credits are counted apart.
    (line,) = slmo.credits.entries("2026-10", agreement="eportal-sla")
    assert line.id is not None
    slmo.credits.pay(line.id, ACTOR)
    assert slmo.costs.report("2026-10")[0].credits_paid == Decimal("12500.00")


def test_a_quarter_with_months_missing_is_incomplete(slmo: Slmo) -> None:
    slmo.credits.compute("2026-10", ACTOR)
    _import(slmo, OCTOBER)
    portal = slmo.costs.report("2026-Q4")[0]
    # Three months of the charge, October's credit; November's and December's costs are not in.
    assert (portal.charge, portal.credits, portal.cost) == (
        Decimal("750000.00"),
        Decimal("12500.00"),
        Decimal("240000.00"),
    )
    assert (portal.net, portal.missing, portal.verdict) == (None, ("eportal",), Verdict.INCOMPLETE)


def test_a_service_sold_twice_shares_its_cost(slmo: Slmo) -> None:
    _import(slmo, OCTOBER)
    twin = slmo.codec.dump([slmo.catalogue.get("Agreement", "eportal-sla")[0]]).replace(
        "name: eportal-sla", "name: eportal-twin"
    )
    slmo.catalogue.apply(slmo.codec.load_text(twin, "twin.yaml"), ACTOR)
    rows = {r.agreement: r for r in slmo.costs.report("2026-10")}
    assert rows["eportal-sla"].cost == rows["eportal-twin"].cost == Decimal("120000.00")
    # No credits computed: the attainment is evaluated for the view, the same figure.
    assert rows["eportal-twin"].attainment == pytest.approx(1 - 120 / 44_040)
    assert rows["eportal-twin"].net == Decimal("130000.00")
