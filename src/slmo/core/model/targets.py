"""Achievable targets and the what-if of a proposed target: how often it would be breached in a
year and what credits that would cost, from the past periods and from simulated ones
(``core.engine.what_if``; ``docs/formulas.md``, "Achievable targets and what-if")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.evidence import ConfidentTarget, CreditNote, Evidence


class Basis(StrEnum):
    """Where a figure comes from: the past periods as measured, or the simulated periods."""

    HISTORY = "history"
    SIMULATION = "simulation"


@dataclass(frozen=True, kw_only=True)
class BreachRate:
    """How often a period falls below ``target``: ``breaches`` of ``periods`` (past periods
    with data, or simulated draws), their share ``probability`` and ``per_year`` (the share
    times the periods in a year). ``upper`` and ``per_year_upper`` bound them with confidence
    ``level`` when the periods are few (the past ones); ``None`` for the draws, whose number
    makes the bound meaningless, and when there are no periods at all."""

    basis: Basis
    target: float
    periods: int
    breaches: int
    probability: float | None
    per_year: float | None
    level: float | None = None
    upper: float | None = None
    per_year_upper: float | None = None


@dataclass(frozen=True, kw_only=True)
class CreditExposure:
    """The credits a year of periods would cost, in ``currency`` to the cent: ``per_period``
    is the mean credit of one period, ``per_year`` that times the periods in a year;
    ``year_p95`` is the 95th percentile of a year's credits over ``years`` simulated years
    (``None`` from history, or with fewer than 20 years of draws)."""

    basis: Basis
    currency: str
    periods: int
    per_period: Decimal
    per_year: Decimal
    year_p95: Decimal | None = None
    years: int = 0


@dataclass(frozen=True, kw_only=True)
class AchievableTarget:
    """The target met with ``confidence``: from history, the order statistic of the past
    periods (``history``); from the simulation, the ``1 - confidence`` quantile of ``draws``
    simulated periods (``simulated``). ``target`` is the lower of the two that are given, and
    ``binding`` says which one it is (``None`` when neither is given)."""

    confidence: float
    history: ConfidentTarget
    simulated: float | None
    draws: int
    target: float | None
    binding: Basis | None


@dataclass(frozen=True, kw_only=True)
class WhatIf:
    """What ``target`` would mean over a year of periods of ``unit`` (``M``, ``Q`` or ``w``),
    ``periods_per_year`` of them: its breach rate and credit exposure from history and, when
    the objective has daily history to simulate from, from the simulation. Exposures are
    ``None`` when the credits are not computed (``credit_note`` says why)."""

    target: float
    unit: str
    periods_per_year: float
    history: BreachRate
    simulated: BreachRate | None
    history_exposure: CreditExposure | None
    simulated_exposure: CreditExposure | None
    credit_note: CreditNote | None


class SimulationNote(StrEnum):
    """Why the periods are not simulated."""

    NO_HISTORY = "no_history"  # nothing was measured in the days before the period


@dataclass(frozen=True, kw_only=True)
class TargetStudy:
    """An objective weighed for a target: ``evidence`` (its past periods at the target studied,
    ``evidence.target``), the targets met with each confidence (``achievable``) and the
    target's ``what_if``. The simulation drew ``draws`` periods like ``simulated_period`` (the
    one running now) from the ``history_days`` days before it; ``draws`` is 0 when the
    objective has no daily history to draw from (``simulation_note`` says why)."""

    evidence: Evidence
    achievable: tuple[AchievableTarget, ...]
    what_if: WhatIf
    simulated_period: str
    history_days: int
    draws: int
    simulation_note: SimulationNote | None
