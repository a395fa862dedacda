"""Writing model objects as OpenSLO v1: what reads back equal, and what is listed as left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml import YAML

from slmo.core import model as m
from slmo.spec.openslo import OpenSloFormat
from slmo.spec.openslo_slo import SLO_DISPLAY_ANNOTATION
from slmo.spec.openslo_write import dump_openslo


def documents(text: str) -> list[dict[str, Any]]:
    return list(YAML(typ="safe", pure=True).load_all(text))


def read_back(objects: list[m.CatalogueObject]) -> list[m.CatalogueObject]:
    text = OpenSloFormat().dump(objects)
    return [lo.obj for lo in OpenSloFormat().load_text(text, "dump.yaml").objects]


def text(value: str) -> m.LocalizedText:
    return m.LocalizedText(en=value)


def agreement(*objectives: m.Objective, service: str = "shop", display: str | None = None) -> m.Agreement:
    return m.Agreement(
        name=service,
        display_name=text(display or service),
        kind=m.AgreementKind.EXPECTATION,
        parties=(),
        services=(service,),
        versions=(m.AgreementVersion(number=1, state=m.VersionState.ACTIVE, objectives=objectives),),
    )


def objective(name: str, **kw: Any) -> m.Objective:
    fields: dict[str, Any] = {
        "name": name,
        "display_name": text(kw.pop("display", name)),
        "indicator": "requests",
        "target": 0.999,
        "window": m.Window(length=28, unit=m.WindowUnit.DAY, rolling=True),
    }
    return m.Objective(**{**fields, **kw})


REQUESTS = m.Indicator(
    name="requests",
    display_name=text("Requests"),
    service=None,
    kind=m.IndicatorKind.RATIO,
    ratio=m.RatioSpec(
        good=m.MetricQuery(type="Prometheus", source="prom", spec={"query": "sum(rate(ok[5m]))"}),
        total=m.MetricQuery(type="Prometheus", source="prom", spec={"query": "sum(rate(all[5m]))"}),
        counter=False,
    ),
)


def test_a_catalogue_reads_back_equal() -> None:
    objects: list[m.CatalogueObject] = [
        m.Service(name="shop", display_name=text("Web shop"), description=text("Sells things"), labels={"team": ["a"]}),
        m.DataSource(name="prom", display_name=text("prom"), type="Prometheus", connection={"url": "http://p:9090"}),
        REQUESTS,
        m.AlertCondition(
            name="fast-burn",
            display_name=text("fast-burn"),
            severity="page",
            operator=m.Operator.GT,
            threshold=14.4,
            lookback_seconds=3600,
            alert_after_seconds=300,
        ),
        m.NotificationTarget(name="pager", display_name=text("pager"), target="pagerduty"),
        m.AlertPolicy(
            name="paging",
            display_name=text("Paging"),
            conditions=("fast-burn",),
            notification_targets=("pager",),
            alert_when_breaching=True,
        ),
        agreement(
            objective(
                "checkout",
                display="Checkout",
                budgeting=m.BudgetingMethod.TIMESLICES,
                time_slice=m.TimeSlice(seconds=60, target=0.95),
                alert_policies=("paging",),
                window=m.Window(
                    length=1,
                    unit=m.WindowUnit.MONTH,
                    rolling=False,
                    start=dt.datetime(2024, 1, 1),
                    time_zone="Asia/Riyadh",
                ),
            ),
            objective("search", budgeting=m.BudgetingMethod.RATIO_TIMESLICES, time_slice=m.TimeSlice(seconds=90)),
            # Read back, the agreement takes the display name of its service.
            display="Web shop",
        ),
    ]
    assert read_back(objects) == objects


def test_an_indicator_of_a_service_is_written_inline() -> None:
    inline = m.Indicator(**{**REQUESTS.__dict__, "service": "shop"})
    dumped = dump_openslo([inline, agreement(objective("checkout"))])
    [slo] = documents(dumped.text)
    assert slo["kind"] == "SLO"
    assert slo["spec"]["service"] == "shop"
    assert slo["spec"]["indicator"]["metadata"] == {"name": "requests", "displayName": "Requests"}
    assert "indicatorRef" not in slo["spec"]
    assert dumped.left_out == []


def test_objectives_read_from_one_slo_are_written_back_as_one() -> None:
    shared: dict[str, Any] = {"annotations": {SLO_DISPLAY_ANNOTATION: "Checkout"}}
    objectives = (
        objective("checkout/Fast", display="Fast", **shared),
        objective("checkout/2", display="Checkout", target=0.9, **shared),
    )
    [slo] = [d for d in documents(OpenSloFormat().dump([agreement(*objectives)])) if d["kind"] == "SLO"]
    assert slo["metadata"] == {"name": "checkout", "displayName": "Checkout"}
    assert slo["spec"]["objectives"] == [{"displayName": "Fast", "target": 0.999}, {"target": 0.9}]
    assert read_back([agreement(*objectives)]) == [agreement(*objectives)]


def test_what_openslo_cannot_hold_is_listed() -> None:
    tickets = m.Indicator(
        name="p1-tickets",
        display_name=text("P1 tickets"),
        service="desk",
        kind=m.IndicatorKind.TICKET,
        ticket=m.TicketSpec(),
    )
    objects: list[m.CatalogueObject] = [
        m.Party(name="acme", display_name=text("ACME"), type=m.PartyType.CUSTOMER),
        m.Service(name="desk", display_name=text("Desk"), owner="acme", tier=1),
        tickets,
        agreement(objective("p1-response", indicator="p1-tickets"), service="desk"),
    ]
    dumped = dump_openslo(objects)
    left_out = sorted(f"{p.field}: {p.message}" for p in dumped.left_out)
    assert left_out == [
        "Agreement/desk.versions[0].objectives[0]: its indicator p1-tickets cannot be written in OpenSLO",
        "Indicator/p1-tickets: OpenSLO cannot express a ticket indicator without queries",
        "Party/acme: OpenSLO has no Party",
        "Service/desk.owner: OpenSLO services have no such field",
        "Service/desk.tier: OpenSLO services have no such field",
    ]
    assert [d["kind"] for d in documents(dumped.text)] == ["Service"]


def test_a_policy_of_several_conditions_is_split_and_referred_to_by_each_part() -> None:
    policy = m.AlertPolicy(name="burn", display_name=text("burn"), conditions=("a", "b"), notification_targets=("t",))
    dumped = dump_openslo([policy, agreement(objective("checkout", alert_policies=("burn",)))])
    docs = documents(dumped.text)
    assert [d["metadata"]["name"] for d in docs if d["kind"] == "AlertPolicy"] == ["burn-1", "burn-2"]
    [slo] = [d for d in docs if d["kind"] == "SLO"]
    assert slo["spec"]["alertPolicies"] == ["burn-1", "burn-2"]
    assert [p.field for p in dumped.left_out] == ["AlertPolicy/burn.conditions"]


def test_a_calendar_window_without_a_zone_is_anchored_and_said() -> None:
    window = m.Window(length=1, unit=m.WindowUnit.MONTH, rolling=False)
    dumped = dump_openslo([agreement(objective("monthly", window=window))])
    [slo] = documents(dumped.text)
    assert slo["spec"]["timeWindow"] == [
        {"duration": "1M", "isRolling": False, "calendar": {"startTime": "2024-01-01 00:00:00", "timeZone": "UTC"}}
    ]
    assert [p.field for p in dumped.left_out] == ["Agreement/shop.versions[0].objectives[0].window"]


def test_multi_line_queries_are_written_as_blocks_and_labels_as_text() -> None:
    query = "sum(rate(errors[5m]))\n/\nsum(rate(all[5m]))\n"
    indicator = m.Indicator(
        name="errors",
        display_name=text("errors"),
        service=None,
        kind=m.IndicatorKind.RATIO,
        ratio=m.RatioSpec(raw=m.MetricQuery(type="Prometheus", spec={"query": query}), raw_type="failure"),
    )
    sla = m.Agreement(
        name="sla-shop",
        display_name=text("SLA"),
        kind=m.AgreementKind.SLA,
        parties=(m.AgreementParty(party="acme", role=m.PartyRole.CUSTOMER),),
        services=("shop",),
        versions=(
            m.AgreementVersion(
                number=1, objectives=(objective("availability", indicator="errors", labels={"tier": 2, "paged": True}),)
            ),
        ),
    )
    dumped = dump_openslo([indicator, sla])
    assert "query: |\n" in dumped.text
    sli, slo = documents(dumped.text)
    assert sli["spec"]["ratioMetric"]["raw"]["metricSource"]["spec"]["query"] == query
    assert slo["metadata"]["labels"] == {"tier": "2", "paged": "true"}
    assert [p.field for p in dumped.left_out] == ["Agreement/sla-shop"]


def test_objectives_that_cannot_be_one_slo_again_are_written_one_by_one() -> None:
    # Read from an SLO whose two objectives had the same display name: named by position.
    objectives = (
        objective("checkout/1", display="Same", annotations={SLO_DISPLAY_ANNOTATION: "Checkout"}),
        objective("checkout/2", display="Same", annotations={SLO_DISPLAY_ANNOTATION: "Checkout"}),
    )
    slos = [d for d in documents(OpenSloFormat().dump([agreement(*objectives)])) if d["kind"] == "SLO"]
    assert [d["metadata"]["name"] for d in slos] == ["checkout/1", "checkout/2"]
    assert read_back([agreement(*objectives)]) == [agreement(*objectives)]


def test_a_native_objective_reads_back_with_its_name_and_display_name() -> None:
    native = objective("Checkout p95 latency", display="Checkout latency", value=300.0, operator=m.Operator.LT)
    assert read_back([agreement(native)]) == [agreement(native)]


def test_the_dump_lists_what_was_left_out_in_a_comment() -> None:
    party = m.Party(name="acme", display_name=text("ACME"), type=m.PartyType.CUSTOMER)
    service = m.Service(name="shop", display_name=text("Shop"))
    dumped = OpenSloFormat().dump([party, service])
    assert dumped.startswith("# Left out, for OpenSLO cannot express it:\n# - Party/acme: OpenSLO has no Party\n")
    assert [lo.obj for lo in OpenSloFormat().load_text(dumped, "dump.yaml").objects] == [service]
