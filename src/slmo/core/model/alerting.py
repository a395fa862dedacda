"""Alert policies and notification targets, in OpenSLO's terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slmo.core.model.indicator import Operator
from slmo.core.model.text import LocalizedText


@dataclass(frozen=True, kw_only=True)
class AlertCondition:
    """Burn rate ``operator threshold`` over ``lookback_seconds``, held for ``alert_after_seconds``."""

    name: str
    display_name: LocalizedText | None = None
    severity: str
    operator: Operator
    threshold: float
    lookback_seconds: int
    alert_after_seconds: int | None = None
    kind: str = "burnrate"
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class NotificationTarget:
    name: str
    display_name: LocalizedText | None = None
    target: str
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AlertPolicy:
    """When to alert on an objective and whom to tell. Conditions and targets are named;
    they may be defined inline (kept here) or as objects of their own."""

    name: str
    display_name: LocalizedText | None = None
    conditions: tuple[str, ...] = ()
    notification_targets: tuple[str, ...] = ()
    alert_when_no_data: bool = False
    alert_when_resolved: bool = False
    alert_when_breaching: bool = True
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
