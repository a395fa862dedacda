"""OpenSLO v1alpha SLOs: ``timeWindows`` with unit and count, the indicator either a
thresholdMetric of the SLO or ratioMetrics per objective, metrics as {source, queryType, query}.
Objectives are named as in ``openslo_slo``; an SLI of its own per objective is ``<slo>-<n>``.
"""

from __future__ import annotations

from typing import Any

from slmo.core.model.indicator import Indicator, IndicatorKind, MetricQuery, RatioSpec, ThresholdSpec
from slmo.core.model.objective import Window, WindowUnit
from slmo.core.model.text import LocalizedText
from slmo.spec.openslo_read import Found, Meta, description
from slmo.spec.openslo_reader import NAME_RE, NAME_RULE, Node
from slmo.spec.openslo_slo import (
    DEFAULT_WINDOW,
    ObjectivePart,
    SloPart,
    add_objectives,
    read_budgeting,
    read_calendar,
    read_objective,
)

_ALPHA_UNITS = {
    "Day": WindowUnit.DAY,
    "Week": WindowUnit.WEEK,
    "Month": WindowUnit.MONTH,
    "Quarter": WindowUnit.QUARTER,
    "Year": WindowUnit.YEAR,
}


def read_slo_v1alpha(meta: Meta, spec: Node, found: Found) -> None:
    service = spec.name("service")
    text = description(spec)
    budgeting = read_budgeting(spec, ("Occurrences", "Timeslices"))
    window = _window_v1alpha(spec)
    threshold = spec.map("indicator")
    slo_indicator: str | None = None
    if threshold is not None:
        metric_node = threshold.map("thresholdMetric", required=True)
        metric = _alpha_metric(metric_node) if metric_node is not None else None
        threshold.finish()
        if metric is not None and _fits(threshold, meta.name):
            indicator = _alpha_indicator(meta.name, service, ThresholdSpec(metric=metric))
            found.add(indicator, threshold.location)
            slo_indicator = indicator.name
    entries = spec.items("objectives", required=True, what="at least one objective") or []
    parts: list[ObjectivePart] = []
    for i, entry in enumerate(entries):
        ratio = entry.map("ratioMetrics") if entry.is_map else None
        name = slo_indicator
        if ratio is not None and threshold is not None:
            entry.error("expected spec.indicator or objectives[].ratioMetrics, not both", "ratioMetrics")
        elif ratio is not None:
            name = meta.name if len(entries) == 1 else f"{meta.name}-{i + 1}"
            spec_ = _alpha_ratio(ratio)
            if spec_ is not None and _fits(ratio, name):
                found.add(_alpha_indicator(name, service, spec_), ratio.location)
            else:
                name = None
        elif threshold is None and entry.is_map:
            entry.error("required: spec.indicator or ratioMetrics", "ratioMetrics")
        part = read_objective(entry, name or "", budgeting, version="v1alpha")
        if entry.is_map:
            entry.finish()
        if part is not None and name:
            parts.append(part)
    if service and budgeting and window and entries and len(parts) == len(entries):
        add_objectives(SloPart(meta, service, window, budgeting, (), text), parts, found)


def _fits(node: Node, name: str) -> bool:
    if NAME_RE.match(name):
        return True
    node.error(f"'{name}', from the SLO's name, cannot name an indicator: {NAME_RULE}")
    return False


def _alpha_indicator(name: str, service: str | None, spec: ThresholdSpec | RatioSpec) -> Indicator:
    display = LocalizedText(en=name)
    if isinstance(spec, ThresholdSpec):
        return Indicator(name=name, display_name=display, service=service, kind=IndicatorKind.THRESHOLD, threshold=spec)
    return Indicator(name=name, display_name=display, service=service, kind=IndicatorKind.RATIO, ratio=spec)


def _alpha_metric(node: Node) -> MetricQuery | None:
    source = node.text("source")
    query_type = node.text("queryType")
    query = node.text("query", required=True)
    node.finish()
    if query is None:
        return None
    spec: dict[str, Any] = {"query": query}
    if query_type is not None:
        spec["queryType"] = query_type
    return MetricQuery(type=source, spec=spec)


def _alpha_ratio(node: Node) -> RatioSpec | None:
    good = node.map("good", required=True)
    total = node.map("total", required=True)
    counter = node.flag("incremental")
    queries = [_alpha_metric(n) if n is not None else None for n in (good, total)]
    node.finish()
    if queries[0] is None or queries[1] is None:
        return None
    return RatioSpec(good=queries[0], total=queries[1], counter=counter)


def _window_v1alpha(spec: Node) -> Window | None:
    items = spec.items("timeWindows")
    if items is None:
        spec.note(f"not given; slmo takes {DEFAULT_WINDOW}", "timeWindows")
        return DEFAULT_WINDOW
    if len(items) != 1 or not items[0].is_map:
        spec.error("expected exactly one time window (unit, count)", "timeWindows")
        return None
    item = items[0]
    unit = item.text("unit", required=True)
    count = item.number("count", required=True)
    rolling = item.flag("isRolling")
    calendar = item.map("calendar")
    start, zone = read_calendar(calendar) if calendar is not None else (None, None)
    if rolling is None and calendar is None:
        # Sloth's OpenSLO examples give neither; Sloth reads them as rolling periods.
        item.note("not given; slmo takes a rolling window, as Sloth does", "isRolling")
        rolling = True
    item.finish()
    if unit is None or count is None:
        return None
    length = int(count)
    if count != length or length <= 0:
        item.error(f"{count:g} is not a positive whole number", "count")
        return None
    if unit == "Second":
        if length % 60:
            item.error("slmo windows are whole minutes; expected a multiple of 60 seconds", "count")
            return None
        return Window(length=length // 60, unit=WindowUnit.MINUTE, rolling=bool(rolling), start=start, time_zone=zone)
    if unit not in _ALPHA_UNITS:
        item.error(f"'{unit}' is not a unit; expected Second, Day, Week, Month, Quarter or Year", "unit")
        return None
    return Window(length=length, unit=_ALPHA_UNITS[unit], rolling=bool(rolling), start=start, time_zone=zone)
