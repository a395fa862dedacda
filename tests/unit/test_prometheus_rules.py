"""The PromQL of `slmo export prometheus-rules`: queries over a window, names and quoting; which
objectives are written, skipped or approximated; alert rules from an objective's policies."""

from __future__ import annotations

import datetime as dt

import pytest

from slmo.bootstrap import in_memory
from slmo.core.engine.alert_catalogue import objective_rules
from slmo.core.engine.alert_policy import default_rules
from slmo.core.model.audit import Actor
from slmo.services.promql import duration, label_name, over_window, quoted, selector
from tests.conftest import EXAMPLES

ACTOR = Actor(name="test", interface="test")


class FixedClock:
    def now(self) -> dt.datetime:
        return dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("query", "counter", "expected"),
    [
        ("sum(rate(x[{{.window}}]))", False, "sum(rate(x[1h]))"),
        ("sum(rate(x[{{ .window }}]))", False, "sum(rate(x[1h]))"),
        ('sum(rate(x{code=~"5.."}[1m])) / 2', False, 'sum(rate(x{code=~"5.."}[1h])) / 2'),
        ("max_over_time(rate(x[1m])[5m:30s])", False, "max_over_time(rate(x[1h])[1h:30s])"),
        # A "[5m]" inside a string is text, not a range.
        ('sum(rate(x{path="/a[5m]"}[2m]))', False, 'sum(rate(x{path="/a[5m]"}[1h]))'),
        ("job:requests:rate5m", False, "sum_over_time((job:requests:rate5m)[1h:1m])"),
        ("sum(requests_total)", True, "increase((sum(requests_total))[1h:1m])"),
    ],
)
def test_a_query_over_a_window(query: str, counter: bool, expected: str) -> None:
    assert over_window(query, "1h", counter=counter, resolution="1m") == expected


def test_durations_names_and_strings() -> None:
    assert [duration(s) for s in (300, 1800, 3600, 5400, 86400, 30 * 86400, 90)] == [
        "5m",
        "30m",
        "1h",
        "90m",
        "1d",
        "30d",
        "90s",
    ]
    assert label_name("app.kubernetes.io/name") == "app_kubernetes_io_name"
    assert label_name("2tier") == "_2tier"
    assert label_name("__name__") is None
    assert quoted('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert selector({"a": "x", "b": 'y"'}) == '{a="x", b="y\\""}'


def test_the_examples_write_the_ratio_objective_and_skip_the_others() -> None:
    with in_memory(clock=FixedClock()) as slmo:
        slmo.catalogue.apply(slmo.codec.load_paths([str(EXAMPLES)]), ACTOR)
        made = slmo.prometheus_rules.rule_file()
        assert made.written == ("eportal-sla/success-rate",)
        kinds = {p.field: p.args["kind"] for p in made.skipped}
        assert kinds["eportal-sla/latency"] == "threshold"
        assert kinds["eportal-sla/availability"] == "availability"
        assert kinds["service-desk-ola/resolution"] == "ticket"
        one = slmo.prometheus_rules.rule_file("eportal-sla/success-rate")
    assert (one.written, one.skipped) == (("eportal-sla/success-rate",), ())
    groups = {g["name"]: g["rules"] for g in made.document["groups"]}
    assert set(groups) == {
        "slmo-slo-sli-recordings-eportal-sla-success-rate",
        "slmo-slo-meta-recordings-eportal-sla-success-rate",
        "slmo-slo-alerts-eportal-sla-success-rate",
    }
    windows = [r["labels"]["sloth_window"] for r in groups["slmo-slo-sli-recordings-eportal-sla-success-rate"]]
    assert windows == ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d"]
    page, ticket = groups["slmo-slo-alerts-eportal-sla-success-rate"]
    assert (page["labels"]["severity"], ticket["labels"]["severity"]) == ("page", "ticket")
    # The workbook's factors scaled to the objective's 28 days, over its 0.1 % budget.
    assert "> (13.44 * 0.001)" in page["expr"] and "> (5.6 * 0.001)" in page["expr"]
    assert "> (2.8 * 0.001)" in ticket["expr"] and "> (0.9333333333333333 * 0.001)" in ticket["expr"]
    meta = {r["record"]: r["expr"] for r in groups["slmo-slo-meta-recordings-eportal-sla-success-rate"]}
    assert meta["slo:objective:ratio"] == "vector(0.999)"
    assert meta["slo:error_budget:ratio"] == "vector(0.001)"
    assert meta["slo:time_period:days"] == "vector(28)"


CALENDAR_OBJECTIVE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ops}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Calendar
metadata: {name: office}
spec:
  timeZone: Asia/Riyadh
  hours: {sun: ["08:00-16:00"], mon: ["08:00-16:00"]}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: shop}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: shop-requests}
spec:
  service: shop
  kind: ratio
  ratio:
    bad: {type: Prometheus, spec: {query: 'sum(rate(x{code="500"}[1m]))'}}
    total: {type: Prometheus, spec: {query: 'sum(rate(x[1m]))'}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: shop-pushed}
spec: {service: shop, kind: ratio}
---
apiVersion: slmo/v1
kind: AlertCondition
metadata: {name: fast}
spec: {severity: page, op: gt, threshold: 10, lookbackWindow: 1h, shortLookbackWindow: 5m}
---
apiVersion: slmo/v1
kind: AlertPolicy
metadata: {name: shop-pages, displayName: ShopBurn}
spec: {conditions: [fast], alertWhenNoData: true}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: shop-ola}
spec:
  type: ola
  parties: [{party: ops, role: provider}]
  services: [shop]
  versions:
    - version: 1
      state: active
      calendar: office
      objectives:
        - {name: monthly, indicator: shop-requests, target: 0.99, window: {calendar: month}, alertPolicies: [shop-pages]}
        - {name: pushed, indicator: shop-pushed, target: 0.99, window: {rolling: 7d}}
"""


def test_policies_calendars_and_pushed_measurements() -> None:
    with in_memory(clock=FixedClock()) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(CALENDAR_OBJECTIVE, "shop.yaml"), ACTOR)
        made = slmo.prometheus_rules.rule_file()
    assert made.written == ("shop-ola/monthly",)
    assert [(p.field, p.key) for p in made.skipped] == [("shop-ola/pushed", "export.not_promql")]
    assert {p.key for p in made.notes} == {
        "export.calendar_window",
        "export.service_hours",
        "export.other_signals",  # the no-data rule the policy asks for
    }
    (alert,) = [r for g in made.document["groups"] for r in g["rules"] if "alert" in r]
    assert alert["alert"] == "ShopBurn"
    # A policy's thresholds apply as written (OpenSLO's rule), over its own windows.
    assert alert["expr"].count("> (10 * 0.01)") == 2
    assert "ratio_rate5m" in alert["expr"] and "ratio_rate1h" in alert["expr"]


def test_objective_rules_default_and_from_policies() -> None:
    with in_memory(clock=FixedClock()) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(CALENDAR_OBJECTIVE, "shop.yaml"), ACTOR)
        policies = {p.name: p for p in slmo.catalogue.get("AlertPolicy")}
        conditions = {c.name: c for c in slmo.catalogue.get("AlertCondition")}
        agreement = slmo.catalogue.get("Agreement")[0]
    monthly, pushed = agreement.versions[0].objectives  # type: ignore[union-attr]
    assert objective_rules(pushed, policies, conditions) == default_rules()  # type: ignore[arg-type]
    rules = objective_rules(monthly, policies, conditions)  # type: ignore[arg-type]
    # The no-data rule raises a ticket, a tier of its own without burn-rate conditions.
    assert [(t.name, len(t.conditions)) for t in rules.tiers] == [("page", 1), ("ticket", 0)]
    assert rules.no_data is not None
