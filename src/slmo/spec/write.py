"""Core model objects to slmo/v1 documents (plain mappings), leaving defaults out so that the
YAML people read stays short, and ``apply`` of the result gives back equal objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slmo.core import model as m
from slmo.core.model.duration import format_duration
from slmo.core.model.kinds import kind_of
from slmo.core.model.probe import DEFAULT_PROBE_TIMEOUT_SECONDS
from slmo.core.model.procedure import Procedure

_BUDGETING_WORDS = {
    m.BudgetingMethod.OCCURRENCES: "occurrences",
    m.BudgetingMethod.TIMESLICES: "timeslices",
    m.BudgetingMethod.RATIO_TIMESLICES: "ratioTimeslices",
}
_CALENDAR_WORDS = {
    m.WindowUnit.WEEK: "week",
    m.WindowUnit.MONTH: "month",
    m.WindowUnit.QUARTER: "quarter",
    m.WindowUnit.YEAR: "year",
}


def _compact(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None or an empty collection."""
    return {k: v for k, v in mapping.items() if v is not None and v not in ({}, [])}


def _text(text: m.LocalizedText | None) -> Any:
    if text is None:
        return None
    return _compact({"en": text.en, "ar": text.ar})


def _query(q: m.MetricQuery | None) -> dict[str, Any] | None:
    return None if q is None else _compact({"type": q.type, "source": q.source, "spec": dict(q.spec)})


def to_document(obj: m.CatalogueObject) -> dict[str, Any]:
    kind = kind_of(obj)
    labels = getattr(obj, "labels", {})
    annotations = getattr(obj, "annotations", {})
    display = (
        None
        if obj.display_name is None or obj.display_name == m.LocalizedText(en=obj.name)
        else _text(obj.display_name)
    )
    metadata = _compact(
        {"name": obj.name, "displayName": display, "labels": dict(labels), "annotations": dict(annotations)}
    )
    return {"apiVersion": "slmo/v1", "kind": kind, "metadata": metadata, "spec": _spec(obj)}


def _spec(obj: m.CatalogueObject) -> dict[str, Any]:
    if isinstance(obj, m.Party):
        return _compact(
            {
                "type": obj.type.value,
                "description": _text(obj.description),
                "contacts": [
                    _compact(
                        {
                            "name": c.name,
                            "role": c.role,
                            "email": c.email,
                            "phone": c.phone,
                            "lang": None if c.lang == "en" else c.lang,
                            "channels": list(c.channels),
                            "level": None if c.level == 1 else c.level,
                        }
                    )
                    for c in obj.contacts
                ],
            }
        )
    if isinstance(obj, m.Service):
        return _compact(
            {
                "owner": obj.owner,
                "tier": obj.tier,
                "description": _text(obj.description),
                "dependsOn": _compact(
                    {"services": list(obj.depends_on_services), "suppliers": list(obj.depends_on_suppliers)}
                ),
            }
        )
    if isinstance(obj, m.Calendar):
        return _calendar(obj)
    if isinstance(obj, m.DataSource):
        return _compact({"type": obj.type, "connection": dict(obj.connection), "description": _text(obj.description)})
    if isinstance(obj, m.Indicator):
        return _indicator(obj)
    if isinstance(obj, m.AlertCondition):
        return _compact(
            {
                "severity": obj.severity,
                "kind": None if obj.kind == "burnrate" else obj.kind,
                "op": obj.operator.value,
                "threshold": obj.threshold,
                "lookbackWindow": format_duration(obj.lookback_seconds),
                "shortLookbackWindow": None
                if obj.short_lookback_seconds is None
                else format_duration(obj.short_lookback_seconds),
                "alertAfter": None if obj.alert_after_seconds is None else format_duration(obj.alert_after_seconds),
                "description": _text(obj.description),
            }
        )
    if isinstance(obj, m.NotificationTarget):
        return _compact({"target": obj.target, "description": _text(obj.description)})
    if isinstance(obj, m.AlertPolicy):
        return _compact(
            {
                "conditions": list(obj.conditions),
                "notificationTargets": list(obj.notification_targets),
                "alertWhenNoData": obj.alert_when_no_data or None,
                "alertWhenResolved": obj.alert_when_resolved or None,
                "alertWhenBreaching": None if obj.alert_when_breaching else False,
                "escalateAfter": None
                if obj.escalate_after_seconds is None
                else format_duration(obj.escalate_after_seconds),
                "description": _text(obj.description),
            }
        )
    if isinstance(obj, Procedure):
        return _compact(
            {
                "type": obj.kind.value,
                "owner": obj.owner,
                "services": list(obj.services),
                "review": {"everyMonths": obj.review.months},
                "nextReview": obj.next_review,
                "location": obj.location,
                "description": _text(obj.description),
            }
        )
    return _agreement(obj)


def _calendar(c: m.Calendar) -> dict[str, Any]:
    hours: Any = "24x7" if c.hours is None else {day.short: [str(r) for r in ranges] for day, ranges in c.hours}
    dates = []
    for h in c.holiday_dates:
        span: dict[str, Any] = {"date": h.start} if h.start == h.end else {"from": h.start, "to": h.end}
        dates.append(
            _compact({**span, "name": h.name, "hours": None if h.hours is None else [str(r) for r in h.hours]})
        )
    exclusions = [
        _compact(
            {
                "start": e.start,
                "end": e.end,
                "rrule": e.rrule,
                "duration": None if e.duration_seconds is None else format_duration(e.duration_seconds),
                "reason": e.reason,
            }
        )
        for e in c.exclusions
    ]
    return _compact(
        {
            "timeZone": c.time_zone,
            "hours": hours,
            "holidays": _compact(
                {
                    "countries": [
                        _compact({"country": h.country, "subdivision": h.subdivision}) for h in c.holiday_countries
                    ],
                    "dates": dates,
                }
            ),
            "exclusions": exclusions,
            "description": _text(c.description),
        }
    )


def _indicator(i: m.Indicator) -> dict[str, Any]:
    return _compact(
        {
            "service": i.service,
            "kind": i.kind.value,
            "bucket": None if i.bucket_seconds == 60 else format_duration(i.bucket_seconds),
            "description": _text(i.description),
            "ratio": None
            if i.ratio is None
            else _compact(
                {
                    "good": _query(i.ratio.good),
                    "bad": _query(i.ratio.bad),
                    "total": _query(i.ratio.total),
                    "raw": _query(i.ratio.raw),
                    "rawType": i.ratio.raw_type,
                    "counter": i.ratio.counter,
                }
            ),
            "threshold": None
            if i.threshold is None
            else _compact(
                {
                    "metric": _query(i.threshold.metric),
                    "op": None if i.threshold.operator is None else i.threshold.operator.value,
                    "value": i.threshold.value,
                    "unit": i.threshold.unit,
                }
            ),
            "availability": None
            if i.availability is None
            else _compact(
                {
                    "probes": i.availability.probes,
                    "incidents": i.availability.incidents,
                    "degradedIsDown": i.availability.degraded_is_down,
                    "probe": _probe(i.availability.probe),
                }
            ),
            "ticket": None
            if i.ticket is None
            else _compact({"clock": i.ticket.clock.value, "priorities": list(i.ticket.priorities)}),
        }
    )


def _seconds(value: float) -> float | int:
    # 10.0 is written 10, as people write it.
    return int(value) if value == int(value) else value


def _probe(p: m.ProbeSpec | None) -> dict[str, Any] | None:
    if p is None:
        return None
    http, tcp = p.http, p.tcp
    timeout = None if p.timeout_seconds == DEFAULT_PROBE_TIMEOUT_SECONDS else _seconds(p.timeout_seconds)
    return _compact(
        {
            "http": None
            if http is None
            else _compact(
                {
                    "url": http.url,
                    "method": None if http.method == "GET" else http.method,
                    "expectStatus": list(http.expect_status),
                    "bodyMatch": http.body_match,
                    "timeoutSeconds": timeout,
                    "certificateWarningDays": http.certificate_warning_days,
                    "headers": dict(http.headers),
                    "followRedirects": http.follow_redirects or None,
                    "tlsVerify": None if http.tls_verify else False,
                    "caFile": http.ca_file,
                }
            ),
            "tcp": None if tcp is None else _compact({"host": tcp.host, "port": tcp.port, "timeoutSeconds": timeout}),
            "every": format_duration(p.every_seconds),
        }
    )


def _window(w: m.Window) -> dict[str, Any]:
    if w.rolling:
        form: dict[str, Any] = {"rolling": f"{w.length}{w.unit.value}"}
    elif w.length == 1 and w.unit in _CALENDAR_WORDS:
        form = {"calendar": _CALENDAR_WORDS[w.unit]}
    else:
        form = {"calendar": f"{w.length}{w.unit.value}"}
    return _compact({**form, "timeZone": w.time_zone, "start": w.start})


def _objective(o: m.Objective) -> dict[str, Any]:
    return _compact(
        {
            "name": o.name,
            "displayName": None if o.display_name == m.LocalizedText(en=o.name) else _text(o.display_name),
            "description": _text(o.description),
            "indicator": o.indicator,
            "target": o.target,
            "window": _window(o.window),
            "budgeting": None if o.budgeting == m.BudgetingMethod.OCCURRENCES else _BUDGETING_WORDS[o.budgeting],
            "timeSlice": None
            if o.time_slice is None
            else _compact({"size": format_duration(o.time_slice.seconds), "target": o.time_slice.target}),
            "op": None if o.operator is None else o.operator.value,
            "value": o.value,
            "calendar": o.calendar,
            "maintenance": None if o.maintenance == m.MaintenancePolicy.EXCLUDE else o.maintenance.value,
            "alertPolicies": list(o.alert_policies),
            "labels": dict(o.labels),
            "annotations": dict(o.annotations),
            "tickets": None if o.tickets is None else _tickets(o.tickets),
        }
    )


def _tickets(t: m.TicketTargets) -> dict[str, Any]:
    defaults = m.TicketTargets()
    policies = {
        "priorityChange": t.policies.priority_change.value,
        "reopen": t.policies.reopen.value,
        "attached": t.policies.attached.value,
    }
    return _compact(
        {
            "unit": t.unit.value,
            "targets": {k: v if t.unit.counts_days else format_duration(v) for k, v in t.targets.items()},
            "pauseStatuses": list(t.pause_statuses),
            "newStatuses": None if t.new_statuses == defaults.new_statuses else list(t.new_statuses),
            "resolvedStatuses": None
            if t.resolved_statuses == defaults.resolved_statuses
            else list(t.resolved_statuses),
            "policies": {k: v for k, v in policies.items() if v != getattr(defaults.policies, _POLICY_FIELDS[k]).value},
            "warnings": None if t.warnings == defaults.warnings else list(t.warnings),
        }
    )


_POLICY_FIELDS = {"priorityChange": "priority_change", "reopen": "reopen", "attached": "attached"}


def _penalty(p: m.TicketPenalty) -> dict[str, Any]:
    return _compact(
        {
            "objective": p.objective,
            "rate": p.rate,
            "currency": p.currency,
            "per": format_duration(p.per_seconds),
            "allowance": format_duration(p.allowance_seconds) if p.allowance_seconds else None,
            "cap": p.cap,
            "period": None if p.period == "month" else p.period,
            "rounding": None if p.rounding is m.PenaltyRounding.EXACT else p.rounding.value,
        }
    )


def _agreement(a: m.Agreement) -> dict[str, Any]:
    versions = []
    for v in a.versions:
        versions.append(
            _compact(
                {
                    "version": v.number,
                    "state": v.state.value,
                    "effective": _compact({"from": v.effective_from, "to": v.effective_to}),
                    "calendar": v.calendar,
                    "charge": None
                    if v.charge is None
                    else {"amount": v.charge.amount, "currency": v.charge.currency, "period": v.charge.period},
                    "review": None if v.review is None else {"everyMonths": v.review.months},
                    "credits": None
                    if v.credit_schedule is None
                    else {
                        "cap": v.credit_schedule.cap,
                        "tiers": [
                            _compact({"below": t.below, "atLeast": t.at_least, "credit": t.credit})
                            for t in v.credit_schedule.tiers
                        ],
                    },
                    "penalties": [_penalty(p) for p in v.penalties],
                    "claims": None if v.claims is None else {"withinDays": v.claims.within_days},
                    "notes": v.notes,
                    "objectives": [_objective(o) for o in v.objectives],
                }
            )
        )
    return _compact(
        {
            "type": a.kind.value,
            "description": _text(a.description),
            "parties": [
                _compact({"party": p.party, "role": p.role.value, "signatory": p.signatory}) for p in a.parties
            ],
            "services": list(a.services),
            "versions": versions,
        }
    )
