"""Reading Sloth specs: SLIs of each kind, alerting, labels, names, and what Sloth refuses."""

from __future__ import annotations

from typing import TypeVar

import pytest

from slmo.core import model as m
from slmo.core.ports import Imported
from slmo.errors import SlmoError, SpecError
from slmo.spec.sloth import SLOTH_CONDITIONS, SlothFormat

T = TypeVar("T")

SPEC = """\
version: prometheus/v1
service: shop
labels: {owner: web, tier: 2}
slos:
  - name: requests-availability
    objective: 99.9
    description: Requests answered without a server error.
    labels: {tier: "1", category: availability}
    sli:
      {sli}
    alerting:
      name: ShopHighErrorRate
      labels: {category: availability}
      annotations: {summary: Too many errors}
      page_alert: {page}
      ticket_alert: {ticket}
"""
EVENTS = "events: {error_query: 'sum(rate(err[{{.window}}]))', total_query: 'sum(rate(all[{{.window}}]))'}"


def load(text: str) -> Imported:
    return SlothFormat().load_text(text, "sloth.yml")


def spec(sli: str = EVENTS, page: str = "{labels: {severity: critical}}", ticket: str = "{}") -> str:
    return SPEC.replace("{sli}", sli).replace("{page}", page).replace("{ticket}", ticket)


def of(imported: Imported, cls: type[T]) -> list[T]:
    return [lo.obj for lo in imported.objects if isinstance(lo.obj, cls)]


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(text)
    return [str(p) for p in caught.value.problems]


def test_an_events_slo_becomes_a_bad_over_total_objective() -> None:
    imported = load(spec())
    [service] = of(imported, m.Service)
    assert service.name == "shop"
    [indicator] = of(imported, m.Indicator)
    assert indicator.name == "shop-requests-availability"
    assert indicator.service == "shop"
    assert indicator.ratio == m.RatioSpec(
        bad=m.MetricQuery(type="Prometheus", spec={"query": "sum(rate(err[{{.window}}]))"}),
        total=m.MetricQuery(type="Prometheus", spec={"query": "sum(rate(all[{{.window}}]))"}),
    )
    [agreement] = of(imported, m.Agreement)
    assert (agreement.name, agreement.kind) == ("shop", m.AgreementKind.EXPECTATION)
    [objective] = agreement.versions[0].objectives
    assert objective.name == "shop-requests-availability"
    assert objective.indicator == "shop-requests-availability"
    assert objective.target == 0.999
    assert objective.window == m.Window(length=30, unit=m.WindowUnit.DAY, rolling=True)
    assert objective.budgeting == m.BudgetingMethod.OCCURRENCES
    assert objective.description == m.LocalizedText(en="Requests answered without a server error.")
    # The SLO's labels win over the spec's, and every value is text, as in Sloth's rules.
    assert objective.labels == {"owner": "web", "tier": "1", "category": "availability"}


def test_a_raw_sli_is_a_failure_ratio() -> None:
    [indicator] = of(load(spec("raw: {error_ratio_query: 'errors[{{.window}}]'}")), m.Indicator)
    assert indicator.ratio == m.RatioSpec(
        raw=m.MetricQuery(type="Prometheus", spec={"query": "errors[{{.window}}]"}), raw_type="failure"
    )


def test_a_plugin_sli_keeps_its_id_and_options() -> None:
    [indicator] = of(load(spec("plugin: {id: availability, options: {job: shop}}")), m.Indicator)
    assert indicator.ratio == m.RatioSpec(
        raw=m.MetricQuery(type="sloth-plugin", spec={"id": "availability", "options": {"job": "shop"}}),
        raw_type="failure",
    )


def test_alerting_becomes_a_policy_with_sloths_burn_rate_conditions() -> None:
    imported = load(spec())
    [policy] = of(imported, m.AlertPolicy)
    assert policy.name == "shop-requests-availability"
    assert policy.display_name == m.LocalizedText(en="ShopHighErrorRate")
    assert policy.conditions == tuple(c[0] for c in SLOTH_CONDITIONS)
    assert policy.labels == {"category": "availability"}
    assert policy.annotations == {"summary": "Too many errors"}
    conditions = {c.name: c for c in of(imported, m.AlertCondition)}
    fast = conditions["sloth-page-quick"]
    assert (fast.severity, fast.operator, fast.threshold, fast.lookback_seconds) == ("page", m.Operator.GT, 14.4, 3600)
    assert [conditions[c[0]].short_lookback_seconds for c in SLOTH_CONDITIONS] == [300, 1800, 7200, 21600]
    [objective] = of(imported, m.Agreement)[0].versions[0].objectives
    assert objective.alert_policies == ("shop-requests-availability",)
    notes = [str(n) for n in imported.unrepresented]
    assert "sloth.yml:15:20: slos[0].alerting.page_alert.labels: Sloth's per-severity alert labels" in notes[1]
    assert not any("short windows" in n for n in notes)


def test_disabled_alerts_have_no_conditions_or_no_policy() -> None:
    imported = load(spec(page="{disable: true}"))
    [policy] = of(imported, m.AlertPolicy)
    assert policy.conditions == ("sloth-ticket-quick", "sloth-ticket-slow")
    imported = load(spec(page="{disable: true}", ticket="{disable: true}"))
    assert of(imported, m.AlertPolicy) == []
    assert of(imported, m.Agreement)[0].versions[0].objectives[0].alert_policies == ()


def test_the_kubernetes_resource_spells_fields_in_camel_case() -> None:
    text = """\
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: shop-slos, namespace: monitoring}
spec:
  service: shop
  slos:
    - name: latency
      objective: 99
      sli: {raw: {errorRatioQuery: 'slow[{{.window}}]'}}
      alerting: {name: Slow, pageAlert: {disable: true}, ticketAlert: {disable: false}}
"""
    imported = load(text)
    [policy] = of(imported, m.AlertPolicy)
    assert policy.conditions == ("sloth-ticket-quick", "sloth-ticket-slow")
    notes = [str(n) for n in imported.unrepresented]
    assert "sloth.yml:3:1: metadata: field not represented by slmo, left out" in notes


def test_plugins_are_reported_not_dropped() -> None:
    text = spec().replace("slos:\n", "slo_plugins: {chain: [{id: x}]}\nslos:\n", 1)
    notes = [str(n) for n in load(text).unrepresented]
    assert "sloth.yml:4:1: slo_plugins: Sloth SLO plugins are not represented by slmo, left out" in notes


def test_a_long_slo_id_gives_a_short_deterministic_name() -> None:
    long_name = "requests-availability-with-a-name-far-too-long-for-slmo-names"
    imported = load(spec().replace("requests-availability", long_name))
    [indicator] = of(imported, m.Indicator)
    assert len(indicator.name) == 63
    assert indicator.name.startswith("shop-requests-availability-with-a-name-far-too-long-f")
    [objective] = of(imported, m.Agreement)[0].versions[0].objectives
    assert objective.name == f"shop-{long_name}"
    assert objective.indicator == indicator.name
    assert of(load(spec().replace("requests-availability", long_name)), m.Indicator) == [indicator]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("objective: 99.9", "objective: 101"), "slos[0].objective: 101: expected a percentage above 0 and up to 100"),
        (("objective: 99.9", "objective: 100"), "slos[0].objective: 100: slmo needs a target below 100 %"),
        (("service: shop", "service: ''"), "service: required, must not be empty"),
        (("name: ShopHighErrorRate", "name: ''"), "slos[0].alerting.name: required unless the page and ticket"),
        (("{{.window}}]))', total", "5m]))', total"), "slos[0].sli.events.error_query: expected the {{.window}}"),
        (("version: prometheus/v1", "version: prometheus/v999"), "version: unsupported version prometheus/v999"),
    ],
)
def test_what_sloth_refuses_slmo_refuses(change: tuple[str, str], expected: str) -> None:
    found = problems(spec().replace(*change))
    assert any(p.startswith("sloth.yml:") and expected in p for p in found), found


def test_an_sli_needs_exactly_one_kind() -> None:
    found = problems(spec("{}"))
    assert any("slos[0].sli: expected exactly one of events, raw and plugin" in p for p in found), found


def test_an_slo_given_twice_is_refused() -> None:
    found = problems(spec() + "---\n" + spec())
    assert any("SLO shop-requests-availability of service shop is defined twice" in p for p in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("groups:\n- name: x\n  rules: []\n", "a Prometheus rule file (as Sloth generates from a spec)"),
        ("apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec: {}\n", "a Sloth AlertWindows catalogue"),
        ("service: x\n", "not a Sloth spec"),
    ],
)
def test_files_that_are_not_specs_are_refused_clearly(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found


def test_sloths_openslo_documents_are_read_too() -> None:
    text = """\
apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: availability}
spec:
  service: shop
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics: {good: {source: prometheus, query: ok}, total: {source: prometheus, query: all}}
      target: 0.999
  timeWindows: [{count: 30, unit: Day}]
"""
    [objective] = of(load(text), m.Agreement)[0].versions[0].objectives
    assert objective.window == m.Window(length=30, unit=m.WindowUnit.DAY, rolling=True)


def test_sloth_specs_are_not_written() -> None:
    with pytest.raises(SlmoError, match="export --format openslo"):
        SlothFormat().dump([])
