"""The rules of proposals for change, worked by hand (``core.engine.proposals``;
``docs/formulas.md``, "Proposals for change").

Twelve months, 2025-11 to 2026-10, of an objective at 99.9 % under the example SLA's schedule
(under 99.9 % 5 %, under 99.5 % 10 %, under 99 % 25 %, at most 30 % of 250,000 SAR a month).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from slmo.core.engine.proposals import (
    Concentration,
    CustomerBreach,
    SupplierFacts,
    TargetFacts,
    Thresholds,
    Trend,
    Usage,
    charge_per_year,
    concentrations,
    effect,
    new_objective,
    on_grid,
    raise_target,
    relax_target,
    renegotiate,
    retirement_effect,
    slug,
    suppliers_of,
    unused,
)
from slmo.core.engine.what_if import achievable, what_if
from slmo.core.model.agreement import Charge, CreditSchedule, CreditTier
from slmo.core.model.catalogue import Service
from slmo.core.model.evidence import CreditNote
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.proposal import Direction, FigureUnit, ProposalKind, Source
from slmo.core.model.targets import Basis
from slmo.core.model.text import LocalizedText
from slmo.core.model.ticket import TargetUnit, TicketTargets

SCHEDULE = CreditSchedule(
    tiers=(
        CreditTier(below=0.999, credit=0.05),
        CreditTier(below=0.995, credit=0.10),
        CreditTier(below=0.99, credit=0.25),
    ),
    cap=0.3,
)
CHARGE = Charge(amount=250_000, currency="SAR", period="month")
LABELS = tuple(f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(12))
SPAN = "2025-11..2026-10"
# A hundred simulated months from 99.960 % up in steps of 0.0004 points: the sixth lowest,
# 0.9996 + 5 * 0.000004 = 99.962 %, is met with 95 % confidence (k = floor(100 * 0.05) + 1).
HIGH_DRAWS = np.array([0.9996 + i * 0.000004 for i in range(100)])
COMFORTABLE = (0.9995, 0.9996, 0.9997, 0.9998, 0.9999, 0.9995, 0.9996, 0.9997, 0.9998, 0.9999, 0.9996, 0.9997)


def facts(
    attainments: tuple[float | None, ...],
    target: float = 0.999,
    *,
    draws: np.ndarray | None = None,
    trend: Trend | None = None,
    credits: bool = True,
    note: CreditNote | None = None,
) -> TargetFacts:
    measured = [a for a in attainments if a is not None]
    return TargetFacts(
        objective="availability",
        target=target,
        span=SPAN,
        labels=LABELS[: len(attainments)],
        attainments=attainments,
        achievable=achievable(measured, draws, (0.90, 0.95, 0.99)),
        what_if=what_if(
            target,
            WindowUnit.MONTH,
            measured,
            draws,
            schedule=SCHEDULE if credits else None,
            charge=CHARGE if credits else None,
            credit_note=note,
        ),
        trend=trend,
        charge=CHARGE if credits else None,
    )


def figures(decision: object) -> dict[str, object]:
    return {f.name: f.value for f in decision.figures}  # type: ignore[attr-defined]


# -- the grid --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.99713, 0.997),  # 1994.26 steps of 0.0005 -> 1994
        (0.99962, 0.9995),  # 1999.24 -> 1999
        (0.9995, 0.9995),  # on the grid already, exactly (no 1998.9999...)
        (0.95812, 0.958),
        (0.998, 0.998),
        (1.0, 1.0),
    ],
)
def test_targets_are_floored_to_the_grid(value: float, expected: float) -> None:
    assert on_grid(value) == expected


def test_a_year_of_the_charge() -> None:
    assert charge_per_year(CHARGE) == Decimal("3000000.00")
    assert charge_per_year(Charge(amount=1000.5, currency="SAR", period="quarter")) == Decimal("4002.00")
    # 100 a week over the mean Gregorian year: 100 * 365.2425 / 7 = 5,217.75.
    assert charge_per_year(Charge(amount=100, currency="SAR", period="week")) == Decimal("5217.75")
    assert charge_per_year(None) is None


# -- raise -----------------------------------------------------------------------------------


def test_a_target_met_comfortably_is_raised_to_what_the_evidence_backs_with_95_percent() -> None:
    decision = raise_target(facts(COMFORTABLE, draws=HIGH_DRAWS, trend=Trend(direction=Direction.STABLE, p_value=0.41)))
    assert decision is not None
    # History alone backs no 95 % target with 12 months (19 needed); the draws' 99.962 % binds,
    # floored to 99.95 %.
    assert (decision.kind, decision.before, decision.after) == (ProposalKind.RAISE_TARGET, 0.999, 0.9995)
    found = figures(decision)
    assert found["periods_measured"] == 12
    assert found["periods_breached"] == 0
    assert found["lowest_attainment"] == 0.9995
    assert found["highest_attainment"] == 0.9999
    assert found["confidence"] == 0.95
    assert found["achievable_target"] == pytest.approx(0.99962)
    assert found["trend"] == "stable"
    assert found["trend_p_value"] == 0.41
    # No draw and no month below 99.9 %: no breach a year on the simulation; history's bound
    # for 0 in 12 is 12 * (1 - 0.05 ** (1 / 12)) = 2.651 a year.
    assert found["breaches_per_year"] == 0.0
    assert found["breaches_per_year_upper"] == pytest.approx(12 * (1 - 0.05 ** (1 / 12)))
    assert found["credits_per_year"] == "0.00"
    credits = next(f for f in decision.figures if f.name == "credits_per_year")
    assert (credits.currency, credits.subject, credits.unit) == ("SAR", "simulation", FigureUnit.MONEY)
    binding = next(f for f in decision.figures if f.name == "achievable_target")
    assert (binding.subject, binding.source, binding.unit) == ("simulation", Source.TARGETS, FigureUnit.RATIO)


def test_an_improving_trend_raises_and_a_degrading_one_does_not() -> None:
    assert raise_target(facts(COMFORTABLE, draws=HIGH_DRAWS, trend=Trend(direction=Direction.IMPROVING))) is not None
    assert raise_target(facts(COMFORTABLE, draws=HIGH_DRAWS)) is not None  # no trend known
    assert raise_target(facts(COMFORTABLE, draws=HIGH_DRAWS, trend=Trend(direction=Direction.DEGRADING))) is None


def test_no_raise_after_a_breach_with_too_few_periods_or_below_the_next_grid_value() -> None:
    breached = (0.9989, *COMFORTABLE[1:])
    assert raise_target(facts(breached, draws=HIGH_DRAWS)) is None
    five = (*COMFORTABLE[:5], None, None, None, None, None, None, None)
    assert raise_target(facts(five, draws=HIGH_DRAWS)) is None
    # The sixth lowest draw at 99.914 % floors to 99.9 %, the target already.
    low = np.array([0.9991 + i * 0.000008 for i in range(100)])
    assert raise_target(facts(COMFORTABLE, draws=low)) is None
    # Without draws 12 months back no 95 % target at all.
    assert raise_target(facts(COMFORTABLE)) is None


def test_a_raise_stops_at_99_99_percent() -> None:
    perfect = np.ones(100)
    decision = raise_target(facts(COMFORTABLE, draws=perfect))
    assert decision is not None
    assert decision.after == 0.9999


# -- relax -----------------------------------------------------------------------------------

# Seven months at 99.8 % (each 5 % of 250,000 = 12,500 SAR) and five at 99.92 %.
MOSTLY_BREACHED = (0.998, 0.9992, 0.998, 0.998, 0.9992, 0.998, 0.998, 0.9992, 0.998, 0.9992, 0.998, 0.9992)


def test_a_target_breached_in_most_periods_is_relaxed_to_what_history_meets_with_90_percent() -> None:
    decision = relax_target(facts(MOSTLY_BREACHED, trend=Trend(direction=Direction.DEGRADING, p_value=0.03)))
    assert decision is not None
    # 95 % needs 19 months; at 90 % k = floor(13 * 0.1) = 1: the lowest month, 99.8 %.
    assert (decision.kind, decision.before, decision.after) == (ProposalKind.RELAX_TARGET, 0.999, 0.998)
    found = figures(decision)
    assert (found["periods_measured"], found["periods_breached"]) == (12, 7)
    assert found["breaches_per_year"] == 7.0  # 7 of 12 months, 12 months a year
    # 7 x 12,500 over 12 months, 12 a year: 87,500 SAR; a year's charge is 3,000,000: 2.917 %.
    assert found["credits_per_year"] == "87500.00"
    assert found["exposure_share"] == pytest.approx(87_500 / 3_000_000)
    assert (found["confidence"], found["achievable_target"]) == (0.90, 0.998)
    assert (found["trend"], found["trend_p_value"]) == ("degrading", 0.03)


def test_an_improving_trend_holds_a_relaxation_back() -> None:
    assert relax_target(facts(MOSTLY_BREACHED, trend=Trend(direction=Direction.IMPROVING, p_value=0.01))) is None
    assert relax_target(facts(MOSTLY_BREACHED, trend=Trend(direction=Direction.STABLE))) is not None


# Four months at 98.5 % (25 % of the charge, 62,500 SAR each) and eight at 99.95 %: breached in
# a third of the months only, but 4 a year costing 250,000 SAR, 8.33 % of a year's charge.
COSTLY = (0.985, 0.9995, 0.9995, 0.985, 0.9995, 0.9995, 0.985, 0.9995, 0.9995, 0.985, 0.9995, 0.9995)


def test_a_target_breached_four_times_a_year_at_a_high_cost_is_relaxed() -> None:
    decision = relax_target(facts(COSTLY))
    assert decision is not None
    found = figures(decision)
    assert (found["periods_breached"], found["breaches_per_year"]) == (4, 4.0)
    assert found["credits_per_year"] == "250000.00"
    assert found["exposure_share"] == pytest.approx(250_000 / 3_000_000)
    assert decision.after == 0.985


def test_no_relaxation_when_breaches_are_rare_or_cheap() -> None:
    three = (0.985, 0.9995, 0.9995, 0.985, 0.9995, 0.9995, 0.985, *([0.9995] * 5))
    assert relax_target(facts(three)) is None  # 3 a year, under 4
    # Four a year at 99.85 % cost 5 % each: 4 x 12,500 = 50,000 SAR, 1.67 % of the year's charge.
    cheap = tuple(0.9985 if a == 0.985 else a for a in COSTLY)
    assert relax_target(facts(cheap)) is None
    # Without a charge the exposure is unknown: four a year alone does not relax.
    assert relax_target(facts(COSTLY, credits=False)) is None
    # With draws that back a 95 % target, that one is taken: the sixth lowest of these.
    draws = np.array([0.997 + i * 0.00002 for i in range(100)])
    decision = relax_target(facts(MOSTLY_BREACHED, draws=draws))
    assert decision is not None
    assert decision.after == 0.997  # 0.997 + 5 * 0.00002 = 99.71 %, floored


def test_the_effect_of_relaxing_ends_the_credits_the_schedule_no_longer_grades() -> None:
    measured = list(MOSTLY_BREACHED)
    before = what_if(0.999, WindowUnit.MONTH, measured, None, schedule=SCHEDULE, charge=CHARGE)
    # At 99.8 % the schedule (highest edge 99.9 %) no longer grades the objective.
    after = what_if(
        0.998, WindowUnit.MONTH, measured, None, schedule=SCHEDULE, charge=CHARGE, credit_note=CreditNote.NOT_GRADED
    )
    found = effect(before, after)
    assert (found.breaches_before, found.breaches_after, found.basis) == (7.0, 0.0, "history")
    assert (found.credits_before, found.credits_after) == (Decimal("87500.00"), Decimal("0.00"))
    assert (found.currency, found.credits_basis) == ("SAR", "history")


def test_the_effect_is_read_on_the_simulation_when_both_targets_have_it() -> None:
    draws = np.array([0.998] * 20 + [0.9995] * 80)
    measured = list(COMFORTABLE)
    before = what_if(0.999, WindowUnit.MONTH, measured, draws, schedule=SCHEDULE, charge=CHARGE)
    after = what_if(0.9995, WindowUnit.MONTH, measured, draws, schedule=SCHEDULE, charge=CHARGE)
    found = effect(before, after)
    # 20 of 100 draws below 99.9 %: 0.2 x 12 = 2.4 a year; below 99.95 % the same 20.
    assert found.breaches_before == pytest.approx(2.4)
    assert found.breaches_after == pytest.approx(2.4)
    assert found.basis == "simulation"
    # 20 draws at 5 % (12,500) over 100: 2,500 a month, 30,000 a year, whatever the target.
    assert (found.credits_before, found.credits_after, found.credits_basis) == (
        Decimal("30000.00"),
        Decimal("30000.00"),
        "simulation",
    )
    unknown = effect(before, None)
    assert (unknown.breaches_after, unknown.credits_after) == (None, None)
    nothing = effect(what_if(0.999, WindowUnit.MONTH, measured, None), None)
    assert (nothing.credits_before, nothing.currency, nothing.credits_basis) == (None, None, None)


# -- complaints ------------------------------------------------------------------------------


def test_complaints_concentrated_on_a_service_no_objective_covers() -> None:
    counts = {("eportal", "complaint"): 6, ("wiki", "complaint"): 2, ("service-desk", "complaint"): 3}
    found = concentrations(counts, covered={"service-desk"})
    # eportal holds 6 of the 11 complaints (54.5 %), at least 5 and at least half; the wiki's 2 are
    # too few; the desk's are measured already.
    assert found == [Concentration(service="eportal", category="complaint", count=6, total=11)]
    assert found[0].share == pytest.approx(6 / 11)
    assert [f.name for f in found[0].figures(SPAN)] == ["category_tickets", "category_total", "category_share"]
    assert concentrations(counts, covered={"service-desk", "eportal"}) == []
    # Spread evenly over three services, none holds half.
    spread = {("a", "complaint"): 5, ("b", "complaint"): 5, ("c", "complaint"): 5}
    assert concentrations(spread, covered=set()) == []
    assert len(concentrations({("a", "complaint"): 5, ("b", "complaint"): 5}, covered=set())) == 2


def test_the_new_objective_takes_a_template_s_terms_or_the_defaults() -> None:
    name = LocalizedText(en="Complaints resolved in time", ar="الشكاوى المحلولة في الوقت")
    template = Objective(
        name="resolution",
        display_name=LocalizedText(en="x"),
        indicator="desk-resolution",
        target=0.9,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False),
        calendar="riyadh-office",
        tickets=TicketTargets(unit=TargetUnit.BUSINESS, targets={"P1": 14_400}),
    )
    copied = new_objective("Customer Complaint", "portal-tickets", name, template)
    assert (copied.name, copied.indicator, copied.target, copied.calendar) == (
        "customer-complaint-tickets",
        "portal-tickets",
        0.9,
        "riyadh-office",
    )
    assert copied.tickets == template.tickets
    default = new_objective("complaint", "portal-tickets", name, None, ("P1", "P2"))
    assert default.window == Window(length=1, unit=WindowUnit.MONTH, rolling=False)
    assert default.tickets == TicketTargets(unit=TargetUnit.BUSINESS, targets={"P1": 28_800, "P2": 28_800})
    assert slug("  Ünhappy / users ") == "nhappy-users"
    assert slug("!!!") == "tickets"


# -- suppliers -------------------------------------------------------------------------------


def _service(name: str, services: tuple[str, ...] = (), suppliers: tuple[str, ...] = ()) -> Service:
    return Service(
        name=name, display_name=LocalizedText(en=name), depends_on_services=services, depends_on_suppliers=suppliers
    )


def test_suppliers_are_found_through_the_services_a_service_depends_on() -> None:
    services = {
        s.name: s
        for s in (
            _service("eportal", ("network", "service-desk"), ("nimbus-cloud",)),
            _service("network", ("eportal",), ("fibre-co",)),  # a cycle back is not followed again
            _service("service-desk"),
        )
    }
    assert suppliers_of(services, "eportal") == {"nimbus-cloud", "fibre-co"}
    assert suppliers_of(services, "service-desk") == set()
    assert suppliers_of(services, "unknown") == set()


def _contract(target: float, breached: set[str]) -> TargetFacts:
    attainments = tuple(0.98 if label in breached else 0.99995 for label in LABELS)
    return facts(attainments, target, credits=False)


def test_a_contract_whose_breaches_came_with_customer_breaches_is_renegotiated() -> None:
    customer = (
        CustomerBreach(objective="eportal-sla/availability", target=0.999, period="2026-03"),
        CustomerBreach(objective="eportal-sla/availability", target=0.999, period="2026-05"),
        CustomerBreach(objective="eportal-sla/success-rate", target=0.999, period="2026-07"),
    )
    contract = _contract(0.9999, {"2026-03", "2026-07"})
    found = renegotiate(
        SupplierFacts(
            contract=contract,
            supplier="nimbus-cloud",
            customer=customer,
            owed=Decimal("18000.00"),
            paid=Decimal("9000.00"),
            customer_credits=Decimal("25000.00"),
            lost=Decimal("1500.00"),
            currency="SAR",
        )
    )
    assert found is not None
    # March and July: the contract breached in the same months; May it did not.
    assert found.caused == (customer[0], customer[2])
    # The contract's 99.99 % is stricter than the portal's 99.9 % already: the target stays.
    assert (found.before, found.after) == (0.9999, 0.9999)
    values = figures(found)
    assert values["caused_breaches"] == 2
    assert values["caused_periods"] == "2026-03, 2026-07"
    assert values["customer_objectives"] == "eportal-sla/availability, eportal-sla/success-rate"
    assert values["credits_unpaid"] == "9000.00"
    assert values["credits_lost"] == "1500.00"
    assert values["supplier"] == "nimbus-cloud"
    unpaid = next(f for f in found.figures if f.name == "credits_unpaid")
    assert (unpaid.currency, unpaid.source, unpaid.span) == ("SAR", Source.LEDGER, SPAN)
    caused = next(f for f in found.figures if f.name == "caused_breaches")
    assert caused.source is Source.EVIDENCE


def test_a_looser_contract_is_raised_to_the_customer_target_and_impact_replaces_coincidence() -> None:
    customer = (CustomerBreach(objective="eportal-sla/availability", target=0.999, period="2026-03"),)
    found = renegotiate(SupplierFacts(contract=_contract(0.99, {"2026-03"}), supplier="s", customer=customer))
    assert found is not None
    assert (found.before, found.after) == (0.99, 0.999)
    # Dependency impact says the supplier explained nothing: no renegotiation.
    assert (
        renegotiate(SupplierFacts(contract=_contract(0.99, {"2026-03"}), supplier="s", customer=customer, explained=()))
        is None
    )
    explained = renegotiate(
        SupplierFacts(contract=_contract(0.99, set()), supplier="s", customer=customer, explained=customer)
    )
    assert explained is not None
    assert next(f for f in explained.figures if f.name == "caused_breaches").source is Source.IMPACT
    # No month in common: nothing to renegotiate.
    assert renegotiate(SupplierFacts(contract=_contract(0.99, {"2026-04"}), supplier="s", customer=customer)) is None
    assert (
        renegotiate(
            SupplierFacts(contract=_contract(0.99, {"2026-03"}), supplier="s", customer=customer),
            Thresholds(renegotiate_min=2),
        )
        is None
    )


# -- usage -----------------------------------------------------------------------------------


def test_an_agreement_nobody_used_over_the_whole_span() -> None:
    assert unused(Usage(events=0, tickets=None, whole_span=True))
    assert unused(Usage(events=0, tickets=0, whole_span=True))
    assert not unused(Usage(events=0, tickets=0, whole_span=False))  # in force for part of it
    assert not unused(Usage(events=None, tickets=None, whole_span=True))  # no way to see use
    assert not unused(Usage(events=3, tickets=None, whole_span=True))
    assert not unused(Usage(events=0, tickets=1, whole_span=True))
    assert unused(Usage(events=3, tickets=0, whole_span=True), Thresholds(retire_events=5))


def test_retiring_ends_breaches_and_credits() -> None:
    two = facts((0.998, 0.998, *([0.9995] * 10)))  # 2 a year at 99.9 %
    one = facts((0.998, *([0.9995] * 11)))
    found = retirement_effect([two, one], Decimal("25000.00"), "SAR")
    assert (found.breaches_before, found.breaches_after) == (3.0, 0.0)
    assert (found.credits_before, found.credits_after, found.currency) == (Decimal("25000.00"), Decimal("0.00"), "SAR")
    assert found.basis == Basis.HISTORY.value
    nothing = retirement_effect([], None, None)
    assert (nothing.breaches_before, nothing.credits_after, nothing.credits_basis) == (None, None, None)
