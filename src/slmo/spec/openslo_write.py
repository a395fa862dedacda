"""Model objects written as OpenSLO v1 documents, so that reading them back gives equal objects.

- An indicator of a service is written inline in the SLOs that use it (the SLO's service is the
  indicator's); an indicator of no service is a standalone SLI that SLOs name in indicatorRef.
- The objectives of an agreement version (the active one, else the latest) become SLOs; a run
  of objectives read from one multi-objective SLO (``slo/<displayName>`` ...) is written back as
  that SLO, any other objective as an SLO of its own named after it.
- ``alertPolicies`` lists names, as the v1 JSON schema requires (not ``alertPolicyRef``).
- OpenSLO allows one condition per alert policy: a policy with several is written as
  ``<policy>-1`` ... ``<policy>-n``.
What OpenSLO cannot express (parties, calendars, agreement kinds, availability and ticket
indicators, Arabic texts ...) is left out and listed in ``Exported.left_out``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from slmo.core.model.agreement import Agreement
from slmo.core.model.alerting import AlertCondition, AlertPolicy, NotificationTarget
from slmo.core.model.catalogue import Service
from slmo.core.model.indicator import DataSource, Indicator, IndicatorKind, MetricQuery
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.core.model.objective import Window
from slmo.core.model.text import LocalizedText
from slmo.errors import Problem
from slmo.spec.openslo_reader import seconds_shorthand
from slmo.spec.openslo_slo import CALENDAR_FORMAT
from slmo.spec.openslo_write_slo import agreement_slos, label_value, yaml_number

API_VERSION = "openslo/v1"
LEFT_OUT = "export.left_out"
# OpenSLO needs a calendar window's start; this one is a Monday and the first of a year.
CALENDAR_ANCHOR = "2024-01-01 00:00:00"
_ORDER = ("Service", "DataSource", "SLI", "AlertCondition", "AlertNotificationTarget", "AlertPolicy", "SLO")


@dataclass(frozen=True)
class Exported:
    """OpenSLO text, and what could not be written in it."""

    text: str
    left_out: list[Problem] = field(default_factory=list)


def dump_openslo(objects: Sequence[CatalogueObject]) -> Exported:
    writer = Writer(objects)
    documents = writer.documents()
    return Exported(text=to_yaml(documents), left_out=writer.left_out)


def to_yaml(documents: Sequence[Mapping[str, Any]]) -> str:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump_all([_literal(d) for d in documents], out)
    return out.getvalue()


def _literal(value: Any) -> Any:
    """Multi-line text (queries) as ``|`` blocks, where YAML can keep it exactly."""
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    exact = isinstance(value, str) and not any(line != line.rstrip() for line in value.split("\n"))
    if exact and "\n" in value.rstrip("\n") and value.endswith("\n"):
        return LiteralScalarString(value)
    return value


class Writer:
    def __init__(self, objects: Sequence[CatalogueObject]) -> None:
        self.objects = list(objects)
        self.left_out: list[Problem] = []
        self.indicators = {o.name: o for o in objects if isinstance(o, Indicator)}
        # Each SLI spec once (None: OpenSLO cannot express it), so that each is noted once.
        self.sli_specs = {name: self.sli(o) for name, o in self.indicators.items()}
        self.inline: set[str] = set()  # indicators written inside SLOs
        self.policies: dict[str, list[str]] = {}  # policy name -> names written

    def leave_out(self, obj: CatalogueObject, path: str, why: str) -> None:
        where = f"{kind_of(obj)}/{obj.name}" + (f".{path}" if path else "")
        problem = Problem(None, where, why, key=LEFT_OUT)
        # An object written more than once (inline SLIs, split policies) is noted once.
        if problem not in self.left_out:
            self.left_out.append(problem)

    def documents(self) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        for obj in self.objects:
            if isinstance(obj, AlertPolicy):
                docs.extend(self.policy(obj))
        slos = [slo for obj in self.objects if isinstance(obj, Agreement) for slo in agreement_slos(self, obj)]
        for obj in self.objects:
            doc = self.document(obj)
            if doc is not None:
                docs.append(doc)
        docs.extend(slos)
        return sorted(docs, key=lambda d: _ORDER.index(d["kind"]))

    def document(self, obj: CatalogueObject) -> dict[str, Any] | None:
        if isinstance(obj, Service):
            return self.service(obj)
        if isinstance(obj, DataSource):
            source = {"type": obj.type, "connectionDetails": dict(obj.connection)}
            return self.doc("DataSource", obj, source, self.description(obj, obj.description))
        if isinstance(obj, Indicator):
            spec = self.sli_specs[obj.name]
            if obj.name in self.inline or spec is None:
                return None
            if obj.service is not None:
                self.leave_out(obj, "service", "an OpenSLO SLI belongs to no service; used by no SLO written here")
            return self.doc("SLI", obj, spec, self.description(obj, obj.description))
        if isinstance(obj, AlertCondition):
            return self.condition(obj)
        if isinstance(obj, NotificationTarget):
            spec = {"target": obj.target}
            return self.doc("AlertNotificationTarget", obj, spec, self.description(obj, obj.description))
        if not isinstance(obj, Agreement | AlertPolicy):
            self.leave_out(obj, "", f"OpenSLO has no {kind_of(obj)}")
        return None

    def metadata(
        self, obj: Any, name: str | None = None, annotations: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name or obj.name}
        display: LocalizedText | None = getattr(obj, "display_name", None)
        if display is not None and display.en != meta["name"]:
            meta["displayName"] = display.en
        self.english_only(obj, "displayName", display)
        if obj.labels:
            meta["labels"] = {str(k): label_value(v) for k, v in obj.labels.items()}
        annotations = obj.annotations if annotations is None else annotations
        if annotations:
            meta["annotations"] = dict(annotations)
        return meta

    def description(self, obj: CatalogueObject, text: LocalizedText | None) -> dict[str, str]:
        """``{"description": ...}`` to begin a spec with, or nothing."""
        self.english_only(obj, "description", text)
        return {"description": text.en} if text is not None else {}

    def english_only(self, obj: CatalogueObject, path: str, text: LocalizedText | None) -> None:
        if text is not None and text.ar:
            self.leave_out(obj, f"{path}.ar", "OpenSLO texts are in one language")

    def doc(self, kind: str, obj: Any, spec: dict[str, Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "apiVersion": API_VERSION,
            "kind": kind,
            "metadata": self.metadata(obj),
            "spec": {**(extra or {}), **spec},
        }

    def service(self, obj: Service) -> dict[str, Any]:
        for path, value in (
            ("owner", obj.owner),
            ("tier", obj.tier),
            ("dependsOn.services", obj.depends_on_services),
            ("dependsOn.suppliers", obj.depends_on_suppliers),
        ):
            if value:
                self.leave_out(obj, path, "OpenSLO services have no such field")
        return self.doc("Service", obj, {}, self.description(obj, obj.description))

    def sli(self, obj: Indicator) -> dict[str, Any] | None:
        """The SLI spec, or ``None`` (noted) when OpenSLO cannot express the indicator."""
        if obj.bucket_seconds != 60:
            self.leave_out(obj, "bucketSeconds", "OpenSLO SLIs have no bucket size")
        t = obj.threshold
        if obj.kind == IndicatorKind.THRESHOLD and t is not None and t.metric is not None:
            if t.operator or t.value is not None or t.unit:
                self.leave_out(obj, "threshold", "OpenSLO keeps op and value in the objectives, not the SLI")
            return {"thresholdMetric": _metric(t.metric)}
        ratio = obj.ratio
        if obj.kind == IndicatorKind.RATIO and ratio and (ratio.raw or (ratio.total and (ratio.good or ratio.bad))):
            spec: dict[str, Any] = {} if ratio.counter is None else {"counter": ratio.counter}
            for key, query in (("good", ratio.good), ("bad", ratio.bad), ("total", ratio.total), ("raw", ratio.raw)):
                if query is not None:
                    spec[key] = _metric(query)
            if ratio.raw_type is not None:
                spec["rawType"] = ratio.raw_type
            return {"ratioMetric": spec}
        self.leave_out(obj, "", f"OpenSLO cannot express a {obj.kind.value} indicator without queries")
        return None

    def condition(self, obj: AlertCondition) -> dict[str, Any]:
        condition: dict[str, Any] = {
            "kind": obj.kind,
            "op": obj.operator.value,
            "threshold": yaml_number(obj.threshold),
            "lookbackWindow": self.minutes(obj, "lookbackWindow", obj.lookback_seconds),
        }
        if obj.alert_after_seconds is not None:
            condition["alertAfter"] = self.minutes(obj, "alertAfter", obj.alert_after_seconds)
        spec = {"severity": obj.severity, "condition": condition}
        return self.doc("AlertCondition", obj, spec, self.description(obj, obj.description))

    def minutes(self, obj: CatalogueObject, path: str, seconds: int) -> str:
        if seconds % 60:
            self.leave_out(obj, path, f"OpenSLO durations are whole minutes; {seconds} s written rounded up")
        return seconds_shorthand(max(60, -(-seconds // 60) * 60))

    def policy(self, obj: AlertPolicy) -> list[dict[str, Any]]:
        if not obj.conditions or not obj.notification_targets:
            missing = "condition" if not obj.conditions else "notification target"
            self.leave_out(obj, "", f"OpenSLO needs an alert policy to have a {missing}; left out with its references")
            self.policies[obj.name] = []
            return []
        names = [obj.name] if len(obj.conditions) == 1 else [f"{obj.name}-{i + 1}" for i in range(len(obj.conditions))]
        if len(names) > 1:
            self.leave_out(obj, "conditions", f"OpenSLO allows one condition per policy; written as {', '.join(names)}")
        self.policies[obj.name] = names
        docs = []
        for name, condition in zip(names, obj.conditions, strict=True):
            spec = {
                "alertWhenNoData": obj.alert_when_no_data,
                "alertWhenResolved": obj.alert_when_resolved,
                "alertWhenBreaching": obj.alert_when_breaching,
                "conditions": [{"conditionRef": condition}],
                "notificationTargets": [{"targetRef": t} for t in obj.notification_targets],
            }
            extra = self.description(obj, obj.description)
            docs.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "AlertPolicy",
                    "metadata": self.metadata(obj, name),
                    "spec": {**extra, **spec},
                }
            )
        return docs

    def policy_names(self, names: Sequence[str]) -> list[str]:
        return [written for name in names for written in self.policies.get(name, [name])]

    def window(self, obj: Agreement, path: str, window: Window) -> dict[str, Any]:
        item: dict[str, Any] = {"duration": f"{window.length}{window.unit.value}", "isRolling": window.rolling}
        if window.start is not None or window.time_zone is not None or not window.rolling:
            if window.start is None or window.time_zone is None:
                self.leave_out(
                    obj, path, f"a calendar window needs a start and a time zone; written as {CALENDAR_ANCHOR} UTC"
                )
            start = window.start.strftime(CALENDAR_FORMAT) if window.start else CALENDAR_ANCHOR
            item["calendar"] = {"startTime": start, "timeZone": window.time_zone or "UTC"}
        return item


def _metric(query: MetricQuery) -> dict[str, Any]:
    source: dict[str, Any] = {}
    if query.source is not None:
        source["metricSourceRef"] = query.source
    if query.type is not None:
        source["type"] = query.type
    source["spec"] = dict(query.spec)
    return {"metricSource": source}
