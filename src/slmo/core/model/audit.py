"""The audit trail: who changed what, when, through which interface, before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class AuditAction(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who acts, and through which interface (``cli``, ``api``, ``web``, ``worker``)."""

    name: str
    interface: str


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    interface: str
    action: AuditAction
    kind: str
    name: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    id: int | None = None
