"""Evidence for a proposed objective on the example SLA: a year of monthly request counts for the
portal, the months that would have met the proposed target, the credits it would have cost,
and the targets history meets with confidence, all checked by hand."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.evidence import CreditNote
from slmo.errors import NotFoundError, SpecError
from slmo.services.ingest import MeasurementKind
from tests.negotiation_support import ADMIN, FAISAL, add_draft, example_slmo

# Bad requests of 10,000 in each month from 2025-11 to 2026-10 (one bucket at noon on the 15th,
# Riyadh time): attainments 0.9995, 0.9992, 0.9988, 0.9997, 0.998, 0.9991, 0.9985, 0.9996,
# 0.9993, 0.997, 0.9989, 0.9994.
BAD = [5, 8, 12, 3, 20, 9, 15, 4, 7, 30, 11, 6]
MONTHS = ["2025-11", "2025-12", *(f"2026-{m:02d}" for m in range(1, 11))]


@pytest.fixture
def slmo() -> Slmo:
    slmo = example_slmo()
    rows = "".join(f"{m}-15T12:00:00+03:00,{10_000 - b},10000\n" for m, b in zip(MONTHS, BAD, strict=True))
    stream = io.BytesIO(("timestamp,good,total\n" + rows).encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, "eportal-requests", stream, "requests.csv", ADMIN)
    return slmo


def test_a_year_at_the_agreed_target(slmo: Slmo) -> None:
    found = slmo.evidence.evidence("eportal-sla", "success-rate")
    assert (found.version, found.target, found.unit, found.time_zone) == (1, 0.999, "M", "Asia/Riyadh")
    assert [p.label for p in found.periods] == MONTHS  # the twelve complete months before 26 November
    assert [p.attainment for p in found.periods] == pytest.approx([1 - b / 10_000 for b in BAD])
    # At or above 0.999: 0.9995, 0.9992, 0.9997, 0.9991, 0.9996, 0.9993, 0.9994.
    assert [p.met for p in found.periods] == [
        True,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert (found.measured, found.met) == (12, 7)
    # Each of the five months below 99.9 % (none below 99.5 %) earns the 5 % tier of the
    # 250,000 SAR monthly charge: 12,500.00, so 62,500.00 in all.
    amounts = [p.credit.amount if p.credit else None for p in found.periods]
    assert amounts == [
        Decimal(x) for x in ("0", "0", "12500", "0", "12500", "0", "12500", "0", "0", "12500", "12500", "0")
    ]
    assert (found.credits_total, found.currency, found.credit_note) == (Decimal("62500.00"), "SAR", None)
    ninety, ninety_five, ninety_nine = found.confidence
    assert (ninety.target, ninety.rank) == (pytest.approx(0.997), 1) and ninety.assured == pytest.approx(12 / 13)
    assert ninety_five.target is None and ninety_five.periods_needed == 19
    assert ninety_nine.target is None


def test_a_lower_proposed_target(slmo: Slmo) -> None:
    found = slmo.evidence.evidence("eportal-sla", "success-rate", target=0.998)
    # Only August 2026 (0.997) falls short of 99.8 %.
    assert (found.measured, found.met) == (12, 11)
    # 99.8 % is below the schedule's top edge (99.9 %): the tiers do not grade it.
    assert found.credit_note is CreditNote.NOT_GRADED and found.credits_total is None
    assert all(p.credit is None for p in found.periods)


def test_more_periods_than_data_and_other_units(slmo: Slmo) -> None:
    found = slmo.evidence.evidence("eportal-sla", "success-rate", periods=24)
    assert len(found.periods) == 24 and found.measured == 12
    assert [p.attainment for p in found.periods[:12]] == [None] * 12
    assert [p.met for p in found.periods[:12]] == [None] * 12
    quarters = slmo.evidence.evidence("eportal-sla", "success-rate", periods=4, per="quarter")
    assert [p.label for p in quarters.periods] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    # A monthly charge: credits are not assessed per quarter.
    assert quarters.credit_note is CreditNote.OTHER_PERIOD
    # 2026-Q1: (10,000 * 3 - 12 - 3 - 20) / 30,000.
    assert quarters.periods[1].attainment == pytest.approx(1 - 35 / 30_000)


def test_the_objective_of_a_proposal(slmo: Slmo) -> None:
    """A draft with the target at 99.95 %: by default its own target is the one tested."""
    number = add_draft(slmo, effective={"from": "2026-12-01"}, edits={"objectives.success-rate.target": 0.9995})
    slmo.negotiation.propose("eportal-sla", number, FAISAL)
    found = slmo.evidence.evidence("eportal-sla", "success-rate")
    assert (found.version, found.target, found.met) == (2, 0.9995, 3)  # 0.9995, 0.9997, 0.9996
    # The credits come from the schedule's tiers, not from the target: the same five months
    # below 99.9 % earn them.
    assert found.credits_total == Decimal("62500.00")
    assert slmo.evidence.evidence("eportal-sla", "success-rate", version=1).target == 0.999


def test_bad_questions(slmo: Slmo) -> None:
    with pytest.raises(NotFoundError, match="no objective eportal-sla/nothing in any version"):
        slmo.evidence.evidence("eportal-sla", "nothing")
    with pytest.raises(NotFoundError, match="agreement 'eportal-sla' has no version 7"):
        slmo.evidence.evidence("eportal-sla", "success-rate", version=7)
    with pytest.raises(NotFoundError):
        slmo.evidence.evidence("no-such", "success-rate")
    with pytest.raises(SpecError, match="periods is from 1 to 120, not 0"):
        slmo.evidence.evidence("eportal-sla", "success-rate", periods=0)
    with pytest.raises(SpecError, match=r"1\.0 is not a ratio in"):
        slmo.evidence.evidence("eportal-sla", "success-rate", target=1.0)
    with pytest.raises(SpecError, match="'day' is not month, quarter or week"):
        slmo.evidence.evidence("eportal-sla", "success-rate", per="day")
