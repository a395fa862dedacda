"""Indicators: what is measured, and where the measurements come from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slmo.core.model.probe import ProbeSpec
from slmo.core.model.text import LocalizedText


class IndicatorKind(StrEnum):
    RATIO = "ratio"
    THRESHOLD = "threshold"
    AVAILABILITY = "availability"
    TICKET = "ticket"


class Operator(StrEnum):
    """Comparison of a measured value with a bound; a slice is good when ``value OP bound``."""

    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"


class TicketClock(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


@dataclass(frozen=True, kw_only=True)
class MetricQuery:
    """How to fetch one series: the source's type (``Prometheus`` ...), an optional named
    DataSource, and the type-specific query fields, kept as given."""

    type: str | None = None
    source: str | None = None
    spec: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RatioSpec:
    """Good (or bad) events over total events. Exactly one of ``good`` and ``bad`` is set when
    queries are given; pushed measurements need no query at all. ``counter`` says the
    queries return monotonic counters rather than per-interval counts.

    Instead of good/bad and total, ``raw`` may query a ratio computed upstream (OpenSLO's
    ``ratioMetric.raw``, Sloth's ``error_ratio_query``); ``raw_type`` then says whether it is
    the ratio of ``success`` (good/total) or of ``failure`` (bad/total)."""

    good: MetricQuery | None = None
    bad: MetricQuery | None = None
    total: MetricQuery | None = None
    counter: bool | None = None
    raw_type: str | None = None
    raw: MetricQuery | None = None


@dataclass(frozen=True, kw_only=True)
class ThresholdSpec:
    """A metric compared with a bound in each time slice (e.g. p95 latency < 300 ms)."""

    metric: MetricQuery | None = None
    operator: Operator | None = None
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True, kw_only=True)
class AvailabilitySpec:
    """Up time from probes and incidents. A degraded incident counts as down when
    ``degraded_is_down``, else as up. ``probe`` is a check slmo makes itself on an interval;
    probe results may also be sent (``slmo ingest probes``)."""

    probes: bool = True
    incidents: bool = True
    degraded_is_down: bool = False
    probe: ProbeSpec | None = None


@dataclass(frozen=True, kw_only=True)
class TicketSpec:
    clock: TicketClock = TicketClock.RESOLUTION
    priorities: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """What is measured for one service. Measurements are kept in buckets of
    ``bucket_seconds`` (one minute by default)."""

    name: str
    display_name: LocalizedText
    service: str | None
    kind: IndicatorKind
    bucket_seconds: int = 60
    ratio: RatioSpec | None = None
    threshold: ThresholdSpec | None = None
    availability: AvailabilitySpec | None = None
    ticket: TicketSpec | None = None
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DataSource:
    """A named connection to a metrics store (Prometheus, Thanos, Mimir, VictoriaMetrics ...)."""

    name: str
    display_name: LocalizedText
    type: str
    connection: Mapping[str, Any] = field(default_factory=dict)
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
