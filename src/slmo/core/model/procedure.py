"""Operational procedures: the runbooks, tools and facilities that delivery depends on, each
with an owner and a review cadence, reviewed like agreements (``core.model.review``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slmo.core.model.agreement import ReviewCadence
from slmo.core.model.text import LocalizedText


class ProcedureKind(StrEnum):
    RUNBOOK = "runbook"
    TOOL = "tool"
    FACILITY = "facility"


@dataclass(frozen=True, kw_only=True)
class Procedure:
    """A runbook, tool or facility. ``owner`` names the party accountable for it (told when its
    review is due), ``services`` those it supports. ``next_review`` is the date its document
    sets for the next review, if any; a review recorded later moves it on
    (``core.engine.reviews``). ``location`` says where it is kept (a wiki page, a room)."""

    name: str
    display_name: LocalizedText
    kind: ProcedureKind
    owner: str
    review: ReviewCadence
    services: tuple[str, ...] = ()
    next_review: dt.date | None = None
    location: str | None = None
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
