"""Reading OpenSLO documents into model objects: targets, windows, budgeting methods, ratio
kinds, inline and referenced parts, and what is reported rather than dropped."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import pytest

from slmo.core import model as m
from slmo.core.ports import Imported
from slmo.errors import SpecError
from slmo.spec.openslo import OpenSloFormat
from slmo.spec.openslo_slo import OBJECTIVE_DISPLAY_ANNOTATION, SLO_DISPLAY_ANNOTATION

T = TypeVar("T")

SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  indicatorRef: checkout-requests
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: {budgeting}
  objectives:
    - {objective}
"""


def load(text: str, source: str = "slo.yaml") -> Imported:
    return OpenSloFormat().load_text(text, source)


def slo(objective: str = "target: 0.999", budgeting: str = "Occurrences") -> str:
    return SLO.format(objective=objective, budgeting=budgeting)


def only(imported: Imported, cls: type[T]) -> T:
    found = [lo.obj for lo in imported.objects if isinstance(lo.obj, cls)]
    assert len(found) == 1, found
    return found[0]


def objectives(imported: Imported) -> list[m.Objective]:
    agreements = [lo.obj for lo in imported.objects if isinstance(lo.obj, m.Agreement)]
    return [o for a in agreements for v in a.versions for o in v.objectives]


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(text)
    return [str(p) for p in caught.value.problems]


def test_an_slo_becomes_an_objective_of_its_services_expectation_agreement() -> None:
    imported = load(slo())
    agreement = only(imported, m.Agreement)
    assert agreement.name == "checkout"
    assert agreement.kind == m.AgreementKind.EXPECTATION
    assert agreement.parties == ()
    assert agreement.services == ("checkout",)
    [version] = agreement.versions
    assert (version.number, version.state) == (1, m.VersionState.ACTIVE)
    [objective] = version.objectives
    assert objective.name == "checkout-availability"
    assert objective.display_name.en == "Checkout availability"
    assert objective.indicator == "checkout-requests"
    assert objective.window == m.Window(length=28, unit=m.WindowUnit.DAY, rolling=True)


@pytest.mark.parametrize(
    ("objective", "target"),
    [("target: 0.999", 0.999), ("targetPercent: 99.95", 0.9995), ("targetPercent: 99.99", 0.9999), ("target: 0", 0.0)],
)
def test_target_and_target_percent_give_the_same_ratio(objective: str, target: float) -> None:
    [read] = objectives(load(slo(objective)))
    assert read.target == target


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        ("{target: 0.99, targetPercent: 99}", "spec.objectives[0]: expected target or targetPercent, not both"),
        ("{displayName: x}", "spec.objectives[0].target: required: target or targetPercent"),
        ("target: 1", "spec.objectives[0].target: 1 is not a ratio in [0, 1)"),
        ("targetPercent: 100", "spec.objectives[0].targetPercent: 100 is not a percentage in [0, 100)"),
        ("target: high", "spec.objectives[0].target: expected a number"),
    ],
)
def test_bad_targets_are_refused_with_file_line_and_field(objective: str, expected: str) -> None:
    found = problems(slo(objective))
    assert any(p.startswith("slo.yaml:") and p.endswith(expected) for p in found), found


def test_calendar_month_keeps_its_start_and_time_zone() -> None:
    text = slo().replace(
        "    - duration: 28d\n      isRolling: true\n",
        "    - duration: 1M\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: Asia/Riyadh\n",
    )
    [read] = objectives(load(text))
    assert read.window == m.Window(
        length=1,
        unit=m.WindowUnit.MONTH,
        rolling=False,
        start=dt.datetime(2024, 1, 1),
        time_zone="Asia/Riyadh",
    )


def test_a_quoted_start_time_reads_like_an_unquoted_one() -> None:
    text = slo().replace(
        "    - duration: 28d\n      isRolling: true\n",
        "    - duration: 1Q\n      isRolling: false\n"
        "      calendar: {startTime: '2024-01-01 00:00:00', timeZone: UTC}\n",
    )
    [read] = objectives(load(text))
    assert read.window.start == dt.datetime(2024, 1, 1)
    assert read.window.unit == m.WindowUnit.QUARTER


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("- {duration: 1M, isRolling: false}", "spec.timeWindow[0].calendar: required when isRolling is not true"),
        ("- {duration: 30 days, isRolling: true}", "spec.timeWindow[0].duration: '30 days' is not a duration"),
        (
            "- {duration: 1M, calendar: {startTime: '2024-01-01 00:00:00', timeZone: Mars/Olympus}}",
            "spec.timeWindow[0].calendar.timeZone: 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            "- {duration: 1M, calendar: {startTime: 'January', timeZone: UTC}}",
            "spec.timeWindow[0].calendar.startTime: required: a date and time without zone",
        ),
        ("[]", "spec.timeWindow: expected exactly one time window, got 0"),
    ],
)
def test_bad_windows_are_refused(window: str, expected: str) -> None:
    text = (
        slo()
        .replace("    - duration: 28d\n      isRolling: true\n", f"    {window}\n")
        .replace("timeWindow:\n    [", "timeWindow: [")
    )
    found = problems(text)
    assert any(expected in p for p in found), found


def test_a_missing_time_window_is_assumed_and_said() -> None:
    imported = load(slo().replace("  timeWindow:\n    - duration: 28d\n      isRolling: true\n", ""))
    [read] = objectives(imported)
    assert read.window == m.Window(length=30, unit=m.WindowUnit.DAY, rolling=True)
    [note] = imported.unrepresented
    assert str(note) == "slo.yaml:6:1: spec.timeWindow: not given; slmo takes 30d rolling"


@pytest.mark.parametrize(
    ("budgeting", "objective", "method", "time_slice"),
    [
        ("Occurrences", "target: 0.99", m.BudgetingMethod.OCCURRENCES, None),
        (
            "Timeslices",
            "{target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: 5m}",
            m.BudgetingMethod.TIMESLICES,
            m.TimeSlice(seconds=300, target=0.95),
        ),
        (
            "RatioTimeslices",
            "{target: 0.99, timeSliceWindow: 1m}",
            m.BudgetingMethod.RATIO_TIMESLICES,
            m.TimeSlice(seconds=60),
        ),
        (
            "Timeslices",
            "{target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 2}",
            m.BudgetingMethod.TIMESLICES,
            m.TimeSlice(seconds=120, target=0.9),
        ),
    ],
)
def test_the_three_budgeting_methods(
    budgeting: str, objective: str, method: m.BudgetingMethod, time_slice: m.TimeSlice | None
) -> None:
    [read] = objectives(load(slo(objective, budgeting)))
    assert read.budgeting == method
    assert read.time_slice == time_slice


@pytest.mark.parametrize(
    ("budgeting", "objective", "expected"),
    [
        ("Timeslices", "target: 0.99", "spec.objectives[0]: required with budgetingMethod Timeslices"),
        ("RatioTimeslices", "target: 0.99", "spec.objectives[0].timeSliceWindow: required with budgetingMethod"),
        ("Weekly", "target: 0.99", "spec.budgetingMethod: 'Weekly' is not a budgeting method"),
    ],
)
def test_budgeting_rules_are_enforced(budgeting: str, objective: str, expected: str) -> None:
    found = problems(slo(objective, budgeting))
    assert any(expected in p for p in found), found


INLINE_SLI = """\
apiVersion: openslo/v1
kind: SLO
metadata: {{name: search}}
spec:
  service: shop
  indicator:
    metadata: {{name: search-errors, displayName: Search errors}}
    spec:
      description: Failed searches
      ratioMetric:
        counter: true
        {part}:
          metricSource: {{type: Prometheus, metricSourceRef: thanos, spec: {{query: errors}}}}
        total:
          metricSource: {{type: Prometheus, metricSourceRef: thanos, spec: {{query: total}}}}
  budgetingMethod: Occurrences
  objectives: [{{target: 0.99}}]
"""


@pytest.mark.parametrize("part", ["good", "bad"])
def test_an_inline_sli_becomes_an_indicator_of_the_slos_service(part: str) -> None:
    imported = load(INLINE_SLI.format(part=part))
    indicator = only(imported, m.Indicator)
    assert indicator.name == "search-errors"
    assert indicator.service == "shop"
    assert indicator.kind == m.IndicatorKind.RATIO
    assert indicator.description == m.LocalizedText(en="Failed searches")
    assert indicator.ratio is not None
    query = m.MetricQuery(type="Prometheus", source="thanos", spec={"query": "errors"})
    assert getattr(indicator.ratio, part) == query
    assert getattr(indicator.ratio, "bad" if part == "good" else "good") is None
    assert indicator.ratio.total == m.MetricQuery(type="Prometheus", source="thanos", spec={"query": "total"})
    assert indicator.ratio.counter is True
    [read] = objectives(imported)
    assert read.indicator == "search-errors"


def test_an_inline_sli_without_a_name_takes_the_slos() -> None:
    text = INLINE_SLI.format(part="good").replace(
        "    metadata: {name: search-errors, displayName: Search errors}\n", ""
    )
    assert only(load(text), m.Indicator).name == "search"


def test_a_standalone_sli_belongs_to_no_service_and_a_raw_ratio_is_kept() -> None:
    text = """\
apiVersion: openslo/v1
kind: SLI
metadata: {name: wifi}
spec:
  ratioMetric:
    rawType: success
    raw:
      metricSource: {type: Prometheus, spec: {query: ratio}}
"""
    indicator = only(load(text), m.Indicator)
    assert indicator.service is None
    assert indicator.ratio == m.RatioSpec(
        raw=m.MetricQuery(type="Prometheus", spec={"query": "ratio"}), raw_type="success"
    )


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ("{good: {metricSource: {spec: {}}}, bad: {metricSource: {spec: {}}}}", "expected good or bad, not both"),
        ("{good: {metricSource: {spec: {}}}}", "expected good (or bad) with total, or raw with rawType"),
        ("{raw: {metricSource: {spec: {}}}}", "spec.ratioMetric.rawType: required with raw"),
        ("{good: {metricSource: {}}, total: {metricSource: {spec: {}}}}", "metricSource.spec: required"),
    ],
)
def test_bad_ratio_metrics_are_refused(ratio: str, expected: str) -> None:
    text = f"apiVersion: openslo/v1\nkind: SLI\nmetadata: {{name: s}}\nspec:\n  ratioMetric: {ratio}\n"
    found = problems(text)
    assert any(expected in p for p in found), found


POLICIES = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: api}
spec:
  service: api
  indicatorRef: api-requests
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
  alertPolicies:
    - by-name
    - alertPolicyRef: by-ref
    - kind: AlertPolicy
      metadata: {name: inline-policy}
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata: {name: fast-burn}
            spec:
              severity: page
              condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 2m}
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata: {name: pager}
            spec: {target: pagerduty}
"""


def test_alert_policies_by_name_by_ref_and_inline() -> None:
    imported = load(POLICIES)
    [read] = objectives(imported)
    assert read.alert_policies == ("by-name", "by-ref", "inline-policy")
    policy = only(imported, m.AlertPolicy)
    assert policy.conditions == ("fast-burn",)
    assert policy.notification_targets == ("pager",)
    assert (policy.alert_when_breaching, policy.alert_when_resolved, policy.alert_when_no_data) == (True, False, False)
    condition = only(imported, m.AlertCondition)
    assert (condition.operator, condition.threshold) == (m.Operator.GTE, 14.4)
    assert (condition.lookback_seconds, condition.alert_after_seconds) == (3600, 120)
    assert only(imported, m.NotificationTarget).target == "pagerduty"


def test_several_objectives_are_named_after_the_slo_and_their_display_names() -> None:
    text = slo("{displayName: Fast, target: 0.99}\n    - {displayName: Most, target: 0.9}\n    - {target: 0.5}")
    read = objectives(load(text))
    assert [o.name for o in read] == [
        "checkout-availability/Fast",
        "checkout-availability/Most",
        "checkout-availability/3",
    ]
    assert [o.display_name.en for o in read] == ["Fast", "Most", "Checkout availability"]
    assert all(o.annotations[SLO_DISPLAY_ANNOTATION] == "Checkout availability" for o in read)


def test_repeated_display_names_fall_back_to_positions() -> None:
    read = objectives(load(slo("{displayName: Same, target: 0.99}\n    - {displayName: Same, target: 0.9}")))
    assert [o.name for o in read] == ["checkout-availability/1", "checkout-availability/2"]


def test_one_objective_keeps_its_own_display_name_in_an_annotation() -> None:
    [read] = objectives(load(slo("{displayName: Good, target: 0.99}")))
    assert read.display_name.en == "Checkout availability"
    assert read.annotations == {OBJECTIVE_DISPLAY_ANNOTATION: "Good"}


def test_unknown_fields_are_reported_by_path_and_line_not_dropped() -> None:
    imported = load(slo("{target: 0.99, compositeWeight: 2, vendorField: x}"))
    notes = sorted(str(n) for n in imported.unrepresented)
    assert notes == [
        "slo.yaml:14:22: spec.objectives[0].compositeWeight: field not represented by slmo, left out",
        "slo.yaml:14:42: spec.objectives[0].vendorField: field not represented by slmo, left out",
    ]


def test_every_problem_of_every_document_is_listed() -> None:
    text = slo("target: 2") + "---\n" + "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: Bad Name}\nspec: {}\n"
    found = problems(text)
    assert len(found) == 2, found
    assert "spec.objectives[0].target" in found[0]
    assert found[1].startswith("slo.yaml:18:") and "metadata.name: 'Bad Name' is not a name slmo can keep" in found[1]


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        (
            "openslo.com/v2alpha",
            "unsupported apiVersion openslo.com/v2alpha; slmo reads openslo/v1 and openslo/v1alpha",
        ),
        (
            "slmo/v1",
            "unsupported apiVersion slmo/v1; slmo reads openslo/v1 and openslo/v1alpha; "
            "slmo's own documents are read by `slmo apply`",
        ),
    ],
)
def test_other_api_versions_are_refused_clearly(api: str, expected: str) -> None:
    found = problems(f"apiVersion: {api}\nkind: Service\nmetadata: {{name: s}}\nspec: {{}}\n")
    assert found == [f"slo.yaml:1:1: apiVersion: {expected}"]


def test_a_name_defined_twice_differently_keeps_the_later_and_says_so() -> None:
    service = "apiVersion: openslo/v1\nkind: Service\nmetadata: {{name: s, displayName: {0}}}\nspec: {{}}\n"
    imported = load(service.format("One") + "---\n" + service.format("Two"))
    assert only(imported, m.Service).display_name.en == "Two"
    [note] = imported.unrepresented
    assert "Service s is defined again at slo.yaml:6:1; this definition is left out" in str(note)


def test_labels_keep_lists_and_annotations_are_text() -> None:
    text = (
        "apiVersion: openslo/v1\nkind: Service\n"
        "metadata: {name: s, labels: {team: [a, b], tier: one}, annotations: {openslo.com/x: y}}\nspec: {}\n"
    )
    service = only(load(text), m.Service)
    labels: dict[str, Any] = dict(service.labels)
    assert labels == {"team": ["a", "b"], "tier": "one"}
    assert service.annotations == {"openslo.com/x": "y"}


def test_v1alpha_ratio_objectives_each_get_an_indicator() -> None:
    text = """\
apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: latency, displayName: Latency}
spec:
  service: api
  budgetingMethod: Occurrences
  timeWindows: [{unit: Day, count: 7, isRolling: true}]
  objectives:
    - ratioMetrics: {good: {source: prometheus, query: fast}, total: {source: prometheus, query: all}}
      target: 0.99
    - ratioMetrics: {good: {source: prometheus, query: ok}, total: {source: prometheus, query: all}}
      target: 0.999
"""
    imported = load(text)
    indicators = [lo.obj for lo in imported.objects if isinstance(lo.obj, m.Indicator)]
    assert [i.name for i in indicators] == ["latency-1", "latency-2"]
    assert indicators[0].ratio == m.RatioSpec(
        good=m.MetricQuery(type="prometheus", spec={"query": "fast"}),
        total=m.MetricQuery(type="prometheus", spec={"query": "all"}),
    )
    read = objectives(imported)
    assert [(o.name, o.indicator, o.target) for o in read] == [
        ("latency/1", "latency-1", 0.99),
        ("latency/2", "latency-2", 0.999),
    ]
    assert read[0].window == m.Window(length=7, unit=m.WindowUnit.DAY, rolling=True)


def test_json_documents_are_read_with_positions() -> None:
    text = '[\n  {"apiVersion": "openslo/v1", "kind": "Service",\n   "metadata": {"name": "S"}, "spec": {}}\n]\n'
    found = problems(text)
    assert found[0].startswith("slo.yaml:3:") and "metadata.name" in found[0]


def test_an_agreements_fields_are_located_in_the_slo_of_their_objective() -> None:
    second = slo().replace("name: checkout-availability", "name: checkout-latency")
    [loaded] = [lo for lo in load(slo() + "---\n" + second).objects if isinstance(lo.obj, m.Agreement)]
    assert str(loaded.location) == "slo.yaml:14:7"
    assert str(loaded.location_of("versions[0].objectives[1].indicator")) == "slo.yaml:29:7"
    assert str(loaded.location_of("services[0]")) == "slo.yaml:14:7"
