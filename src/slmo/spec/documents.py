"""The slmo/v1 document format, as pydantic models: the single source of its JSON Schema and of
its validation. Each model mirrors the YAML a person writes (camelCase keys); ``convert.py``
turns validated documents into core model objects and back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from slmo.core.model.duration import parse_duration
from slmo.core.model.probe import DEFAULT_PROBE_SECONDS, DEFAULT_PROBE_TIMEOUT_SECONDS, MIN_PROBE_SECONDS
from slmo.spec.fields import (
    AwareDatetime,
    Duration,
    Fraction,
    Name,
    Ratio,
    Strict,
    Text,
    TimeZone,
)

API_VERSION = "slmo/v1"


class Metadata(Strict):
    name: Name
    displayName: Text | None = None
    labels: dict[str, Any] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class Document(Strict):
    apiVersion: Literal["slmo/v1"]
    metadata: Metadata


# -- parties and services ---------------------------------------------------------------


class ContactSpec(Strict):
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    lang: Literal["en", "ar"] = "en"
    channels: list[str] = Field(default_factory=list, description="notification URLs (apprise syntax)")
    level: int = Field(
        default=1,
        ge=1,
        le=9,
        description="escalation level: 1 is told when an alert fires, 2 when it stays unacknowledged, ...",
    )


class PartySpec(Strict):
    type: Literal["customer", "supplier", "internal"]
    description: Text | None = None
    contacts: list[ContactSpec] = Field(default_factory=list)


class PartyDocument(Document):
    kind: Literal["Party"]
    spec: PartySpec


class DependsOn(Strict):
    services: list[Name] = Field(default_factory=list)
    suppliers: list[Name] = Field(default_factory=list)


class ServiceSpec(Strict):
    owner: Name | None = None
    tier: int | None = Field(default=None, ge=1, le=4)
    description: Text | None = None
    dependsOn: DependsOn = Field(default_factory=DependsOn)


class ServiceDocument(Document):
    kind: Literal["Service"]
    spec: ServiceSpec


# -- calendars ---------------------------------------------------------------------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class CountrySpec(Strict):
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    subdivision: str | None = None


class HolidayDateSpec(Strict):
    date: dt.date | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    name: str | None = None
    hours: list[str] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> HolidayDateSpec:
        if (self.date is None) == (self.from_ is None and self.to is None):
            raise PydanticCustomError("holiday_form", "give either date, or from and to", {})
        if self.date is None and (self.from_ is None or self.to is None):
            raise PydanticCustomError("holiday_form", "give either date, or from and to", {})
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise PydanticCustomError(
                "range_backwards", "to ({to}) is before from ({start})", {"to": str(self.to), "start": str(self.from_)}
            )
        return self


class HolidaysSpec(Strict):
    countries: list[CountrySpec] = Field(default_factory=list)
    dates: list[HolidayDateSpec] = Field(default_factory=list)


class ExclusionSpec(Strict):
    reason: str | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    rrule: str | None = Field(default=None, description="RFC 5545 recurrence rule, in the calendar's time zone")
    duration: Duration | None = None

    @model_validator(mode="after")
    def _one_form(self) -> ExclusionSpec:
        if self.rrule is not None:
            if self.duration is None:
                raise PydanticCustomError("exclusion_form", "a recurring exclusion needs a duration", {})
            if self.end is not None:
                raise PydanticCustomError("exclusion_form", "a recurring exclusion takes a duration, not an end", {})
        elif self.start is None or self.end is None:
            raise PydanticCustomError("exclusion_form", "give start and end, or rrule and duration", {})
        elif self.end <= self.start:
            raise PydanticCustomError(
                "range_backwards",
                "end ({to}) is not after start ({start})",
                {"to": str(self.end), "start": str(self.start)},
            )
        return self


class CalendarSpec(Strict):
    timeZone: TimeZone
    hours: Literal["24x7"] | dict[Weekday, list[str]] = "24x7"
    holidays: HolidaysSpec = Field(default_factory=HolidaysSpec)
    exclusions: list[ExclusionSpec] = Field(default_factory=list)
    description: Text | None = None


class CalendarDocument(Document):
    kind: Literal["Calendar"]
    spec: CalendarSpec


# -- data sources and indicators ---------------------------------------------------------


class QuerySpec(Strict):
    type: str | None = Field(default=None, description="the source's type, e.g. Prometheus")
    source: Name | None = Field(default=None, description="a DataSource by name")
    spec: dict[str, Any] = Field(default_factory=dict, description="type-specific query fields, e.g. {query: ...}")


class RatioIndicatorSpec(Strict):
    good: QuerySpec | None = None
    bad: QuerySpec | None = None
    total: QuerySpec | None = None
    raw: QuerySpec | None = Field(default=None, description="a ratio computed upstream, instead of good/bad and total")
    rawType: Literal["success", "failure"] | str | None = Field(default=None, description="what raw measures")
    counter: bool | None = None

    @model_validator(mode="after")
    def _good_or_bad(self) -> RatioIndicatorSpec:
        if self.good is not None and self.bad is not None:
            raise PydanticCustomError("good_and_bad", "give good or bad, not both", {})
        return self


class ThresholdIndicatorSpec(Strict):
    metric: QuerySpec | None = None
    op: Literal["lt", "lte", "gt", "gte"] | None = None
    value: float | None = None
    unit: str | None = None


def _probe_url(value: str) -> str:
    parsed = urlsplit(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise PydanticCustomError(
            "probe_url", "'{value}' is not an http:// or https:// URL with a host", {"value": value}
        )
    return value


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise PydanticCustomError("port_range", "{value} is not a TCP port (1 to 65535)", {"value": value})
    return value


def _status(value: int) -> int:
    if not 100 <= value <= 599:
        raise PydanticCustomError("status_range", "{value} is not an HTTP status (100 to 599)", {"value": value})
    return value


def _timeout(value: float) -> float:
    if not 0 < value <= 300:
        raise PydanticCustomError(
            "probe_timeout_range",
            "{value} is not a timeout in seconds (more than 0, at most 300)",
            {"value": f"{value:g}"},
        )
    return value


def _days(value: int) -> int:
    if value < 1:
        raise PydanticCustomError("days_range", "{value} is not a number of days (1 or more)", {"value": value})
    return value


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise PydanticCustomError(
            "body_match", "'{value}' is not a regular expression: {reason}", {"value": value, "reason": str(exc)}
        ) from None
    return value


ProbeTimeout = Annotated[float, AfterValidator(_timeout), Field(description="seconds, at most 300")]


class HttpProbeSpec(Strict):
    url: Annotated[str, AfterValidator(_probe_url)] = Field(description="an http:// or https:// URL")
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    expectStatus: list[Annotated[int, AfterValidator(_status)]] = Field(
        default_factory=list, description="statuses that count as up; any 2xx when left out"
    )
    bodyMatch: Annotated[str, AfterValidator(_pattern)] | None = Field(
        default=None, description="a regular expression the body must contain"
    )
    timeoutSeconds: ProbeTimeout = DEFAULT_PROBE_TIMEOUT_SECONDS
    certificateWarningDays: Annotated[int, AfterValidator(_days)] | None = Field(
        default=None, description="warn when the TLS certificate expires within this many days"
    )
    headers: dict[str, str] = Field(default_factory=dict)
    followRedirects: bool = False
    tlsVerify: bool = True
    caFile: str | None = Field(default=None, description="a PEM file of the CAs to trust instead of the system's")

    @model_validator(mode="after")
    def _tls_needs_https(self) -> HttpProbeSpec:
        if self.certificateWarningDays is not None and not self.url.startswith("https://"):
            raise PydanticCustomError(
                "certificate_https", "certificateWarningDays needs an https:// URL, not '{value}'", {"value": self.url}
            )
        return self


class TcpProbeSpec(Strict):
    host: str = Field(min_length=1)
    port: Annotated[int, AfterValidator(_port)]
    timeoutSeconds: ProbeTimeout = DEFAULT_PROBE_TIMEOUT_SECONDS


class ProbeDocumentSpec(Strict):
    http: HttpProbeSpec | None = None
    tcp: TcpProbeSpec | None = None
    every: Duration = Field(default=DEFAULT_PROBE_SECONDS, description=f"at least {MIN_PROBE_SECONDS}s, e.g. 60s")

    @model_validator(mode="after")
    def _one_check(self) -> ProbeDocumentSpec:
        if (self.http is None) == (self.tcp is None):
            raise PydanticCustomError("probe_form", "give exactly one of http and tcp", {})
        if self.every < MIN_PROBE_SECONDS:
            raise PydanticCustomError(
                "probe_every",
                "every {value} s is too often; probes run at most every {least} s",
                {"value": self.every, "least": MIN_PROBE_SECONDS},
            )
        check = self.http or self.tcp
        if check is not None and check.timeoutSeconds > self.every:
            raise PydanticCustomError(
                "probe_timeout",
                "timeoutSeconds ({timeout}) is longer than every ({every} s)",
                {"timeout": f"{check.timeoutSeconds:g}", "every": self.every},
            )
        return self


class AvailabilityIndicatorSpec(Strict):
    probes: bool = True
    incidents: bool = True
    degradedIsDown: bool = False
    probe: ProbeDocumentSpec | None = Field(default=None, description="an HTTP(S) or TCP check slmo makes itself")

    @model_validator(mode="after")
    def _probe_counted(self) -> AvailabilityIndicatorSpec:
        if self.probe is not None and not self.probes:
            raise PydanticCustomError("probe_ignored", "a probe is given but probes: false would ignore it", {})
        return self


class TicketIndicatorSpec(Strict):
    clock: Literal["response", "resolution"] = "resolution"
    priorities: list[str] = Field(default_factory=list)


class IndicatorSpec(Strict):
    service: Name | None = None
    kind: Literal["ratio", "threshold", "availability", "ticket"]
    bucket: Duration = Field(default=60, description="measurement bucket length, e.g. 1m")
    description: Text | None = None
    ratio: RatioIndicatorSpec | None = None
    threshold: ThresholdIndicatorSpec | None = None
    availability: AvailabilityIndicatorSpec | None = None
    ticket: TicketIndicatorSpec | None = None

    @model_validator(mode="after")
    def _kind_matches(self) -> IndicatorSpec:
        given = [k for k in ("ratio", "threshold", "availability", "ticket") if getattr(self, k) is not None]
        wrong = [k for k in given if k != self.kind]
        if wrong:
            raise PydanticCustomError(
                "kind_mismatch", "{field} given for an indicator of kind {kind}", {"field": wrong[0], "kind": self.kind}
            )
        return self


class IndicatorDocument(Document):
    kind: Literal["Indicator"]
    spec: IndicatorSpec


class DataSourceSpec(Strict):
    type: str
    connection: dict[str, Any] = Field(default_factory=dict)
    description: Text | None = None


class DataSourceDocument(Document):
    kind: Literal["DataSource"]
    spec: DataSourceSpec


# -- alerting ----------------------------------------------------------------------------


class AlertConditionSpec(Strict):
    severity: str
    kind: Literal["burnrate"] = "burnrate"
    op: Literal["lt", "lte", "gt", "gte"]
    threshold: float
    lookbackWindow: Duration
    shortLookbackWindow: Duration | None = Field(
        default=None, description="a multiwindow condition: the burn rate must pass the threshold here too"
    )
    alertAfter: Duration | None = None
    description: Text | None = None


class AlertConditionDocument(Document):
    kind: Literal["AlertCondition"]
    spec: AlertConditionSpec


class NotificationTargetSpec(Strict):
    target: str
    description: Text | None = None


class NotificationTargetDocument(Document):
    kind: Literal["NotificationTarget"]
    spec: NotificationTargetSpec


class AlertPolicySpec(Strict):
    conditions: list[Name] = Field(min_length=1)
    notificationTargets: list[Name] = Field(default_factory=list)
    alertWhenNoData: bool = False
    alertWhenResolved: bool = False
    alertWhenBreaching: bool = True
    escalateAfter: Duration | None = Field(
        default=None, description="move an unacknowledged alert to the next contact level after this (default 30m)"
    )
    description: Text | None = None


class AlertPolicyDocument(Document):
    kind: Literal["AlertPolicy"]
    spec: AlertPolicySpec


# -- agreements --------------------------------------------------------------------------


class WindowSpec(Strict):
    rolling: str | None = Field(default=None, description="a rolling window: 30d, 4w, 24h")
    calendar: str | None = Field(default=None, description="a calendar window: week, month, quarter, year, or 2M")
    timeZone: TimeZone | None = None
    start: dt.datetime | None = Field(
        default=None, description="where periods are counted from: with an offset, or wall-clock time in timeZone"
    )

    @model_validator(mode="after")
    def _one_form(self) -> WindowSpec:
        if (self.rolling is None) == (self.calendar is None):
            raise PydanticCustomError("window_form", "give rolling (e.g. 30d) or calendar (e.g. month)", {})
        if self.start is not None and self.start.utcoffset() is None and self.timeZone is None:
            raise PydanticCustomError(
                "naive_datetime", "start {value} has no UTC offset; give one, or a timeZone", {"value": str(self.start)}
            )
        return self


class TimeSliceSpec(Strict):
    size: Duration
    target: Fraction | None = None


class TicketPoliciesSpec(Strict):
    priorityChange: Literal["retroactive", "from_change"] = "retroactive"
    reopen: Literal["resume", "new_cycle"] = "resume"
    attached: Literal["from_opening", "from_attachment"] = "from_opening"


class TicketTargetsSpec(Strict):
    """Per-priority ticket targets: durations (``4h``) for the business and calendar units, a
    number of working days (``3`` or ``3d``) for business-days and end-of-day."""

    unit: Literal["business", "business-days", "end-of-day", "calendar"] = "business"
    targets: dict[str, str | int] = Field(min_length=1)
    pauseStatuses: list[str] = Field(default_factory=list)
    newStatuses: list[str] | None = None
    resolvedStatuses: list[str] | None = None
    policies: TicketPoliciesSpec = Field(default_factory=TicketPoliciesSpec)
    warnings: list[Fraction] | None = None

    @model_validator(mode="after")
    def _targets_positive(self) -> TicketTargetsSpec:
        for priority, value in self.targets.items():
            if ticket_target(self.unit, value) is None:
                raise PydanticCustomError(
                    "ticket_target",
                    "target {value!r} of priority {priority} is not a positive {what}",
                    {
                        "value": value,
                        "priority": priority,
                        "what": "number of working days"
                        if self.unit in ("business-days", "end-of-day")
                        else "duration",
                    },
                )
        return self


def ticket_target(unit: str, value: str | int) -> int | None:
    """Seconds for the business and calendar units, working days for the day units; ``None``
    when not positive (a target of zero is an error in the agreement, not a ticket)."""
    if unit in ("business-days", "end-of-day"):
        text = str(value).strip()
        days = int(text[:-1]) if text.endswith("d") and text[:-1].isdigit() else int(text) if text.isdigit() else 0
        return days if days > 0 else None
    if isinstance(value, int):
        return None
    seconds = parse_duration(value)
    return seconds if seconds else None


class ObjectiveSpec(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,127}$")
    displayName: Text | None = None
    description: Text | None = None
    indicator: Name
    target: Ratio | None = None
    targetPercent: float | None = Field(default=None, description="the target in percent, instead of target")
    window: WindowSpec
    budgeting: Literal["occurrences", "timeslices", "ratioTimeslices"] = "occurrences"
    timeSlice: TimeSliceSpec | None = None
    op: Literal["lt", "lte", "gt", "gte"] | None = None
    value: float | None = None
    calendar: Name | None = None
    maintenance: Literal["exclude", "good"] = "exclude"
    alertPolicies: list[Name] = Field(default_factory=list)
    labels: dict[str, Any] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    tickets: TicketTargetsSpec | None = None

    @model_validator(mode="after")
    def _target_given(self) -> ObjectiveSpec:
        if (self.target is None) == (self.targetPercent is None):
            raise PydanticCustomError("target_form", "give target (a ratio) or targetPercent, not both", {})
        if self.targetPercent is not None and not 0 <= self.targetPercent < 100:
            raise PydanticCustomError(
                "percent_range", "{value} is not a percentage in [0, 100)", {"value": self.targetPercent}
            )
        if self.budgeting != "occurrences" and self.timeSlice is None:
            raise PydanticCustomError(
                "time_slice_missing", "budgeting {method} needs timeSlice", {"method": self.budgeting}
            )
        return self


class CreditTierSpec(Strict):
    below: Fraction = Field(description="attainment strictly below this earns the credit")
    atLeast: Fraction | None = Field(
        default=None,
        description="the tier's lower edge, inclusive; by default the next tier's below (0 for the last tier)",
    )
    credit: Fraction = Field(description="share of the period's charge")


class CreditsSpec(Strict):
    cap: Fraction = 1.0
    tiers: list[CreditTierSpec] = Field(
        min_length=1, description="from the highest edge down, credits growing as attainment falls"
    )


@dataclass(frozen=True)
class TierProblem:
    """What is wrong with a credit schedule's tiers: ``path`` is inside ``credits``."""

    path: tuple[str | int, ...]
    key: str
    message: str
    args: dict[str, Any]


def _pct(value: float) -> str:
    return f"{value * 100:g} %"


def credit_tier_problems(tiers: Sequence[CreditTierSpec]) -> list[TierProblem]:
    """Why a credit schedule is ambiguous or leaky (``docs/formulas.md`` section 10).

    Each tier covers a band of attainment ``[low, below)``: ``low`` is its ``atLeast``, else
    the ``below`` of the tier after it, else 0. Tiers are listed from the highest edge down,
    each ``below`` strictly under the one before (distinct edges), and the credit may not fall
    as attainment falls. Then:

    - an **overlap** is attainment that two tiers both cover: two tiers with the same edge,
      a tier whose ``atLeast`` is under the next tier's ``below``, or a tier whose credit is
      smaller than the one above it (threshold tiers nest, ``[0, below)`` inside the ranges
      above them, so the larger credit would swallow it: it could never apply);
    - a **gap** is attainment under the top edge that no tier covers: a tier whose
      ``atLeast`` is above the next tier's ``below``, or a last tier that stops above 0;
    - an **empty** tier has ``atLeast`` at or above its own ``below``.

    Without ``atLeast`` the bands meet edge to edge, so only the order, the distinct edges
    and the credits can be wrong.
    """
    found: list[TierProblem] = []
    for i, tier in enumerate(tiers):
        if tier.atLeast is not None and tier.atLeast >= tier.below:
            found.append(
                TierProblem(
                    ("tiers", i, "atLeast"),
                    "credit_tier_empty",
                    "atLeast {low} is not below the tier's below {high}: the tier covers no attainment",
                    {"low": _pct(tier.atLeast), "high": _pct(tier.below)},
                )
            )
        if i == 0:
            continue
        upper = tiers[i - 1]
        if tier.below == upper.below:
            found.append(
                TierProblem(
                    ("tiers", i, "below"),
                    "credit_tier_same_edge",
                    "tiers[{i}] and tiers[{j}] both end at below {edge}: they overlap (cover the same attainment)",
                    {"i": i, "j": i - 1, "edge": _pct(tier.below)},
                )
            )
            continue
        if tier.below > upper.below:
            found.append(
                TierProblem(
                    ("tiers", i, "below"),
                    "credit_tier_order",
                    "below {edge} is above the tier before it ({previous}); list tiers from the highest edge down",
                    {"edge": _pct(tier.below), "previous": _pct(upper.below)},
                )
            )
            continue
        if upper.atLeast is not None and upper.atLeast < upper.below:
            if upper.atLeast > tier.below:
                found.append(
                    TierProblem(
                        ("tiers", i - 1, "atLeast"),
                        "credit_tier_gap",
                        "a gap: attainment from {low} up to {high} is in no tier, between tiers[{i}] and tiers[{j}]",
                        {"low": _pct(tier.below), "high": _pct(upper.atLeast), "i": i, "j": i - 1},
                    )
                )
            elif upper.atLeast < tier.below:
                found.append(
                    TierProblem(
                        ("tiers", i - 1, "atLeast"),
                        "credit_tier_overlap",
                        "an overlap: attainment from {low} up to {high} is in both tiers[{j}] and tiers[{i}]",
                        {"low": _pct(upper.atLeast), "high": _pct(tier.below), "i": i, "j": i - 1},
                    )
                )
        if tier.credit < upper.credit:
            found.append(
                TierProblem(
                    ("tiers", i, "credit"),
                    "credit_tier_falls",
                    "credit {credit} is less than {previous} of the tier above it: credits may not fall as "
                    "attainment falls (this tier overlaps the one above and could never apply)",
                    {"credit": _pct(tier.credit), "previous": _pct(upper.credit)},
                )
            )
    last = tiers[-1] if tiers else None
    if last is not None and last.atLeast is not None and 0 < last.atLeast < last.below:
        found.append(
            TierProblem(
                ("tiers", len(tiers) - 1, "atLeast"),
                "credit_tier_floor",
                "a gap: attainment under {low} is in no tier; leave atLeast out of the last tier",
                {"low": _pct(last.atLeast)},
            )
        )
    return found


class PenaltySpec(Strict):
    """A penalty on a ticket objective of the version: an amount per unit of breach time beyond
    a free allowance a period, with a cap (``docs/formulas.md`` section 13)."""

    objective: str = Field(description="a ticket objective of this version, by name")
    rate: float = Field(gt=0, description="the amount per unit of breach time")
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code; the charge's when left out"
    )
    per: Duration = Field(default=3600, description="the unit of breach time, on the objective's clock (1h)")
    allowance: Duration | None = Field(default=None, description="free breach time each period, e.g. 10h")
    cap: float | None = Field(default=None, gt=0, description="the most one period's penalty comes to")
    period: Literal["month", "quarter", "year"] = "month"
    rounding: Literal["exact", "up"] = Field(
        default="exact", description="exact: pro rata to the second; up: each started unit in full"
    )


class ChargeSpec(Strict):
    amount: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    period: Literal["month", "quarter", "year"] = "month"


class ReviewSpec(Strict):
    everyMonths: int = Field(ge=1, le=60)


class ClaimsSpec(Strict):
    """How the supplier of an underpinning contract is claimed from (``docs/formulas.md`` 20)."""

    withinDays: int = Field(
        ge=1, le=3650, description="a credit is claimed within this many days after its period ends"
    )


class EffectiveSpec(Strict):
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None


class VersionSpec(Strict):
    version: int = Field(ge=1)
    state: Literal["draft", "proposed", "agreed", "active", "superseded", "retired"] = "draft"
    effective: EffectiveSpec = Field(default_factory=EffectiveSpec)
    calendar: Name | None = None
    charge: ChargeSpec | None = None
    review: ReviewSpec | None = None
    credits: CreditsSpec | None = None
    penalties: list[PenaltySpec] = Field(default_factory=list)
    claims: ClaimsSpec | None = None
    notes: str | None = None
    objectives: list[ObjectiveSpec] = Field(default_factory=list)


class AgreementPartySpec(Strict):
    party: Name
    role: Literal["provider", "customer"]
    signatory: str | None = None


class AgreementSpec(Strict):
    type: Literal["sla", "ola", "uc", "expectation"]
    description: Text | None = None
    parties: list[AgreementPartySpec] = Field(default_factory=list)
    services: list[Name] = Field(min_length=1)
    versions: list[VersionSpec] = Field(default_factory=list)


class AgreementDocument(Document):
    kind: Literal["Agreement"]
    spec: AgreementSpec


# -- operational procedures -----------------------------------------------------------------


class ProcedureSpec(Strict):
    type: Literal["runbook", "tool", "facility"]
    owner: Name = Field(description="the party accountable for it, told when its review is due")
    services: list[Name] = Field(default_factory=list, description="the services it supports")
    review: ReviewSpec
    nextReview: dt.date | None = Field(
        default=None, description="the next review date (not in the past); else one cadence after it is registered"
    )
    location: str | None = Field(default=None, description="where it is kept: a URL, a room")
    description: Text | None = None


class ProcedureDocument(Document):
    kind: Literal["Procedure"]
    spec: ProcedureSpec


AnyDocument = Annotated[
    PartyDocument
    | ServiceDocument
    | CalendarDocument
    | DataSourceDocument
    | IndicatorDocument
    | AlertConditionDocument
    | NotificationTargetDocument
    | AlertPolicyDocument
    | AgreementDocument
    | ProcedureDocument,
    Field(discriminator="kind"),
]

DOCUMENT_CLASSES: dict[str, type[Document]] = {
    "Party": PartyDocument,
    "Service": ServiceDocument,
    "Calendar": CalendarDocument,
    "DataSource": DataSourceDocument,
    "Indicator": IndicatorDocument,
    "AlertCondition": AlertConditionDocument,
    "NotificationTarget": NotificationTargetDocument,
    "AlertPolicy": AlertPolicyDocument,
    "Agreement": AgreementDocument,
    "Procedure": ProcedureDocument,
}
