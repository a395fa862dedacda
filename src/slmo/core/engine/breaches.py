"""Breach episodes: runs of stored evaluations of one objective whose status was ``breached``.

Rules (``docs/api.md``, ``GET /api/v1/breaches``):

- An objective's stored evaluations are taken in the order of their instant ``at``. A
  *breach episode* starts at the first ``breached`` evaluation after one that was not (or
  after none at all).
- It ends at the first later evaluation that is ``met`` or ``at_risk``: ``end`` is that
  evaluation's ``at``. With no such evaluation yet the episode is *open* (``end`` is ``None``).
- ``no_data`` neither starts nor ends an episode. An evaluation without data says nothing
  about whether the objective recovered: a collector that stops reporting during an outage
  would otherwise cut one breach into two shorter ones, and report it over when nobody can
  tell. The breach goes on until an evaluation shows the objective no longer breached.
- Gaps between evaluations (a scheduler that was down) do not end an episode either: its
  end is the first evaluation that shows a recovery, which is the first instant slmo knows of.
- ``worst_attainment`` is the lowest attainment of the episode's breached evaluations and
  ``lowest_budget_left`` the lowest budget left among them (a fraction of the budget,
  negative when overspent; see ``core.model.results``). Values that are not finite, or
  absent, are left out; ``None`` when none is left.

Several objectives' evaluations may come interleaved and in any order; they are told apart
by agreement and objective name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation

# Statuses that end an episode: the objective was evaluated and is not breached.
_RECOVERED = frozenset({EvaluationStatus.MET, EvaluationStatus.AT_RISK})


@dataclass(frozen=True, kw_only=True)
class BreachEpisode:
    """One breach of one objective: ``start`` is the first breached evaluation's instant,
    ``end`` the first later one that was met or at risk (``None`` while open), and
    ``last_breached`` the last breached evaluation's instant. ``evaluations`` counts the
    breached evaluations in it; ``target`` is that of the evaluation with the worst attainment
    (else of the first), since a new agreement version may change it mid-episode."""

    agreement: str
    objective: str
    service: str | None
    indicator: str
    start: dt.datetime
    end: dt.datetime | None
    last_breached: dt.datetime
    evaluations: int
    worst_attainment: float | None
    lowest_budget_left: float | None
    target: float

    @property
    def key(self) -> str:
        """``agreement/objective``, as in ``ObjectiveEvaluation.key``."""
        return f"{self.agreement}/{self.objective}"

    @property
    def open(self) -> bool:
        return self.end is None


def _lower(held: float | None, value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return held
    return value if held is None or value < held else held


@dataclass
class _Running:
    first: ObjectiveEvaluation
    last_breached: dt.datetime
    evaluations: int = 1
    worst_attainment: float | None = None
    lowest_budget_left: float | None = None
    target: float = math.nan

    @classmethod
    def starting(cls, record: ObjectiveEvaluation) -> _Running:
        running = cls(first=record, last_breached=record.evaluation.at, evaluations=0, target=record.evaluation.target)
        running.add(record)
        return running

    def add(self, record: ObjectiveEvaluation) -> None:
        e = record.evaluation
        self.evaluations += 1
        self.last_breached = e.at
        worst = _lower(self.worst_attainment, e.attainment)
        if worst is not None and worst != self.worst_attainment:
            self.target = e.target
        self.worst_attainment = worst
        self.lowest_budget_left = _lower(self.lowest_budget_left, e.budget_left)

    def episode(self, end: dt.datetime | None) -> BreachEpisode:
        return BreachEpisode(
            agreement=self.first.agreement,
            objective=self.first.evaluation.objective,
            service=self.first.service,
            indicator=self.first.indicator,
            start=self.first.evaluation.at,
            end=end,
            last_breached=self.last_breached,
            evaluations=self.evaluations,
            worst_attainment=self.worst_attainment,
            lowest_budget_left=self.lowest_budget_left,
            target=self.target,
        )


def breach_episodes(records: Iterable[ObjectiveEvaluation]) -> list[BreachEpisode]:
    """The breach episodes in ``records`` (the rules are in the module's docstring), ordered
    by start, then by agreement and objective."""
    by_objective: dict[tuple[str, str], list[ObjectiveEvaluation]] = {}
    for record in records:
        by_objective.setdefault((record.agreement, record.evaluation.objective), []).append(record)
    found: list[BreachEpisode] = []
    for history in by_objective.values():
        history.sort(key=lambda r: r.evaluation.at)
        running: _Running | None = None
        for record in history:
            status = record.evaluation.status
            if status is EvaluationStatus.BREACHED:
                if running is None:
                    running = _Running.starting(record)
                else:
                    running.add(record)
            elif status in _RECOVERED and running is not None:
                found.append(running.episode(record.evaluation.at))
                running = None
        if running is not None:
            found.append(running.episode(None))
    found.sort(key=lambda b: (b.start, b.agreement, b.objective))
    return found
