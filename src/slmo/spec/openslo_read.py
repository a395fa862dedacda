"""OpenSLO documents other than SLOs, read into model objects: Service, DataSource, SLI,
AlertCondition, AlertNotificationTarget and AlertPolicy (spec v1; v1alpha knows only Service).

Rules follow the v1 JSON schema (``schemas/v1`` of the OpenSLO repository) and, where the
schema lagged the spec, the README and the Go SDK: connectionDetails given as a list of
mappings, inline notification targets, ``ratioMetric.raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from slmo.core.model.alerting import AlertCondition, AlertPolicy, NotificationTarget
from slmo.core.model.catalogue import Service
from slmo.core.model.indicator import (
    DataSource,
    Indicator,
    IndicatorKind,
    MetricQuery,
    Operator,
    RatioSpec,
    ThresholdSpec,
)
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.objective import Objective
from slmo.core.model.text import LocalizedText
from slmo.core.ports import LoadedObject
from slmo.errors import Location
from slmo.spec.openslo_reader import NAME_RE, Node, iter_nodes, plain, shorthand_seconds

# OpenSLO v1: descriptions hold at most 1050 characters (parts/description.schema.json).
MAX_DESCRIPTION = 1050
OPERATORS = {op.value: op for op in Operator}
RAW_TYPES = ("success", "failure")


@dataclass
class Found:
    """What the documents of one import defined, in the order met: catalogue objects, and the
    objectives of SLOs with the service each belongs to (they become agreements later)."""

    objects: list[LoadedObject] = field(default_factory=list)
    objectives: list[tuple[str, Objective, Location]] = field(default_factory=list)

    def add(self, obj: CatalogueObject, location: Location) -> None:
        self.objects.append(LoadedObject(obj, location))


@dataclass(frozen=True)
class Meta:
    """``metadata`` of an OpenSLO object."""

    name: str
    display_name: str | None
    labels: dict[str, Any]
    annotations: dict[str, str]

    def display(self) -> LocalizedText:
        return LocalizedText(en=self.display_name or self.name)


def read_metadata(node: Node, *, default_name: str | None = None, rule: re.Pattern[str] = NAME_RE) -> Meta | None:
    """The ``metadata`` of ``node``; an inline indicator may leave the name to its SLO. An SLO's
    name only names objectives, so it follows their looser ``rule``."""
    meta = node.map("metadata", required=default_name is None)
    if meta is None:
        return Meta(default_name, None, {}, {}) if default_name else None
    name = meta.name("name", required=default_name is None, rule=rule) or default_name
    display = meta.text("displayName")
    labels = _labels(meta)
    annotations = meta.string_map("annotations")
    meta.finish()
    return Meta(name, display, labels, annotations) if name else None


def _labels(meta: Node) -> dict[str, Any]:
    """OpenSLO labels: a text or a list of texts per key (kept as given)."""
    node = meta.map("labels")
    if node is None:
        return {}
    labels: dict[str, Any] = {}
    for key in node.fields():
        value = node.value[key]
        texts = isinstance(value, CommentedSeq) and all(isinstance(v, str) for v in value)
        if not (isinstance(value, str) or texts):
            node.error("expected text or a list of texts", key)
            continue
        labels[key] = plain(value)
    return labels


def description(spec: Node) -> LocalizedText | None:
    text = spec.text("description", max_length=MAX_DESCRIPTION)
    return LocalizedText(en=text) if text else None


def read_service(meta: Meta, spec: Node) -> Service:
    return Service(
        name=meta.name,
        display_name=meta.display(),
        description=description(spec),
        labels=meta.labels,
        annotations=meta.annotations,
    )


def read_data_source(meta: Meta, spec: Node) -> DataSource | None:
    kind = spec.text("type", required=True)
    details = spec.child("connectionDetails", required=True)
    connection = _connection(details) if details is not None else None
    if kind is None or connection is None:
        return None
    return DataSource(
        name=meta.name,
        display_name=meta.display(),
        type=kind,
        connection=connection,
        description=description(spec),
        labels=meta.labels,
        annotations=meta.annotations,
    )


def _connection(node: Node) -> dict[str, Any] | None:
    """connectionDetails as a mapping. The SDK examples write a list of one-key mappings
    (``- url: ...``); their keys are merged, which keeps everything unless a key repeats."""
    if isinstance(node.value, CommentedMap):
        return dict(plain(node.value))
    if isinstance(node.value, CommentedSeq) and all(isinstance(v, CommentedMap) for v in node.value):
        merged: dict[str, Any] = {}
        for item in node.value:
            for key, value in item.items():
                if str(key) in merged:
                    node.error(f"key '{key}' given twice; expected each connection detail once")
                    return None
                merged[str(key)] = plain(value)
        return merged
    node.error("expected a mapping of connection details")
    return None


def read_indicator(meta: Meta, spec: Node, service: str | None) -> Indicator | None:
    """An SLI spec (standalone, or inline in an SLO of ``service``)."""
    threshold_node = spec.map("thresholdMetric")
    ratio_node = spec.map("ratioMetric")
    text = description(spec)
    if (threshold_node is None) == (ratio_node is None):
        spec.error("expected exactly one of thresholdMetric and ratioMetric")
        return None
    common: dict[str, Any] = {
        "name": meta.name,
        "display_name": meta.display(),
        "service": service,
        "description": text,
        "labels": meta.labels,
        "annotations": meta.annotations,
    }
    if threshold_node is not None:
        metric = read_metric(threshold_node)
        threshold_node.finish()
        if metric is None:
            return None
        return Indicator(kind=IndicatorKind.THRESHOLD, threshold=ThresholdSpec(metric=metric), **common)
    assert ratio_node is not None
    ratio = _ratio(ratio_node)
    ratio_node.finish()
    return None if ratio is None else Indicator(kind=IndicatorKind.RATIO, ratio=ratio, **common)


def _ratio(node: Node) -> RatioSpec | None:
    counter = node.flag("counter")
    parts = {key: node.map(key) for key in ("good", "bad", "total", "raw")}
    raw_type = node.text("rawType")
    if parts["good"] is not None and parts["bad"] is not None:
        node.error("expected good or bad, not both")
        return None
    if parts["raw"] is not None:
        if any(parts[k] is not None for k in ("good", "bad", "total")):
            node.error("expected raw alone, or good (or bad) with total")
            return None
        if raw_type not in RAW_TYPES:
            node.error("required with raw: success or failure", "rawType")
            return None
    elif parts["total"] is None or (parts["good"] is None and parts["bad"] is None):
        node.error("expected good (or bad) with total, or raw with rawType")
        return None
    elif raw_type is not None:
        node.error("only used with raw", "rawType")
        return None
    queries: dict[str, MetricQuery | None] = {}
    for key, part in parts.items():
        queries[key] = read_metric(part) if part is not None else None
        if part is not None:
            part.finish()
            if queries[key] is None:
                return None
    return RatioSpec(counter=counter, raw_type=raw_type, **queries)


def read_metric(node: Node) -> MetricQuery | None:
    """``{metricSource: {metricSourceRef, type, spec}}``."""
    source = node.map("metricSource", required=True)
    if source is None:
        return None
    ref = source.name("metricSourceRef", required=False)
    kind = source.text("type")
    spec = source.map("spec", required=True)
    source.finish()
    if spec is None:
        return None
    return MetricQuery(type=kind, source=ref, spec=dict(plain(spec.value)))


def read_alert_condition(meta: Meta, spec: Node) -> AlertCondition | None:
    severity = spec.text("severity", required=True)
    condition = spec.map("condition", required=True)
    text = description(spec)
    if condition is None or severity is None:
        return None
    kind = condition.text("kind") or "burnrate"
    if kind != "burnrate":
        condition.error(f"'{kind}' is not a condition kind slmo knows; expected burnrate", "kind")
    op = condition.text("op")
    if op is None:
        # The schema-test inline condition leaves `op` out; a burn-rate alert fires when the
        # rate reaches its threshold, so that is the only reading that can work.
        condition.note("not given; slmo takes gte (alert when the burn rate reaches the threshold)", "op")
        op = "gte"
    elif op not in OPERATORS:
        condition.error(f"'{op}' is not an operator; expected lt, lte, gt or gte", "op")
    threshold = condition.number("threshold", required=True)
    lookback = shorthand_seconds(condition, "lookbackWindow", required=True)
    after = shorthand_seconds(condition, "alertAfter")
    condition.finish()
    if threshold is None or lookback is None or op not in OPERATORS or kind != "burnrate":
        return None
    return AlertCondition(
        name=meta.name,
        display_name=meta.display(),
        severity=severity,
        operator=OPERATORS[op],
        threshold=threshold,
        lookback_seconds=lookback,
        alert_after_seconds=after,
        kind=kind,
        description=text,
        labels=meta.labels,
        annotations=meta.annotations,
    )


def read_notification_target(meta: Meta, spec: Node) -> NotificationTarget | None:
    target = spec.text("target", required=True)
    text = description(spec)
    if target is None:
        return None
    return NotificationTarget(
        name=meta.name,
        display_name=meta.display(),
        target=target,
        description=text,
        labels=meta.labels,
        annotations=meta.annotations,
    )


def read_alert_policy(meta: Meta, spec: Node, found: Found) -> AlertPolicy | None:
    """An AlertPolicy; inline conditions and targets become objects of their own in ``found``."""
    flags = {key: spec.flag(key) for key in ("alertWhenNoData", "alertWhenResolved", "alertWhenBreaching")}
    conditions = spec.items("conditions", required=True, what="at least one condition")
    targets = spec.items("notificationTargets", required=True, what="at least one notification target")
    text = description(spec)
    if conditions is not None and not conditions:
        spec.error("required, at least one condition", "conditions")
    if conditions is not None and len(conditions) > 1:
        spec.error(f"at most one condition (OpenSLO v1 allows a single one), got {len(conditions)}", "conditions")
    if targets is not None and not targets:
        spec.error("required, at least one notification target", "notificationTargets")
    condition_names = [_ref_or_inline(item, "conditionRef", "AlertCondition", found) for item in iter_nodes(conditions)]
    target_names = [_ref_or_inline(item, "targetRef", "AlertNotificationTarget", found) for item in iter_nodes(targets)]
    if not conditions or not targets or None in condition_names or None in target_names:
        return None
    # Absent flags are false, as in the OpenSLO Go SDK (plain bools with omitempty).
    return AlertPolicy(
        name=meta.name,
        display_name=meta.display(),
        conditions=tuple(n for n in condition_names if n),
        notification_targets=tuple(n for n in target_names if n),
        alert_when_no_data=bool(flags["alertWhenNoData"]),
        alert_when_resolved=bool(flags["alertWhenResolved"]),
        alert_when_breaching=bool(flags["alertWhenBreaching"]),
        description=text,
        labels=meta.labels,
        annotations=meta.annotations,
    )


def _ref_or_inline(item: Node, ref_key: str, kind: str, found: Found) -> str | None:
    """The name an item refers to (``conditionRef: x``) or defines inline (kind, metadata, spec)."""
    if not item.is_map:
        item.error(f"expected {ref_key} or an inline {kind} (kind, metadata, spec)")
        return None
    inline_keys = [k for k in ("kind", "metadata", "spec") if item.has(k)]
    if item.has(ref_key) and inline_keys:
        item.error(f"expected {ref_key} or an inline {kind}, not both")
        return None
    if item.has(ref_key):
        name = item.name(ref_key)
        item.finish()
        return name
    if len(inline_keys) < 3:
        item.error(f"expected {ref_key} or an inline {kind} (kind, metadata, spec)")
        return None
    obj = read_inline(item, kind, found)
    return obj.name if obj is not None else None


def read_inline(item: Node, kind: str, found: Found) -> CatalogueObject | None:
    """An object written inside another (``kind``, ``metadata``, ``spec``), added to ``found``."""
    given = item.text("kind", required=True)
    if given != kind:
        item.error(f"expected {kind}", "kind")
        return None
    meta = read_metadata(item)
    spec = item.map("spec", required=True)
    item.finish()
    if meta is None or spec is None:
        return None
    obj: CatalogueObject | None
    if kind == "AlertCondition":
        obj = read_alert_condition(meta, spec)
    elif kind == "AlertNotificationTarget":
        obj = read_notification_target(meta, spec)
    else:
        obj = read_alert_policy(meta, spec, found)
    spec.finish()
    if obj is not None:
        found.add(obj, item.location)
    return obj
