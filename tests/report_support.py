"""The period report's test world: the example catalogue with October 2026 measured for the
portal SLA (hand-checked figures in ``tests/unit/test_report_model.py``), a clock the test sets,
and the service desk's two tickets.

October 2026 in Riyadh (UTC+3, no DST) is 2026-09-30T21:00Z to 2026-10-31T21:00Z: 44,640
minutes. The portal SLA's calendar (riyadh-24x7) has weekly patching on Fridays 01:00-03:00,
five times in October (the 2nd, 9th, 16th, 23rd and 30th): 600 minutes, which the version's
calendar leaves out of every objective of the agreement.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from slmo.bootstrap import Slmo, in_memory
from slmo.core.engine import BURN_WINDOWS
from slmo.core.model.audit import Actor
from slmo.core.model.measurement import BucketBatch, Impact, Incident
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from tests.conftest import EXAMPLES

ACTOR = Actor(name="tester", interface="cli")
NOW = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))
OCTOBER = int(dt.datetime(2026, 9, 30, 21, 0, tzinfo=dt.UTC).timestamp())
SEPTEMBER = int(dt.datetime(2026, 8, 31, 21, 0, tzinfo=dt.UTC).timestamp())
MINUTES = 31 * 1440
TICKETS = """id,service,priority,opened,status,at,sequence,resolved
T1,service-desk,P1,2026-10-04T09:00:00+03:00,New,2026-10-04T09:00:00+03:00,0,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Awaiting User Info,2026-10-04T10:00:00+03:00,1,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Active,2026-10-04T12:00:00+03:00,2,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Resolved,2026-10-04T15:30:00+03:00,3,2026-10-04T15:30:00+03:00
T2,service-desk,P2,2026-10-05T09:00:00+03:00,New,2026-10-05T09:00:00+03:00,0,
T2,service-desk,P2,2026-10-05T09:00:00+03:00,Resolved,2026-10-05T12:00:00+03:00,1,2026-10-05T12:00:00+03:00
"""


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at


def riyadh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=RIYADH)


def record(objective: str, at: dt.datetime, status: EvaluationStatus, attainment: float) -> ObjectiveEvaluation:
    return ObjectiveEvaluation(
        agreement="eportal-sla",
        version=1,
        service="eportal",
        indicator=f"eportal-{objective}",
        evaluation=Evaluation(
            objective=objective,
            at=at,
            window_start=at - dt.timedelta(days=28),
            window_end=at,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=attainment * 1000,
            total=1000.0,
            attainment=attainment,
            target=0.999,
            budget_total=1.0,
            budget_spent=1000 - attainment * 1000,
            budget_left=1 - (1000 - attainment * 1000),
            burn_rates=dict.fromkeys(BURN_WINDOWS),
            status=status,
        ),
    )


def portal_world() -> Slmo:
    """The example catalogue with October 2026 measured:

    - requests (success-rate, 99.9 % of requests): 1,000 a minute, 500 of them failing in each
      minute of 10:00-11:00 on 5 October: 30,000 bad (of 44,040,000 counted outside the
      patching windows, which the version's calendar leaves out of every objective);
    - availability (99.9 % of 1-minute slices, maintenance left out): probes up every minute,
      overridden by an outage from Thursday 8 October 23:00 to Friday 9 October 02:30, 210
      minutes of which 90 in the patching window (01:00-02:30): 120 bad slices of
      44,640 - 600 = 44,040 counted; a degraded incident of 20 minutes on 20 October, which
      this indicator does not count as down;
    - September 2026: requests all good (for the trend).
    """
    handle = in_memory(clock=FixedClock(NOW))
    handle.catalogue.apply(handle.catalogue.load([str(EXAMPLES)]), ACTOR)
    starts = OCTOBER + 60 * np.arange(MINUTES, dtype=np.int64)
    total = np.full(MINUTES, 1000, dtype=np.int64)
    good = total.copy()
    burst = 4 * 1440 + 10 * 60
    good[burst : burst + 60] = 500
    ones = np.ones(MINUTES, dtype=np.int64)
    september = SEPTEMBER + 60 * np.arange(30 * 1440, dtype=np.int64)
    full = np.full(30 * 1440, 1000, dtype=np.int64)
    with handle.reports._uow() as uow:
        uow.measurements.write_buckets(BucketBatch("eportal-requests", "test", 60, starts, good, total))
        uow.measurements.write_buckets(BucketBatch("eportal-requests", "test", 60, september, full, full))
        uow.measurements.write_buckets(BucketBatch("eportal-availability", "probe", 60, starts, ones, ones))
        uow.measurements.put_incidents(
            [
                Incident(
                    id="INC-1",
                    service="eportal",
                    start=riyadh(2026, 10, 8, 23, 0),
                    end=riyadh(2026, 10, 9, 2, 30),
                    impact=Impact.OUTAGE,
                    title="Database failover",
                ),
                Incident(
                    id="INC-2",
                    service="eportal",
                    start=riyadh(2026, 10, 20, 10, 0),
                    end=riyadh(2026, 10, 20, 10, 20),
                    impact=Impact.DEGRADED,
                ),
            ]
        )
        uow.evaluations.add(
            [
                record("availability", riyadh(2026, 10, 9, 0, 0), EvaluationStatus.MET, 0.9995),
                record("availability", riyadh(2026, 10, 9, 1, 0), EvaluationStatus.BREACHED, 0.9985),
                record("availability", riyadh(2026, 10, 10, 0, 0), EvaluationStatus.BREACHED, 0.9972),
                record("availability", riyadh(2026, 10, 12, 0, 0), EvaluationStatus.MET, 0.9991),
                record("success-rate", riyadh(2026, 9, 30, 23, 0), EvaluationStatus.BREACHED, 0.998),
                record("success-rate", riyadh(2026, 10, 1, 10, 0), EvaluationStatus.BREACHED, 0.9985),
                record("success-rate", riyadh(2026, 10, 2, 0, 0), EvaluationStatus.MET, 0.9992),
            ]
        )
        uow.commit()
    return handle
