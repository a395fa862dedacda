"""The catalogue: parties, their contacts, and the services delivered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slmo.core.model.text import LocalizedText


class PartyType(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    INTERNAL = "internal"


@dataclass(frozen=True, kw_only=True)
class Contact:
    """A person or channel of a party that is told about deviations.

    ``channels`` are notification URLs (apprise syntax: ``mailto://``, ``slack://`` ...).
    ``level`` is the escalation level: an alert tells the contacts of the lowest level of the
    agreement's parties first, and those of the next level when it stays unacknowledged
    (``docs/alerting.md`` section 7).
    """

    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    lang: str = "en"
    channels: tuple[str, ...] = ()
    level: int = 1


@dataclass(frozen=True, kw_only=True)
class Party:
    name: str
    display_name: LocalizedText
    type: PartyType
    contacts: tuple[Contact, ...] = ()
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Service:
    """What is delivered.

    ``owner`` names the party (usually an internal team) accountable for it; ``tier`` is
    1 (most critical) to 4. Dependencies name other services and supplier parties.
    """

    name: str
    display_name: LocalizedText
    owner: str | None = None
    tier: int | None = None
    description: LocalizedText | None = None
    depends_on_services: tuple[str, ...] = ()
    depends_on_suppliers: tuple[str, ...] = ()
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
