"""OpenSLO v1 SLOs read into objectives, and their inline SLIs and alert policies into objects
of their own (v1alpha SLOs are read in ``openslo_v1alpha`` with the same rules).

Naming, so that objectives stay findable by the SLO's name:
- an SLO with one objective becomes an objective named after the SLO; its display name is the
  SLO's displayName, else the objective's, else the SLO's name;
- an SLO with several becomes ``<slo>/<objective displayName>`` each, or ``<slo>/<n>`` (1-based)
  when a display name is missing, repeated, or not usable in a name; the display name is the
  objective's displayName, else the SLO's, else the SLO's name;
- an inline SLI without a name takes the SLO's name (``<slo>-<n>`` for the SLI of the n-th
  objective of a composite SLO).
What would be lost by that is kept in annotations: the objective's own display name beside the
SLO's (one objective), the SLO's display name (several).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from slmo.core.model.indicator import Operator
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.text import LocalizedText
from slmo.spec.openslo_read import (
    OPERATORS,
    Found,
    Meta,
    description,
    read_indicator,
    read_inline,
    read_metadata,
)
from slmo.spec.openslo_reader import (
    NAME_RE,
    NAME_RULE,
    OBJECTIVE_NAME_RE,
    Node,
    iter_nodes,
    parse_shorthand,
    shorthand_seconds,
)

# Kept in an objective's annotations so that export writes the SLO back as it was read.
OBJECTIVE_DISPLAY_ANNOTATION = "slmo.dev/openslo-objective-display-name"
SLO_DISPLAY_ANNOTATION = "slmo.dev/openslo-slo-display-name"

BUDGETING = {
    "Occurrences": BudgetingMethod.OCCURRENCES,
    "Timeslices": BudgetingMethod.TIMESLICES,
    "RatioTimeslices": BudgetingMethod.RATIO_TIMESLICES,
}
# Neither spec version gives a default window; Sloth's default SLO period is 30 days.
DEFAULT_WINDOW = Window(length=30, unit=WindowUnit.DAY, rolling=True)
CALENDAR_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class ObjectivePart:
    """What one entry of ``objectives`` gives, before it is named."""

    node: Node
    display: str | None
    indicator: str
    target: float
    time_slice: TimeSlice | None
    operator: Operator | None
    value: float | None


@dataclass
class SloPart:
    """What the SLO gives all its objectives."""

    meta: Meta
    service: str
    window: Window
    budgeting: BudgetingMethod
    policies: tuple[str, ...]
    description: LocalizedText | None


def read_slo_v1(meta: Meta, spec: Node, found: Found) -> None:
    service = spec.name("service")
    text = description(spec)
    budgeting = read_budgeting(spec)
    window = _window_v1(spec)
    slo_indicator = _indicator_v1(spec, meta.name, service, found)
    policies = [_policy(item, found) for item in iter_nodes(spec.items("alertPolicies"))]
    entries = spec.items("objectives", required=True, what="at least one objective")
    if entries is not None and not entries:
        spec.error("required, at least one objective", "objectives")
    given = spec.has("indicator") or spec.has("indicatorRef")
    parts: list[ObjectivePart] = []
    for i, entry in enumerate(entries or []):
        # A composite objective's inline SLI without a name is named like v1alpha's.
        own = _indicator_v1(entry, f"{meta.name}-{i + 1}", service, found) if entry.is_map else None
        if own is not None and slo_indicator is not None:
            entry.error("a composite objective's indicator cannot be combined with spec.indicator")
        indicator = own or slo_indicator
        if indicator is None and entry.is_map and not given:
            entry.error("required: spec.indicator, spec.indicatorRef, or one of the objective's own", "indicator")
        part = read_objective(entry, indicator or "", budgeting, version="v1")
        if entry.is_map:
            entry.finish()
        if part is not None and indicator:
            parts.append(part)
    if service is None or budgeting is None or window is None or None in policies or not entries:
        return
    if len(parts) == len(entries):
        slo = SloPart(meta, service, window, budgeting, tuple(p for p in policies if p), text)
        add_objectives(slo, parts, found)


def _indicator_v1(node: Node, default_name: str, service: str | None, found: Found) -> str | None:
    """The SLI an SLO (or a composite objective) names or defines inline."""
    ref = node.name("indicatorRef", required=False)
    inline = node.map("indicator")
    if ref is not None and inline is not None:
        node.error("expected indicator or indicatorRef, not both")
        return None
    if inline is None:
        return ref
    meta = read_metadata(inline, default_name=default_name)
    spec = inline.map("spec", required=True)
    inline.finish()
    if meta is not None and meta.name == default_name and not NAME_RE.match(default_name):
        inline.error(f"required: '{default_name}' cannot name an indicator ({NAME_RULE})", "metadata")
        return None
    if meta is None or spec is None:
        return None
    indicator = read_indicator(meta, spec, service)
    spec.finish()
    if indicator is None:
        return None
    found.add(indicator, inline.location)
    return indicator.name


def _policy(item: Node, found: Found) -> str | None:
    """An entry of ``alertPolicies``: a name (the v1 schema), ``alertPolicyRef`` or an inline
    AlertPolicy (the README and the SDK)."""
    if isinstance(item.value, str):
        return _plain_name(item)
    if item.is_map and item.has("alertPolicyRef"):
        name = item.name("alertPolicyRef")
        item.finish()
        return name
    if item.is_map and item.has("kind"):
        policy = read_inline(item, "AlertPolicy", found)
        return policy.name if policy is not None else None
    item.error("expected an alert policy name, alertPolicyRef or an inline AlertPolicy")
    return None


def _plain_name(item: Node) -> str | None:
    value = str(item.value)
    if not NAME_RE.match(value):
        item.error(f"'{value}' is not a name slmo can keep: {NAME_RULE}")
        return None
    return value


def read_budgeting(spec: Node, allowed: tuple[str, ...] = tuple(BUDGETING)) -> BudgetingMethod | None:
    value = spec.text("budgetingMethod", required=True)
    if value is None:
        return None
    if value not in allowed:
        spec.error(f"'{value}' is not a budgeting method; expected {', '.join(allowed)}", "budgetingMethod")
        return None
    return BUDGETING[value]


def _window_v1(spec: Node) -> Window | None:
    items = spec.items("timeWindow")
    if items is None:
        spec.note(f"not given; slmo takes {DEFAULT_WINDOW}", "timeWindow")
        return DEFAULT_WINDOW
    if len(items) != 1:
        spec.error(f"expected exactly one time window, got {len(items)}", "timeWindow")
        return None
    item = items[0]
    if not item.is_map:
        item.error("expected a mapping (duration, isRolling, calendar)")
        return None
    duration = item.text("duration", required=True)
    rolling = item.flag("isRolling")
    calendar = item.map("calendar")
    parsed = parse_shorthand(duration) if duration is not None else None
    if duration is not None and parsed is None:
        item.error(f"'{duration}' is not a duration such as 28d, 4w, 1M or 1Q", "duration")
    if not rolling and calendar is None:
        item.error("required when isRolling is not true: startTime and timeZone", "calendar")
    start, zone = read_calendar(calendar) if calendar is not None else (None, None)
    item.finish()
    if parsed is None or (not rolling and (start is None or zone is None)):
        return None
    return Window(length=parsed[0], unit=parsed[1], rolling=bool(rolling), start=start, time_zone=zone)


def read_calendar(node: Node) -> tuple[dt.datetime | None, str | None]:
    """startTime (wall time, no zone) and timeZone (IANA)."""
    node.mark("startTime", "timeZone")
    start: dt.datetime | None = None
    raw = node.value.get("startTime")
    if isinstance(raw, dt.datetime) and raw.tzinfo is None:
        start = raw  # YAML read an unquoted date and time already
    elif isinstance(raw, str):
        try:
            start = dt.datetime.strptime(raw, CALENDAR_FORMAT)
        except ValueError:
            start = None
    if start is None:
        node.error("required: a date and time without zone, like 2022-01-01 12:00:00", "startTime")
    zone = node.text("timeZone", required=True)
    if zone is not None and zone not in _zones():
        node.error(f"'{zone}' is not an IANA time zone such as America/New_York", "timeZone")
        zone = None
    node.finish()
    return start, zone


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def read_objective(
    entry: Node, indicator: str, budgeting: BudgetingMethod | None, *, version: str
) -> ObjectivePart | None:
    if not entry.is_map:
        entry.error("expected a mapping (displayName, target ...)")
        return None
    display = entry.text("displayName")
    target = _target(entry, allow_percent=version == "v1")
    op = entry.text("op")
    if op is not None and op not in OPERATORS:
        entry.error(f"'{op}' is not an operator; expected lt, lte, gt or gte", "op")
    value = entry.number("value")
    slice_target = entry.number("timeSliceTarget")
    if slice_target is not None and not 0 < slice_target <= 1:
        entry.error(f"{slice_target:g} is not in (0, 1]", "timeSliceTarget")
    slice_seconds = _slice_window(entry) if version == "v1" else None
    if version == "v1alpha" and budgeting == BudgetingMethod.TIMESLICES:
        # v1alpha has no timeSliceWindow; a minute is the slice every SDK example uses.
        entry.note("v1alpha gives no time slice; slmo takes 1m", "timeSliceTarget")
        slice_seconds = 60
    if budgeting == BudgetingMethod.TIMESLICES and (slice_seconds is None or slice_target is None):
        entry.error("required with budgetingMethod Timeslices: timeSliceWindow and timeSliceTarget")
        return None
    if budgeting == BudgetingMethod.RATIO_TIMESLICES and slice_seconds is None:
        entry.error("required with budgetingMethod RatioTimeslices", "timeSliceWindow")
        return None
    if target is None or (op is not None and op not in OPERATORS):
        return None
    time_slice = TimeSlice(seconds=slice_seconds, target=slice_target) if slice_seconds is not None else None
    operator = OPERATORS[op] if op is not None else None
    return ObjectivePart(entry, display, indicator, target, time_slice, operator, value)


def _target(entry: Node, *, allow_percent: bool) -> float | None:
    target = entry.number("target")
    percent = entry.number("targetPercent") if allow_percent else None
    if target is not None and percent is not None:
        entry.error("expected target or targetPercent, not both")
        return None
    if percent is not None:
        if not 0 <= percent < 100:
            entry.error(f"{percent:g} is not a percentage in [0, 100)", "targetPercent")
            return None
        # 99.95 / 100 is 0.9995000000000001 in binary floating point; twelve places are plenty.
        return round(percent / 100, 12)
    if target is None:
        entry.error("required: target or targetPercent" if allow_percent else "required", "target")
        return None
    if not 0 <= target < 1:
        entry.error(f"{target:g} is not a ratio in [0, 1)", "target")
        return None
    return target


def _slice_window(entry: Node) -> int | None:
    """timeSliceWindow: a duration, or a number of minutes."""
    node = entry.child("timeSliceWindow")
    if node is None:
        return None
    if isinstance(node.value, int | float) and not isinstance(node.value, bool):
        if node.value <= 0 or node.value * 60 != int(node.value * 60):
            node.error("expected a positive number of minutes, or a duration such as 1m")
            return None
        return int(node.value * 60)
    return shorthand_seconds(entry, "timeSliceWindow")


def add_objectives(slo: SloPart, parts: list[ObjectivePart], found: Found) -> None:
    names = objective_names(slo.meta.name, [p.display for p in parts])
    single = len(parts) == 1
    for part, name in zip(parts, names, strict=True):
        annotations = dict(slo.meta.annotations)
        display = part.display or slo.meta.display_name or slo.meta.name
        if single and slo.meta.display_name:
            display = slo.meta.display_name
            if part.display and part.display != display:
                annotations[OBJECTIVE_DISPLAY_ANNOTATION] = part.display
        elif not single and slo.meta.display_name:
            annotations[SLO_DISPLAY_ANNOTATION] = slo.meta.display_name
        objective = Objective(
            name=name,
            display_name=LocalizedText(en=display),
            indicator=part.indicator,
            target=part.target,
            window=slo.window,
            budgeting=slo.budgeting,
            time_slice=part.time_slice,
            operator=part.operator,
            value=part.value,
            alert_policies=slo.policies,
            description=slo.description,
            labels=slo.meta.labels,
            annotations=annotations,
        )
        found.objectives.append((slo.service, objective, part.node.location))


def objective_names(slo_name: str, displays: list[str | None]) -> list[str]:
    """``slo`` for one objective; ``slo/<displayName>`` (or ``slo/<n>``) for several."""
    if len(displays) == 1:
        return [slo_name]
    usable = [d for d in displays if d]
    names = []
    for i, display in enumerate(displays):
        suffix = display if display and usable.count(display) == 1 else str(i + 1)
        names.append(f"{slo_name}/{suffix}")
    if len(set(names)) != len(names) or not all(OBJECTIVE_NAME_RE.match(n) for n in names):
        return [f"{slo_name}/{i + 1}" for i in range(len(displays))]
    return names
