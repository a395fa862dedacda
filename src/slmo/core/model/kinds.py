"""The kinds of catalogue object, by the name documents and the store give them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from slmo.core.model.agreement import Agreement
from slmo.core.model.alerting import AlertCondition, AlertPolicy, NotificationTarget
from slmo.core.model.calendar import Calendar
from slmo.core.model.catalogue import Party, Service
from slmo.core.model.indicator import DataSource, Indicator
from slmo.core.model.procedure import Procedure

CatalogueObject: TypeAlias = (
    Party
    | Service
    | Calendar
    | DataSource
    | Indicator
    | AlertCondition
    | NotificationTarget
    | AlertPolicy
    | Agreement
    | Procedure
)

# Order matters: an object may only refer to kinds listed before it, so applying and
# exporting in this order never meets a dangling reference.
KIND_CLASSES: Mapping[str, type[CatalogueObject]] = {
    "Party": Party,
    "Calendar": Calendar,
    "Service": Service,
    "DataSource": DataSource,
    "Indicator": Indicator,
    "AlertCondition": AlertCondition,
    "NotificationTarget": NotificationTarget,
    "AlertPolicy": AlertPolicy,
    "Agreement": Agreement,
    "Procedure": Procedure,
}

KIND_ORDER: tuple[str, ...] = tuple(KIND_CLASSES)


def kind_of(obj: CatalogueObject) -> str:
    for kind, cls in KIND_CLASSES.items():
        if type(obj) is cls:
            return kind
    raise TypeError(f"not a catalogue object: {type(obj).__name__}")


def resolve_kind(text: str) -> str | None:
    """The kind named by ``text``, accepting any letter case and a plural ``s``."""
    lowered = text.strip().lower()
    for kind in KIND_CLASSES:
        k = kind.lower()
        if lowered in (k, k + "s", k + "es"):
            return kind
    return None
