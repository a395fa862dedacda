"""Closed periods: the final evaluation of an objective over a calendar period that has ended,
kept once and never replaced, in a hash chain (``core.model.chain``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation


@dataclass(frozen=True, kw_only=True)
class ClosedPeriod:
    """``record`` is the objective's evaluation over the whole ``period`` (``2026-10``,
    ``2026-Q3``, ``2026-W40``, ``2026``), as ``slmo history`` computes it, taken at
    ``closed_at``. ``id`` and ``seq`` (its position in the chain) are set when stored."""

    id: int | None = None
    agreement: str
    objective: str
    period: str
    closed_at: dt.datetime
    record: ObjectiveEvaluation
    seq: int = 0

    @property
    def key(self) -> str:
        return f"{self.agreement}/{self.objective}"


@dataclass(frozen=True, kw_only=True)
class ClosedFigure:
    """A closed period's status and error budget left alone (``PeriodCloseRepository.figures``):
    what a summary over thousands of closed periods needs, without reading each whole record."""

    agreement: str
    objective: str
    period: str
    seq: int
    status: EvaluationStatus
    budget_left: float | None
