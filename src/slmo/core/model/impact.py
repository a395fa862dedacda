"""Dependency impact: what a service depends on, which of it was failing while an objective of
the service spent its budget, and the weakest link of each service.

The rules are in ``core.engine.impact`` and ``docs/formulas.md`` section 20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class LinkKind(StrEnum):
    SERVICE = "service"
    SUPPLIER = "supplier"


@dataclass(frozen=True, kw_only=True)
class Upstream:
    """A service or supplier party that a service depends on, directly (``depth`` 1) or through
    other services: ``via`` names those, nearest the dependent first (empty when direct)."""

    kind: LinkKind
    name: str
    depth: int
    via: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, self.name)


@dataclass(frozen=True, kw_only=True)
class Cause:
    """An upstream that was failing while the objective spent its budget.

    ``overlap_seconds`` is the bad time of the objective that fell while the upstream was
    failing; ``share`` that as a fraction of the objective's bad time (``None`` without bad
    time). ``incidents`` are the upstream's incidents that overlapped it and ``objectives``
    (``AGREEMENT/OBJECTIVE``) the upstream's own objectives that spent budget in overlapping
    units.
    """

    link: Upstream
    overlap_seconds: float
    share: float | None
    incidents: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ObjectiveImpact:
    """One objective of a service over ``[start, end)``: its bad time there, and the upstreams
    failing at the same time, most overlap first.

    For a breach, ``breach_start`` and ``breach_end`` are the episode's (``end`` open while it
    goes on) and ``[start, end)`` runs from the window start at its first breached evaluation
    to its end (or now). ``explained_seconds`` is the bad time that any upstream's failing
    covers (the union, so never more than ``bad_seconds``).
    """

    agreement: str
    objective: str
    service: str | None
    start: dt.datetime
    end: dt.datetime
    bad_seconds: float
    explained_seconds: float
    causes: tuple[Cause, ...]
    checked: tuple[Upstream, ...]
    breach_start: dt.datetime | None = None
    breach_end: dt.datetime | None = None
    target: float | None = None

    @property
    def key(self) -> str:
        return f"{self.agreement}/{self.objective}"

    @property
    def reference(self) -> str | None:
        """``AGREEMENT/OBJECTIVE@START``, as an improvement action's origin names a breach."""
        if self.breach_start is None:
            return None
        return f"{self.key}@{self.breach_start.isoformat()}"

    @property
    def explained_share(self) -> float | None:
        return None if self.bad_seconds <= 0 else self.explained_seconds / self.bad_seconds

    @property
    def suppliers(self) -> tuple[str, ...]:
        """The supplier parties whose failing overlapped the bad time: the breach's "caused by"."""
        return tuple(c.link.name for c in self.causes if c.link.kind is LinkKind.SUPPLIER)


@dataclass(frozen=True, kw_only=True)
class LinkStanding:
    """An upstream over a period: the lowest attainment among the objectives that measure it
    (``objective`` names that one, with its ``target``); ``None`` without data."""

    link: Upstream
    attainment: float | None
    target: float | None = None
    objective: str | None = None


@dataclass(frozen=True, kw_only=True)
class WeakestLink:
    """Every upstream of ``service`` over ``period``, weakest first, and the weakest one with data."""

    service: str
    period: str
    links: tuple[LinkStanding, ...]

    @property
    def weakest(self) -> LinkStanding | None:
        return next((link for link in self.links if link.attainment is not None), None)
