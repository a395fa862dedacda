"""The portfolio's test world (``services/portfolio.py``), small enough to work by hand.

Today is Saturday 10 October 2026, 12:00 UTC; 2026-Q3 has ended and 2026-Q4 is running.

| agreement    | kind | customer | services           | tiers | suppliers          | charge a month |
|--------------|------|----------|--------------------|-------|--------------------|----------------|
| portal-sla   | sla  | ministry | portal             | 1     | cloudco (portal's) | 90,000 SAR     |
| payments-sla | sla  | bank     | payments, network  | 2, 3  | none               | 30,000 SAR     |
| cloud-uc     | uc   | ops      | portal             | 1     | cloudco (provider) | 15,000 SAR     |

Closed periods (status, budget left), the quarter each counts toward in brackets:

- portal-sla/availability, monthly: 2025-10..12 (met 0.9, 0.8, 0.9) [Q4: 0.8], 2026-01..03 (0.7, 0.6,
  0.7) [Q1: 0.6], 04..06 (0.5, 0.4, 0.5) [Q2: 0.4], 07 met 0.3, 08 breached -0.2, 09 met 0.2 [Q3: -0.2];
- portal-sla/latency, quarterly: 2025-Q4 met 0.6, 2026-Q1 met 0.6, Q2 met 0.4, Q3 at risk 0.2;
- payments-sla/success, monthly: 2026-04..09 met 0.5 (two quarters only);
- cloud-uc/uptime, monthly: 2026-01..09 met 0.5.

Now (the status board, stored a minute ago): availability met 0.9 (breach probability 0.35),
latency at risk 0.1 (0.6), success breached -0.5 (0.05), uptime met 0.95 (no forecast).

Money in Q3: the ledger has portal-sla 4,500.00 (July) and 9,000.00 (August, paid), cloud-uc
750.00 (August); costs are portal 20,000 and payments 10,000 a month in July to September,
network 3,000 in July and August only.

Reviews: portal-sla (every 6 months from 2026-01-01) was reviewed on 2026-03-15, which set the
next for 2026-09-15: overdue by 25 days. payments-sla has no effective date: a year after it
was stored (today), 2027-10-10. cloud-uc (from 2026-01-01, no cadence): 2027-01-01.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from slmo.bootstrap import Slmo, in_memory
from slmo.core.engine import BURN_WINDOWS
from slmo.core.engine.credits import service_credit
from slmo.core.model import Charge, CreditSchedule, CreditTier
from slmo.core.model.audit import Actor
from slmo.core.model.forecast import AttainmentForecast
from slmo.core.model.ledger import CreditBasis, CreditEntry, CreditStatus, ServiceCost
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.period_close import ClosedPeriod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.core.model.review import Review

ACTOR = Actor(name="tester", interface="cli")
NOW = dt.datetime(2026, 10, 10, 12, 0, tzinfo=dt.UTC)

MET, AT_RISK, BREACHED = EvaluationStatus.MET, EvaluationStatus.AT_RISK, EvaluationStatus.BREACHED

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ministry, displayName: {en: Ministry, ar: الوزارة}}
spec: {type: customer}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: bank, displayName: {en: Bank, ar: المصرف}}
spec: {type: customer}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: ops, displayName: {en: Operations, ar: العمليات}}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: cloudco, displayName: {en: CloudCo, ar: كلاودكو}}
spec: {type: supplier}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: portal, displayName: {en: Portal, ar: البوابة}}
spec: {owner: ops, tier: 1, dependsOn: {suppliers: [cloudco]}}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: payments, displayName: {en: Payments, ar: المدفوعات}}
spec: {owner: ops, tier: 2}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: network, displayName: {en: Network, ar: الشبكة}}
spec: {owner: ops, tier: 3}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-requests}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-latency}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: payments-requests}
spec: {service: payments, kind: ratio}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: cloud-uptime}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: portal-sla, displayName: {en: Portal SLA, ar: اتفاقية البوابة}}
spec:
  type: sla
  parties:
    - {party: ops, role: provider}
    - {party: ministry, role: customer}
  services: [portal]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      charge: {amount: 90000, currency: SAR, period: month}
      review: {everyMonths: 6}
      objectives:
        - {name: availability, indicator: portal-requests, target: 0.999, window: {rolling: 28d}}
        - {name: latency, indicator: portal-latency, target: 0.99, window: {calendar: quarter}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: payments-sla, displayName: {en: Payments SLA, ar: اتفاقية المدفوعات}}
spec:
  type: sla
  parties:
    - {party: ops, role: provider}
    - {party: bank, role: customer}
  services: [payments, network]
  versions:
    - version: 1
      state: active
      charge: {amount: 30000, currency: SAR, period: month}
      objectives:
        - {name: success, indicator: payments-requests, target: 0.995, window: {rolling: 28d}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: cloud-uc, displayName: {en: Cloud contract, ar: عقد السحابة}}
spec:
  type: uc
  parties:
    - {party: cloudco, role: provider}
    - {party: ops, role: customer}
  services: [portal]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      charge: {amount: 15000, currency: SAR, period: month}
      objectives:
        - {name: uptime, indicator: cloud-uptime, target: 0.9995, window: {rolling: 28d}}
"""

INDICATORS = {
    ("portal-sla", "availability"): "portal-requests",
    ("portal-sla", "latency"): "portal-latency",
    ("payments-sla", "success"): "payments-requests",
    ("cloud-uc", "uptime"): "cloud-uptime",
}
SERVICES = {"portal-requests": "portal", "portal-latency": "portal", "payments-requests": "payments"}

# (agreement, objective, period, status, budget left)
CLOSED = [
    *[
        ("portal-sla", "availability", month, MET, budget)
        for month, budget in [
            ("2025-10", 0.9),
            ("2025-11", 0.8),
            ("2025-12", 0.9),
            ("2026-01", 0.7),
            ("2026-02", 0.6),
            ("2026-03", 0.7),
            ("2026-04", 0.5),
            ("2026-05", 0.4),
            ("2026-06", 0.5),
            ("2026-07", 0.3),
        ]
    ],
    ("portal-sla", "availability", "2026-08", BREACHED, -0.2),
    ("portal-sla", "availability", "2026-09", MET, 0.2),
    ("portal-sla", "latency", "2025-Q4", MET, 0.6),
    ("portal-sla", "latency", "2026-Q1", MET, 0.6),
    ("portal-sla", "latency", "2026-Q2", MET, 0.4),
    ("portal-sla", "latency", "2026-Q3", AT_RISK, 0.2),
    *[("payments-sla", "success", f"2026-{m:02d}", MET, 0.5) for m in range(4, 10)],
    *[("cloud-uc", "uptime", f"2026-{m:02d}", MET, 0.5) for m in range(1, 10)],
]

# (agreement, objective, status, budget left, breach probability)
NOW_ROWS = [
    ("portal-sla", "availability", MET, 0.9, 0.35),
    ("portal-sla", "latency", AT_RISK, 0.1, 0.6),
    ("payments-sla", "success", BREACHED, -0.5, 0.05),
    ("cloud-uc", "uptime", MET, 0.95, None),
]


class FixedClock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at


def record(
    agreement: str,
    objective: str,
    at: dt.datetime,
    status: EvaluationStatus,
    budget_left: float,
    probability: float | None = None,
) -> ObjectiveEvaluation:
    indicator = INDICATORS[(agreement, objective)]
    spent = 1 - budget_left
    forecast = None
    if probability is not None:
        forecast = AttainmentForecast(
            at=at,
            window_start=at - dt.timedelta(days=28),
            window_end=at,
            target=0.999,
            expected=0.999,
            interval_80=None,
            interval_95=None,
            breach_probability=probability,
            known=0.999,
            remaining_days=10.0,
            history_days=28,
            draws=1000,
        )
    return ObjectiveEvaluation(
        agreement=agreement,
        version=1,
        service=SERVICES.get(indicator, "portal"),
        indicator=indicator,
        evaluation=Evaluation(
            objective=objective,
            at=at,
            window_start=at - dt.timedelta(days=28),
            window_end=at,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=1000.0 - spent,
            total=1000.0,
            attainment=(1000.0 - spent) / 1000,
            target=0.999,
            budget_total=1.0,
            budget_spent=spent,
            budget_left=budget_left,
            burn_rates=dict.fromkeys(BURN_WINDOWS),
            status=status,
        ),
        forecast=forecast,
    )


def _credit(agreement: str, period: str, amount: str, status: CreditStatus) -> CreditEntry:
    schedule = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))
    return CreditEntry(
        agreement=agreement,
        period=period,
        basis=CreditBasis.SCHEDULE,
        clause="",
        version=1,
        objective="availability",
        attainment=0.998,
        amount=Decimal(amount),
        currency="SAR",
        calculation=service_credit(schedule, 0.998, Charge(amount=90000, currency="SAR")),
        computed_at=NOW,
        status=status,
    )


def close(slmo: Slmo, rows: list[tuple[str, str, str, EvaluationStatus, float]]) -> None:
    with slmo.portfolio._uow() as uow:
        for agreement, objective, period, status, budget in rows:
            closed_at = NOW - dt.timedelta(days=1)
            uow.period_closes.add(
                ClosedPeriod(
                    agreement=agreement,
                    objective=objective,
                    period=period,
                    closed_at=closed_at,
                    record=record(agreement, objective, closed_at, status, budget),
                )
            )
        uow.commit()


def portfolio_world(clock: FixedClock | None = None) -> Slmo:
    slmo = in_memory(clock=clock or FixedClock())
    slmo.catalogue.apply(slmo.codec.load_text(CATALOGUE, "portfolio.yaml"), ACTOR)
    close(slmo, CLOSED)
    stored = NOW - dt.timedelta(minutes=1)
    with slmo.portfolio._uow() as uow:
        uow.evaluations.add([record(a, o, stored, s, b, p) for a, o, s, b, p in NOW_ROWS])
        uow.credits.add(_credit("portal-sla", "2026-07", "4500.00", CreditStatus.COMPUTED))
        uow.credits.add(_credit("portal-sla", "2026-08", "9000.00", CreditStatus.PAID))
        uow.credits.add(_credit("cloud-uc", "2026-08", "750.00", CreditStatus.CONFIRMED))
        uow.costs.put(
            [
                *[
                    ServiceCost(service="portal", period=f"2026-0{m}", amount=Decimal(20000), currency="SAR")
                    for m in (7, 8, 9)
                ],
                *[
                    ServiceCost(service="payments", period=f"2026-0{m}", amount=Decimal(10000), currency="SAR")
                    for m in (7, 8, 9)
                ],
                *[
                    ServiceCost(service="network", period=f"2026-0{m}", amount=Decimal(3000), currency="SAR")
                    for m in (7, 8)
                ],
            ]
        )
        uow.reviews.add(
            Review(
                subject_kind="Agreement",
                subject="portal-sla",
                date=dt.date(2026, 3, 15),
                next_review=dt.date(2026, 9, 15),
                recorded_at=dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC),
                recorded_by="tester",
            )
        )
        uow.commit()
    return slmo
