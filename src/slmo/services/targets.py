"""Achievable targets and the what-if of a proposed target (``docs/formulas.md``, "Achievable
targets and what-if").

For an objective in force (``AGREEMENT/NAME``, or a bare name that only one agreement in force
has), over its last ``N`` complete periods (months, quarters or weeks: by default the unit
nearest its window) before now:

- **history**: the periods' attainments and credits exactly as the negotiation's evidence
  gives them (``EvidenceService.evidence``, for the version in force);
- **simulation**: periods like the one running now, drawn by the forecast engine's day-block
  bootstrap (``core.engine.forecast``) from the objective's own days before it: the days of
  the ``N`` periods, at most the last 364 (52 whole weeks), from the first day anything was
  measured (for a ticket objective, the tickets whose verdict became final that day); an
  objective with nothing measured before the period is not simulated;
- the targets met with each confidence, on both views, and which one binds
  (``core.engine.what_if.achievable``);
- for a target (by default the objective's own), its breaches per year and credit exposure on
  both views (``core.engine.what_if.what_if``).

``for_evidence`` adds the same what-if to a negotiation's evidence, for the version and target
it is about. Nothing is stored; the draws are seeded, so the same data give the same figures.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine import Span, epoch_seconds, named_period, period_label
from slmo.core.engine.evidence import CONFIDENCES
from slmo.core.engine.forecast import block_spans, day_blocks, objective_tally, simulate_attainments
from slmo.core.engine.what_if import achievable, what_if
from slmo.core.model import Agreement, Calendar, Indicator, IndicatorKind, Window, WindowUnit
from slmo.core.model.evidence import Evidence
from slmo.core.model.targets import (
    AchievableTarget,
    BreachRate,
    CreditExposure,
    SimulationNote,
    TargetStudy,
    WhatIf,
)
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.evidence import UNITS, EvidenceService

logger = logging.getLogger(__name__)

DAY = 86_400
# A hundred years of weeks (433 of months): enough simulated years for a 95th percentile.
DRAWS = 5_200
HISTORY_DAYS = 364
MAX_CONFIDENCES = 10
_YEAR_DAYS = 365.2425
# Days in each unit, to pick the period nearest an objective's window.
_UNIT_DAYS = {
    WindowUnit.MINUTE: 1 / 1440,
    WindowUnit.HOUR: 1 / 24,
    WindowUnit.DAY: 1.0,
    WindowUnit.WEEK: 7.0,
    WindowUnit.MONTH: _YEAR_DAYS / 12,
    WindowUnit.QUARTER: _YEAR_DAYS / 4,
    WindowUnit.YEAR: _YEAR_DAYS,
}


def _problem(field: str, message: str, key: str, **args: object) -> SpecError:
    return SpecError([Problem(None, field, message, key=key, args=dict(args))])


def default_per(window: Window) -> str:
    """The period (``week``, ``month`` or ``quarter``) nearest the window's length, on a log
    scale: a calendar month is months, ``rolling 28d`` months, ``rolling 7d`` weeks, a year
    quarters."""
    days = window.length * _UNIT_DAYS[window.unit]
    return min(UNITS, key=lambda per: abs(math.log(days / _UNIT_DAYS[UNITS[per]])))


def _check(confidences: Sequence[float], target: float | None) -> None:
    if not 1 <= len(confidences) <= MAX_CONFIDENCES:
        raise _problem(
            "confidence",
            f"give 1 to {MAX_CONFIDENCES} confidences, not {len(confidences)}",
            "targets.confidences",
            limit=MAX_CONFIDENCES,
            count=len(confidences),
        )
    for confidence in confidences:
        if not 0 < confidence < 1:
            raise _problem(
                "confidence", f"{confidence} is not a probability in (0, 1)", "targets.confidence", value=confidence
            )
    if target is not None and not 0 <= target < 1:
        raise _problem("what_if", f"{target} is not a ratio in [0, 1)", "targets.what_if", value=target)


class TargetService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        evidence: EvidenceService,
        clock: Clock,
        *,
        draws: int = DRAWS,
        seed: int = 0,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._evidence = evidence
        self._clock = clock
        self._draws = draws
        self._seed = seed

    def study(
        self,
        objective: str,
        *,
        what_if: float | None = None,
        confidences: Sequence[float] = CONFIDENCES,
        periods: int = 12,
        per: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> TargetStudy:
        """The objective's achievable targets and the what-if of ``what_if`` (default: its own
        target). ``agreements`` limits the objectives found to those (a customer's):
        another's is not found, as a missing one. ``NotFoundError`` for an unknown objective,
        ``SpecError`` for an ambiguous name or bad numbers."""
        _check(confidences, what_if)
        with self._uow() as uow:
            subject = self._resolve(uow, objective, agreements)
        unit = per if per is not None else default_per(subject.objective.window)
        found = self._evidence.evidence(
            subject.agreement.name,
            subject.objective.name,
            periods=periods,
            target=what_if,
            version=subject.version.number,
            per=unit,
        )
        return self._study(subject, found, confidences)

    def achievable(
        self,
        objective: str,
        confidences: Sequence[float] = CONFIDENCES,
        *,
        periods: int = 12,
        per: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> tuple[AchievableTarget, ...]:
        """The targets met with each confidence (``study``)."""
        found = self.study(objective, confidences=confidences, periods=periods, per=per, agreements=agreements)
        return found.achievable

    def what_if(
        self,
        objective: str,
        proposed: float,
        *,
        periods: int = 12,
        per: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> WhatIf:
        """The breaches per year and credit exposure of ``proposed`` (``study``)."""
        return self.study(objective, what_if=proposed, periods=periods, per=per, agreements=agreements).what_if

    def for_evidence(self, evidence: Evidence, confidences: Sequence[float] = CONFIDENCES) -> TargetStudy:
        """The study of the target a negotiation's ``evidence`` is about, over its periods: the
        version's objective at that target, as ``EvidenceService.evidence`` found them."""
        with self._uow() as uow:
            agreement = uow.catalogue.get("Agreement", evidence.agreement)
            if not isinstance(agreement, Agreement):
                raise NotFoundError(
                    f"Agreement {evidence.agreement!r} does not exist",
                    key="error.object_not_found",
                    kind="Agreement",
                    name=evidence.agreement,
                )
            version = next(v for v in agreement.versions if v.number == evidence.version)
            objective = next(o for o in version.objectives if o.name == evidence.objective)
            indicator = uow.catalogue.get("Indicator", evidence.indicator)
            assert isinstance(indicator, Indicator)
            calendar_name = objective.calendar or version.calendar
            calendar = uow.catalogue.get("Calendar", calendar_name) if calendar_name else None
        subject = Target(agreement, version, objective, indicator, calendar if isinstance(calendar, Calendar) else None)
        return self._study(subject, evidence, confidences)

    # -- the parts ---------------------------------------------------------------------

    def _resolve(self, uow: UnitOfWork, objective: str, agreements: Collection[str] | None) -> Target:
        try:
            found = self._evaluation.targets(uow, self._clock.now(), objective)
        except NotFoundError:
            found = []
        if agreements is not None:
            found = [t for t in found if t.agreement.name in agreements]
        if not found:
            raise NotFoundError(
                f"no objective {objective!r} in an agreement in force", key="error.objective_not_found", name=objective
            )
        if len(found) > 1:
            keys = ", ".join(sorted(t.key for t in found))
            raise _problem(
                "objective",
                f"{objective!r} is the name of {len(found)} objectives ({keys}); give one as AGREEMENT/NAME",
                "targets.ambiguous",
                name=objective,
                count=len(found),
                keys=keys,
            )
        return found[0]

    def _study(self, subject: Target, evidence: Evidence, confidences: Sequence[float]) -> TargetStudy:
        unit = WindowUnit(evidence.unit)
        zone, week_start = subject.time_zone, subject.week_start
        now = epoch_seconds(self._clock.now())
        label = period_label(now, unit, zone, week_start=week_start)
        current = named_period(label, zone, week_start=week_start)
        first = int(evidence.periods[0].start.timestamp()) if evidence.periods else current.start
        draws, days, note = self._simulate(subject, first, current)
        attainments = [p.attainment for p in evidence.periods if p.attainment is not None]
        found = what_if(
            evidence.target,
            unit,
            attainments,
            draws,
            schedule=subject.version.credit_schedule,
            charge=subject.version.charge,
            credit_note=evidence.credit_note,
        )
        logger.info(
            "targets of %s/%s: %d periods with data, %d draws from %d days",
            evidence.agreement,
            evidence.objective,
            len(attainments),
            0 if draws is None else draws.size,
            days,
        )
        return TargetStudy(
            evidence=evidence,
            achievable=achievable(attainments, draws, confidences),
            what_if=found,
            simulated_period=label,
            history_days=days,
            draws=0 if draws is None else int(np.count_nonzero(np.isfinite(draws))),
            simulation_note=note,
        )

    def _simulate(
        self, subject: Target, first: int, current: Span
    ) -> tuple[NDArray[np.float64] | None, int, SimulationNote | None]:
        """Draws of a period like ``current`` from the objective's days in ``[first, its
        start)`` (at most ``HISTORY_DAYS``), and how many days they were drawn from."""
        at = current.start
        days = min(max((at - first) // DAY, 0), HISTORY_DAYS)
        if days == 0:
            return None, 0, SimulationNote.NO_HISTORY
        with self._uow() as uow:
            if subject.indicator.kind is IndicatorKind.TICKET:
                # Tickets count on the day their verdict became final, timed at the period's last
                # second, as the forecast of a ticket objective reads them.
                sums = self._evaluation.ticket_sums
                if sums is None or subject.objective.tickets is None:
                    return None, 0, SimulationNote.NO_HISTORY
                good, total = sums(uow, subject, block_spans(at, days), at - 1)
            else:
                start = at - days * DAY
                grid, _ = self._evaluation.grid(uow, subject, Span(start, at), at)
                tally = objective_tally(subject.objective, grid, at, first=start, anchor=at)
                blocks = day_blocks(tally, at, days)
                good, total = blocks[0][0], blocks[1][0]
        measured = np.flatnonzero(total > 0)
        if measured.size == 0:
            return None, 0, SimulationNote.NO_HISTORY
        # From the first day anything was measured: the days before it are not a quiet past but
        # an unknown one.
        g, n = good[measured[0] :], total[measured[0] :]
        draws = simulate_attainments(
            g,
            n,
            known_good=0.0,
            known_total=0.0,
            future_days=current.seconds / DAY,
            draws=self._draws,
            seed=self._seed,
            # Periods a year ahead: the whole history, not the recent weeks a running window's
            # forecast leans on.
            recent=(),
        )
        if not np.isfinite(draws).any():
            return None, 0, SimulationNote.NO_HISTORY
        return draws, int(g.size), None


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _rate_json(rate: BreachRate | None) -> dict[str, Any] | None:
    if rate is None:
        return None
    return {
        "periods": rate.periods,
        "breaches": rate.breaches,
        "probability": rate.probability,
        "per_year": rate.per_year,
        "level": rate.level,
        "upper": rate.upper,
        "per_year_upper": rate.per_year_upper,
    }


def _exposure_json(found: CreditExposure | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "periods": found.periods,
        "per_period": _money(found.per_period),
        "per_year": _money(found.per_year),
        "year_p95": _money(found.year_p95),
        "years": found.years,
    }


def what_if_json(found: WhatIf) -> dict[str, Any]:
    """A target's what-if as the CLI's ``--json``, the API and the evidence print it; amounts
    as decimal strings, to the cent."""
    exposure = found.history_exposure or found.simulated_exposure
    return {
        "target": found.target,
        "unit": found.unit,
        "periods_per_year": found.periods_per_year,
        "history": _rate_json(found.history),
        "simulation": _rate_json(found.simulated),
        "currency": None if exposure is None else exposure.currency,
        "credit_note": None if found.credit_note is None else found.credit_note.value,
        "history_exposure": _exposure_json(found.history_exposure),
        "simulation_exposure": _exposure_json(found.simulated_exposure),
    }


def simulation_json(study: TargetStudy) -> dict[str, Any]:
    return {
        "period": study.simulated_period,
        "history_days": study.history_days,
        "draws": study.draws,
        "note": None if study.simulation_note is None else study.simulation_note.value,
    }


def target_study_json(study: TargetStudy) -> dict[str, Any]:
    """The study as `slmo targets --json` prints it and ``GET /api/v1/targets`` answers it."""
    found = study.evidence
    return {
        "agreement": found.agreement,
        "version": found.version,
        "objective": found.objective,
        "indicator": found.indicator,
        "unit": found.unit,
        "time_zone": found.time_zone,
        "periods": [
            {
                "period": p.label,
                "attainment": p.attainment,
                "met": p.met,
                "credit_amount": None if p.credit is None else _money(p.credit.amount),
            }
            for p in found.periods
        ],
        "simulation": simulation_json(study),
        "achievable": [
            {
                "confidence": a.confidence,
                "target": a.target,
                "binding": None if a.binding is None else a.binding.value,
                "history": a.history.target,
                "history_rank": a.history.rank,
                "history_assured": a.history.assured,
                "periods_needed": a.history.periods_needed,
                "simulation": a.simulated,
            }
            for a in study.achievable
        ],
        "what_if": what_if_json(study.what_if),
    }


def evidence_what_if_json(study: TargetStudy) -> dict[str, Any]:
    """What the negotiation's evidence adds for its target: the what-if and what was simulated."""
    return {"what_if": what_if_json(study.what_if), "simulation": simulation_json(study)}
