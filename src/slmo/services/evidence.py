"""Evidence for the negotiating table: what history says about a proposed objective.

For objective ``OBJ`` of an agreement version (by default the newest version that has it: the
proposal on the table) at a target (by default its own), over the last ``N`` complete periods
(months by default) before now, in the objective's time zone:

- each period's attainment, as ``slmo history`` computes it (``EvaluationService.over_period``:
  the objective's indicator, calendar, budgeting and maintenance rule, its window replaced by
  the period), for the version's terms even when another version was in force then;
- whether the target would have been met (attainment at or above it; a period with no data is
  neither);
- the credit it would have cost under the version's credit schedule and charge
  (``core.engine.credits``), as if this objective alone set the tier: only when the schedule
  grades it (its target is at least the schedule's highest edge) and the charge is per the
  period evaluated (a monthly charge, months);
- the targets met with 90, 95 and 99 % confidence (``core.engine.evidence``).

Nothing is stored; the figures are read in one unit of work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from slmo.core.engine import epoch_seconds, named_period, period_label
from slmo.core.engine.credits import covered_objectives, service_credit
from slmo.core.engine.evidence import confident_targets, met
from slmo.core.engine.windows import zone as zone_info
from slmo.core.model import Agreement, AgreementVersion, Calendar, Charge, Indicator, Objective, WindowUnit
from slmo.core.model.evidence import CreditNote, Evidence, EvidencePeriod
from slmo.core.ports import Clock, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target

logger = logging.getLogger(__name__)

# The periods evidence may be asked over, and how a charge's period is called in them.
UNITS: dict[str, WindowUnit] = {"month": WindowUnit.MONTH, "quarter": WindowUnit.QUARTER, "week": WindowUnit.WEEK}
MAX_PERIODS = 120


def _problem(field: str, message: str, key: str, **args: object) -> SpecError:
    return SpecError([Problem(None, field, message, key=key, args=dict(args))])


class EvidenceService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock

    def evidence(
        self,
        agreement: str,
        objective: str,
        *,
        periods: int = 12,
        target: float | None = None,
        version: int | None = None,
        per: str = "month",
    ) -> Evidence:
        """The evidence for ``objective`` (see the module); ``NotFoundError`` for an unknown
        agreement, version or objective, ``SpecError`` for a bad number of periods, target or unit."""
        if not 1 <= periods <= MAX_PERIODS:
            raise _problem(
                "periods", f"periods is from 1 to {MAX_PERIODS}, not {periods}", "evidence.periods", limit=MAX_PERIODS
            )
        if target is not None and not 0 <= target < 1:
            raise _problem("target", f"{target} is not a ratio in [0, 1)", "evidence.target", value=target)
        if per not in UNITS:
            raise _problem("per", f"{per!r} is not month, quarter or week", "evidence.per", value=per)
        unit = UNITS[per]
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.catalogue.get("Agreement", agreement)
            if not isinstance(found, Agreement):
                raise NotFoundError(
                    f"Agreement {agreement!r} does not exist",
                    key="error.object_not_found",
                    kind="Agreement",
                    name=agreement,
                )
            chosen, proposed = self._objective(found, objective, version)
            if target is not None:
                proposed = dataclasses.replace(proposed, target=target)
            indicator = uow.catalogue.get("Indicator", proposed.indicator)
            if not isinstance(indicator, Indicator):
                raise NotFoundError(
                    f"Indicator {proposed.indicator!r} does not exist",
                    key="error.object_not_found",
                    kind="Indicator",
                    name=proposed.indicator,
                )
            calendar_name = proposed.calendar or chosen.calendar
            calendar = uow.catalogue.get("Calendar", calendar_name) if calendar_name else None
            subject = Target(found, chosen, proposed, indicator, calendar if isinstance(calendar, Calendar) else None)
            labels = self._labels(subject, unit, periods, epoch_seconds(now))
            note, charge = self._credit_terms(chosen, proposed, unit)
            rows = []
            for label in labels:
                span = named_period(label, subject.time_zone, week_start=subject.week_start)
                result = self._evaluation.over_period(uow, subject, label, top=0).evaluation
                attainment = result.attainment
                credit = None
                if note is None and attainment is not None and chosen.credit_schedule is not None:
                    credit = service_credit(chosen.credit_schedule, attainment, charge)
                zone = zone_info(subject.time_zone)
                rows.append(
                    EvidencePeriod(
                        label=label,
                        start=dt.datetime.fromtimestamp(span.start, zone),
                        end=dt.datetime.fromtimestamp(span.end, zone),
                        attainment=attainment,
                        met=met(attainment, proposed.target),
                        credit=credit,
                    )
                )
        known = [p.attainment for p in rows if p.attainment is not None]
        logger.info("evidence for %s/%s over %d periods (%d with data)", agreement, objective, len(rows), len(known))
        return Evidence(
            agreement=found.name,
            version=chosen.number,
            objective=proposed.name,
            indicator=indicator.name,
            target=proposed.target,
            unit=unit.value,
            time_zone=subject.time_zone,
            periods=tuple(rows),
            confidence=confident_targets(known),
            credit_note=note,
            currency=None if charge is None else charge.currency,
        )

    @staticmethod
    def _objective(agreement: Agreement, name: str, number: int | None) -> tuple[AgreementVersion, Objective]:
        """Version ``number``'s objective ``name``, else the newest version's that has one."""
        versions = sorted(agreement.versions, key=lambda v: v.number, reverse=True)
        if number is not None:
            versions = [v for v in versions if v.number == number]
            if not versions:
                raise NotFoundError(
                    f"agreement {agreement.name!r} has no version {number}",
                    key="error.negotiation_no_version",
                    name=agreement.name,
                    number=number,
                )
        for version in versions:
            for objective in version.objectives:
                if objective.name == name:
                    return version, objective
        raise NotFoundError(
            f"no objective {agreement.name}/{name} in {'version ' + str(number) if number else 'any version'}",
            key="error.evidence_no_objective",
            name=f"{agreement.name}/{name}",
        )

    @staticmethod
    def _labels(target: Target, unit: WindowUnit, count: int, now: int) -> list[str]:
        """The ``count`` complete periods before the one running at ``now``, oldest first."""
        zone, week_start = target.time_zone, target.week_start
        span = named_period(period_label(now, unit, zone, week_start=week_start), zone, week_start=week_start)
        labels = []
        for _ in range(count):
            label = period_label(span.start - 1, unit, zone, week_start=week_start)
            labels.append(label)
            span = named_period(label, zone, week_start=week_start)
        return list(reversed(labels))

    @staticmethod
    def _credit_terms(
        version: AgreementVersion, objective: Objective, unit: WindowUnit
    ) -> tuple[CreditNote | None, Charge | None]:
        schedule = version.credit_schedule
        if schedule is None:
            return CreditNote.NO_SCHEDULE, None
        if not covered_objectives(schedule, {objective.name: objective.target}):
            return CreditNote.NOT_GRADED, None
        charge = version.charge
        if charge is not None and UNITS.get(charge.period) is not unit:
            return CreditNote.OTHER_PERIOD, None
        return None, charge


def evidence_json(found: Evidence) -> dict[str, Any]:
    """The evidence as `slmo agreement evidence --json` prints it and the API answers it;
    amounts as decimal strings, to the cent."""
    total = found.credits_total
    return {
        "agreement": found.agreement,
        "version": found.version,
        "objective": found.objective,
        "indicator": found.indicator,
        "target": found.target,
        "unit": found.unit,
        "time_zone": found.time_zone,
        "periods": [
            {
                "period": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "attainment": p.attainment,
                "met": p.met,
                "credit_share": None if p.credit is None else p.credit.due_share,
                "credit_amount": None if p.credit is None or p.credit.amount is None else str(p.credit.amount),
            }
            for p in found.periods
        ],
        "measured": found.measured,
        "met": found.met,
        "credits_total": None if total is None else str(total),
        "currency": found.currency,
        "credit_note": None if found.credit_note is None else found.credit_note.value,
        "confidence": [
            {
                "confidence": c.confidence,
                "target": c.target,
                "rank": c.rank,
                "assured": c.assured,
                "periods": c.periods,
                "periods_needed": c.periods_needed,
            }
            for c in found.confidence
        ],
    }
