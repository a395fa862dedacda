"""Validated slmo/v1 documents to core model objects, and model objects back to documents.

``to_document(to_model(doc)) == doc`` up to defaults, which is what makes ``slmo export``
output apply unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dateutil.rrule import rrulestr
from pydantic_core import PydanticCustomError

from slmo.core import model as m
from slmo.core.model.procedure import Procedure, ProcedureKind
from slmo.spec import documents as d
from slmo.spec.fields import Texts, parse_time_range

_WEEKDAYS = {w.short: w for w in m.Weekday}
_CALENDAR_UNITS = {
    "week": m.WindowUnit.WEEK,
    "month": m.WindowUnit.MONTH,
    "quarter": m.WindowUnit.QUARTER,
    "year": m.WindowUnit.YEAR,
}
_BUDGETING = {
    "occurrences": m.BudgetingMethod.OCCURRENCES,
    "timeslices": m.BudgetingMethod.TIMESLICES,
    "ratioTimeslices": m.BudgetingMethod.RATIO_TIMESLICES,
}


@dataclass
class Finding:
    """A semantic problem found while converting: its path inside the document and its message."""

    path: tuple[str | int, ...]
    key: str
    message: str
    args: dict[str, Any] = field(default_factory=dict)


def _text(texts: Texts | None) -> m.LocalizedText | None:
    return None if texts is None else m.LocalizedText(en=texts.en, ar=texts.ar)


def _display(doc: d.Document) -> m.LocalizedText:
    return _text(doc.metadata.displayName) or m.LocalizedText(en=doc.metadata.name)


def to_model(doc: d.Document) -> tuple[m.CatalogueObject, list[Finding]]:
    findings: list[Finding] = []
    meta = doc.metadata
    common: dict[str, Any] = {"name": meta.name, "display_name": _display(doc)}
    obj: m.CatalogueObject
    if isinstance(doc, d.PartyDocument):
        s = doc.spec
        obj = m.Party(
            **common,
            type=m.PartyType(s.type),
            description=_text(s.description),
            labels=dict(meta.labels),
            contacts=tuple(
                m.Contact(
                    name=c.name,
                    role=c.role,
                    email=c.email,
                    phone=c.phone,
                    lang=c.lang,
                    channels=tuple(c.channels),
                    level=c.level,
                )
                for c in s.contacts
            ),
        )
    elif isinstance(doc, d.ServiceDocument):
        sv = doc.spec
        obj = m.Service(
            **common,
            owner=sv.owner,
            tier=sv.tier,
            description=_text(sv.description),
            depends_on_services=tuple(sv.dependsOn.services),
            depends_on_suppliers=tuple(sv.dependsOn.suppliers),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
        if meta.name in sv.dependsOn.services:
            index = sv.dependsOn.services.index(meta.name)
            findings.append(
                Finding(
                    ("spec", "dependsOn", "services", index), "self_dependency", "a service cannot depend on itself"
                )
            )
    elif isinstance(doc, d.CalendarDocument):
        obj = _calendar(doc, common, findings)
    elif isinstance(doc, d.DataSourceDocument):
        obj = m.DataSource(
            **common,
            type=doc.spec.type,
            connection=dict(doc.spec.connection),
            description=_text(doc.spec.description),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
    elif isinstance(doc, d.IndicatorDocument):
        obj = _indicator(doc, common)
    elif isinstance(doc, d.AlertConditionDocument):
        c = doc.spec
        obj = m.AlertCondition(
            **common,
            severity=c.severity,
            kind=c.kind,
            operator=m.Operator(c.op),
            threshold=c.threshold,
            lookback_seconds=c.lookbackWindow,
            short_lookback_seconds=c.shortLookbackWindow,
            alert_after_seconds=c.alertAfter,
            description=_text(c.description),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
    elif isinstance(doc, d.NotificationTargetDocument):
        obj = m.NotificationTarget(
            **common,
            target=doc.spec.target,
            description=_text(doc.spec.description),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
    elif isinstance(doc, d.AlertPolicyDocument):
        p = doc.spec
        obj = m.AlertPolicy(
            **common,
            conditions=tuple(p.conditions),
            notification_targets=tuple(p.notificationTargets),
            alert_when_no_data=p.alertWhenNoData,
            alert_when_resolved=p.alertWhenResolved,
            alert_when_breaching=p.alertWhenBreaching,
            escalate_after_seconds=p.escalateAfter,
            description=_text(p.description),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
    elif isinstance(doc, d.AgreementDocument):
        obj = _agreement(doc, common, findings)
    elif isinstance(doc, d.ProcedureDocument):
        ps = doc.spec
        obj = Procedure(
            **common,
            kind=ProcedureKind(ps.type),
            owner=ps.owner,
            review=m.ReviewCadence(months=ps.review.everyMonths),
            services=tuple(ps.services),
            next_review=ps.nextReview,
            location=ps.location,
            description=_text(ps.description),
            labels=dict(meta.labels),
            annotations=dict(meta.annotations),
        )
    else:  # pragma: no cover - the discriminated union admits nothing else
        raise TypeError(type(doc).__name__)
    return obj, findings


def _calendar(doc: d.CalendarDocument, common: dict[str, Any], findings: list[Finding]) -> m.Calendar:
    s = doc.spec
    hours: tuple[tuple[m.Weekday, tuple[m.TimeRange, ...]], ...] | None = None
    if isinstance(s.hours, dict):
        parsed: list[tuple[m.Weekday, tuple[m.TimeRange, ...]]] = []
        for day, ranges in s.hours.items():
            out: list[m.TimeRange] = []
            for i, text in enumerate(ranges):
                try:
                    out.append(parse_time_range(text))
                except PydanticCustomError as exc:
                    findings.append(
                        Finding(("spec", "hours", day, i), exc.type, exc.message(), dict(exc.context or {}))
                    )
            parsed.append((_WEEKDAYS[day], tuple(out)))
        hours = tuple(sorted(parsed))
    dates: list[m.HolidayDates] = []
    for i, h in enumerate(s.holidays.dates):
        day_hours: list[m.TimeRange] | None = None
        if h.hours is not None:
            day_hours = []
            for j, text in enumerate(h.hours):
                try:
                    day_hours.append(parse_time_range(text))
                except PydanticCustomError as exc:
                    findings.append(
                        Finding(
                            ("spec", "holidays", "dates", i, "hours", j),
                            exc.type,
                            exc.message(),
                            dict(exc.context or {}),
                        )
                    )
        start = h.date or h.from_
        end = h.date or h.to
        assert start is not None and end is not None  # the document's validator ensures one form
        dates.append(
            m.HolidayDates(start=start, end=end, name=h.name, hours=None if day_hours is None else tuple(day_hours))
        )
    for i, e in enumerate(s.exclusions):
        if e.rrule is not None:
            try:
                rrulestr(";".join(p for p in e.rrule.split(";") if not p.strip().upper().startswith("UNTIL=")))
            except ValueError as exc:
                findings.append(
                    Finding(
                        ("spec", "exclusions", i, "rrule"),
                        "rrule",
                        "not an RFC 5545 rule: {reason}",
                        {"reason": str(exc)},
                    )
                )
    calendar = m.Calendar(
        **common,
        time_zone=s.timeZone,
        hours=hours,
        holiday_countries=tuple(
            m.CountryHolidays(country=c.country, subdivision=c.subdivision) for c in s.holidays.countries
        ),
        holiday_dates=tuple(dates),
        exclusions=tuple(
            m.Exclusion(reason=e.reason, start=e.start, end=e.end, rrule=e.rrule, duration_seconds=e.duration)
            for e in s.exclusions
        ),
        description=_text(s.description),
    )
    for day1, r1, day2, r2 in m.overlapping_ranges(calendar):
        findings.append(
            Finding(
                ("spec", "hours", day2.short),
                "hours_overlap",
                "service hours overlap: {first} on {day1} and {second} on {day2}",
                {"first": str(r1), "day1": day1.short, "second": str(r2), "day2": day2.short},
            )
        )
    if hours is not None and calendar.weekly_minutes() == 0:
        findings.append(Finding(("spec", "hours"), "no_hours", "the calendar has no working hours at all", {}))
    return calendar


def _query(q: d.QuerySpec | None) -> m.MetricQuery | None:
    return None if q is None else m.MetricQuery(type=q.type, source=q.source, spec=dict(q.spec))


def _probe(p: d.ProbeDocumentSpec | None) -> m.ProbeSpec | None:
    if p is None:
        return None
    http = p.http
    tcp = p.tcp
    return m.ProbeSpec(
        every_seconds=p.every,
        http=None
        if http is None
        else m.HttpProbe(
            url=http.url,
            method=http.method,
            expect_status=tuple(http.expectStatus),
            body_match=http.bodyMatch,
            timeout_seconds=float(http.timeoutSeconds),
            certificate_warning_days=http.certificateWarningDays,
            headers=dict(http.headers),
            follow_redirects=http.followRedirects,
            tls_verify=http.tlsVerify,
            ca_file=http.caFile,
        ),
        tcp=None
        if tcp is None
        else m.TcpProbe(host=tcp.host, port=tcp.port, timeout_seconds=float(tcp.timeoutSeconds)),
    )


def _indicator(doc: d.IndicatorDocument, common: dict[str, Any]) -> m.Indicator:
    s = doc.spec
    return m.Indicator(
        **common,
        service=s.service,
        kind=m.IndicatorKind(s.kind),
        bucket_seconds=s.bucket,
        description=_text(s.description),
        ratio=None
        if s.ratio is None
        else m.RatioSpec(
            good=_query(s.ratio.good),
            bad=_query(s.ratio.bad),
            total=_query(s.ratio.total),
            raw=_query(s.ratio.raw),
            raw_type=s.ratio.rawType,
            counter=s.ratio.counter,
        ),
        threshold=None
        if s.threshold is None
        else m.ThresholdSpec(
            metric=_query(s.threshold.metric),
            operator=None if s.threshold.op is None else m.Operator(s.threshold.op),
            value=s.threshold.value,
            unit=s.threshold.unit,
        ),
        availability=None
        if s.availability is None
        else m.AvailabilitySpec(
            probes=s.availability.probes,
            incidents=s.availability.incidents,
            degraded_is_down=s.availability.degradedIsDown,
            probe=_probe(s.availability.probe),
        ),
        ticket=None
        if s.ticket is None
        else m.TicketSpec(clock=m.TicketClock(s.ticket.clock), priorities=tuple(s.ticket.priorities)),
        labels=dict(doc.metadata.labels),
        annotations=dict(doc.metadata.annotations),
    )


_WINDOW = re.compile(r"^\s*(\d+)\s*([mhdwMQY])\s*$")


def _window(w: d.WindowSpec, path: tuple[str | int, ...], findings: list[Finding]) -> m.Window:
    """``rolling: 28d`` or ``calendar: month`` (or ``calendar: 2M``), the unit kept as written."""
    rolling = w.rolling is not None
    text = (w.rolling if rolling else w.calendar) or ""
    if not rolling and text.strip() in _CALENDAR_UNITS:
        return m.Window(
            length=1, unit=_CALENDAR_UNITS[text.strip()], rolling=False, time_zone=w.timeZone, start=w.start
        )
    match = _WINDOW.match(text)
    if match is None or int(match.group(1)) == 0:
        field = "rolling" if rolling else "calendar"
        expected = "30d, 4w, 24h or 1M" if rolling else "week, month, quarter, year, or like 2M"
        findings.append(
            Finding(
                (*path, field),
                f"window_{field}",
                "{value!r} is not a " + field + " window such as " + expected,
                {"value": text},
            )
        )
        return m.Window(length=30, unit=m.WindowUnit.DAY, rolling=True)
    unit = m.WindowUnit(match.group(2))
    return m.Window(length=int(match.group(1)), unit=unit, rolling=rolling, time_zone=w.timeZone, start=w.start)


def _agreement(doc: d.AgreementDocument, common: dict[str, Any], findings: list[Finding]) -> m.Agreement:
    s = doc.spec
    versions: list[m.AgreementVersion] = []
    seen_versions: set[int] = set()
    for vi, v in enumerate(s.versions):
        vpath: tuple[str | int, ...] = ("spec", "versions", vi)
        if v.version in seen_versions:
            findings.append(
                Finding(
                    (*vpath, "version"), "duplicate_version", "version {number} is given twice", {"number": v.version}
                )
            )
        seen_versions.add(v.version)
        objectives: list[m.Objective] = []
        seen: set[str] = set()
        for oi, o in enumerate(v.objectives):
            opath = (*vpath, "objectives", oi)
            if o.name in seen:
                findings.append(
                    Finding(
                        (*opath, "name"), "duplicate_objective", "objective {name} is given twice", {"name": o.name}
                    )
                )
            seen.add(o.name)
            target = o.target if o.target is not None else round((o.targetPercent or 0.0) / 100, 12)
            objectives.append(
                m.Objective(
                    name=o.name,
                    display_name=_text(o.displayName) or m.LocalizedText(en=o.name),
                    description=_text(o.description),
                    indicator=o.indicator,
                    target=target,
                    window=_window(o.window, (*opath, "window"), findings),
                    budgeting=_BUDGETING[o.budgeting],
                    time_slice=None
                    if o.timeSlice is None
                    else m.TimeSlice(seconds=o.timeSlice.size, target=o.timeSlice.target),
                    operator=None if o.op is None else m.Operator(o.op),
                    value=o.value,
                    calendar=o.calendar,
                    maintenance=m.MaintenancePolicy(o.maintenance),
                    alert_policies=tuple(o.alertPolicies),
                    labels=dict(o.labels),
                    annotations=dict(o.annotations),
                    tickets=None if o.tickets is None else _tickets(o.tickets),
                )
            )
        if v.credits is not None:
            for problem in d.credit_tier_problems(v.credits.tiers):
                findings.append(Finding((*vpath, "credits", *problem.path), problem.key, problem.message, problem.args))
        penalties = _penalties(v, vpath, findings)
        if v.claims is not None and s.type != "uc":
            findings.append(
                Finding(
                    (*vpath, "claims"),
                    "claims_not_uc",
                    "claims are what a supplier is asked for: only an underpinning contract (type uc) has them, "
                    "not a {kind}",
                    {"kind": s.type},
                )
            )
        eff = v.effective
        if eff.from_ is not None and eff.to is not None and eff.to <= eff.from_:
            findings.append(
                Finding(
                    (*vpath, "effective", "to"),
                    "range_backwards",
                    "to ({to}) is not after from ({start})",
                    {"to": str(eff.to), "start": str(eff.from_)},
                )
            )
        versions.append(
            m.AgreementVersion(
                number=v.version,
                state=m.VersionState(v.state),
                effective_from=eff.from_,
                effective_to=eff.to,
                calendar=v.calendar,
                objectives=tuple(objectives),
                credit_schedule=None
                if v.credits is None
                else m.CreditSchedule(
                    tiers=tuple(
                        m.CreditTier(below=t.below, credit=t.credit, at_least=t.atLeast) for t in v.credits.tiers
                    ),
                    cap=v.credits.cap,
                ),
                charge=None
                if v.charge is None
                else m.Charge(amount=v.charge.amount, currency=v.charge.currency, period=v.charge.period),
                penalties=penalties,
                review=None if v.review is None else m.ReviewCadence(months=v.review.everyMonths),
                notes=v.notes,
                claims=None if v.claims is None else m.ClaimTerms(within_days=v.claims.withinDays),
            )
        )
    active = [v for v in versions if v.state == m.VersionState.ACTIVE]
    if len(active) > 1:
        undated = [v for v in active if v.effective_from is None]
        if undated:
            findings.append(
                Finding(
                    ("spec", "versions"),
                    "two_active",
                    "more than one version is active; give them effective dates that do not overlap",
                    {},
                )
            )
    return m.Agreement(
        **common,
        kind=m.AgreementKind(s.type),
        description=_text(s.description),
        parties=tuple(
            m.AgreementParty(party=p.party, role=m.PartyRole(p.role), signatory=p.signatory) for p in s.parties
        ),
        services=tuple(s.services),
        versions=tuple(versions),
        labels=dict(doc.metadata.labels),
        annotations=dict(doc.metadata.annotations),
    )


def _penalties(v: d.VersionSpec, vpath: tuple[str | int, ...], findings: list[Finding]) -> tuple[m.TicketPenalty, ...]:
    """The version's ticket penalties; each names a ticket objective of the version, once."""
    ticket_objectives = {o.name for o in v.objectives if o.tickets is not None}
    found: list[m.TicketPenalty] = []
    seen: set[str] = set()
    for pi, p in enumerate(v.penalties):
        ppath = (*vpath, "penalties", pi)
        if p.objective not in ticket_objectives:
            findings.append(
                Finding(
                    (*ppath, "objective"),
                    "penalty_objective",
                    "{name!r} is not a ticket objective of this version (one with tickets:)",
                    {"name": p.objective},
                )
            )
        elif p.objective in seen:
            findings.append(
                Finding(
                    (*ppath, "objective"),
                    "duplicate_penalty",
                    "objective {name!r} has a penalty already",
                    {"name": p.objective},
                )
            )
        seen.add(p.objective)
        currency = p.currency or (v.charge.currency if v.charge is not None else None)
        if currency is None:
            findings.append(
                Finding(ppath, "penalty_currency", "give a currency: the version has no charge to take it from", {})
            )
        found.append(
            m.TicketPenalty(
                objective=p.objective,
                rate=p.rate,
                currency=currency or "",
                per_seconds=p.per,
                allowance_seconds=p.allowance or 0,
                cap=p.cap,
                period=p.period,
                rounding=m.PenaltyRounding(p.rounding),
            )
        )
    return tuple(found)


def _tickets(t: d.TicketTargetsSpec) -> m.TicketTargets:
    defaults = m.TicketTargets()
    return m.TicketTargets(
        unit=m.TargetUnit(t.unit),
        targets={k: d.ticket_target(t.unit, v) or 0 for k, v in t.targets.items()},
        pause_statuses=tuple(t.pauseStatuses),
        new_statuses=defaults.new_statuses if t.newStatuses is None else tuple(t.newStatuses),
        resolved_statuses=defaults.resolved_statuses if t.resolvedStatuses is None else tuple(t.resolvedStatuses),
        policies=m.TicketPolicies(
            priority_change=m.PriorityChangePolicy(t.policies.priorityChange),
            reopen=m.ReopenPolicy(t.policies.reopen),
            attached=m.AttachPolicy(t.policies.attached),
        ),
        warnings=defaults.warnings if t.warnings is None else tuple(t.warnings),
    )
