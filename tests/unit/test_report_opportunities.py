"""The period report's improvement opportunities (``services/reports.py``, the report's
template), over the example catalogue with October 2026 measured (``tests/report_support.py``).

The portal SLA's own objectives: availability spent 120 of its 44.04 slices (2.72480 budgets,
all during the outage INC-1, which has no cause recorded: 60 bad minutes in Thursday 23:00 and
60 in Friday 00:00, Riyadh), the success rate 30,000 of its 44,040 requests (0.68120, Monday 5
October 10:00): 3.40600 in all. An SLA's report leaves suppliers out; the cloud contract's
report has its supplier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.opportunity import NO_LABEL, Dimension
from slmo.core.model.report import AgreementReport, ReportFormat
from tests.report_support import portal_world

AVAILABILITY = 120 / 44.04
SUCCESS = 30_000 / 44_040


@pytest.fixture(scope="module")
def slmo() -> Iterator[Slmo]:
    with portal_world() as handle:
        yield handle


@pytest.fixture(scope="module")
def report(slmo: Slmo) -> AgreementReport:
    return slmo.reports.agreement("eportal-sla", "2026-10")


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_agreements_opportunities(report: AgreementReport) -> None:
    found = report.opportunities
    assert found is not None and found.period == "2026-10"
    assert {o.agreement for o in found.objectives} == {"eportal-sla"}
    assert found.spent == pytest.approx(AVAILABILITY + SUCCESS)
    assert found.breakdowns[Dimension.SUPPLIER] == ()
    # The portal first, the outage's missing cause, then the hours beyond an even rate: the
    # outage's two (Friday 00:00 first of the tie) and the success rate's burst.
    assert [(p.slice.dimension.value, p.slice.item) for p in found.proposals] == [
        ("service", "eportal"),
        ("cause", NO_LABEL),
        ("week_hour", "fri 00:00"),
        ("week_hour", "thu 23:00"),
        ("week_hour", "mon 10:00"),
    ]
    assert [p.slice.spent for p in found.proposals] == pytest.approx(
        [AVAILABILITY + SUCCESS, AVAILABILITY, AVAILABILITY / 2, AVAILABILITY / 2, SUCCESS]
    )
    assert {p.owner for p in found.proposals} == {"it-operations"}


def test_a_contracts_report_has_its_supplier(slmo: Slmo) -> None:
    found = slmo.reports.agreement("nimbus-uc", "2026-10").opportunities
    assert found is not None
    (supplier,) = found.breakdowns[Dimension.SUPPLIER]
    assert (supplier.item, supplier.contracts) == ("nimbus-cloud", ("nimbus-uc",))
    assert supplier.spent == pytest.approx(120 / 3.27)


def test_the_section_in_english_and_arabic(slmo: Slmo, report: AgreementReport) -> None:
    english = _text(slmo.reports.render(report, "en", ReportFormat.HTML).decode())
    section = english[english.index("Improvement opportunities") : english.index("Open improvement actions")]
    assert "3.41 budgets were spent in all" in section and "2.72 of them while no incident was open" not in section
    assert "0.68 of them while no incident was open" in section
    assert "1 Service: eportal 3.41 100.0%" in section
    assert "2 Incident cause: incidents without a recorded cause 2.72 80.0%" in section
    assert "3 Hour of the week: Friday 00:00–01:00 1.36 40.0%" in section
    assert "eportal-sla/availability: 120 bad slices, 120 min (272.5% of its budget)" in section
    assert "eportal-sla/success-rate: 30,000 bad events (68.1% of its budget)" in section
    assert "incidents: INC-1" in section
    assert "Record a cause on every incident" in section and "(owner: it-operations)" in section
    assert "dimensions overlap" in section

    arabic = _text(slmo.reports.render(report, "ar", ReportFormat.HTML).decode())
    section = arabic[arabic.index("فرص التحسين") : arabic.index("إجراءات التحسين المفتوحة")]
    assert "استُهلكت ٣٫٤١ ميزانية إجمالًا" in section
    assert "الخدمة: eportal ٣٫٤١ ١٠٠٫٠٪" in section
    assert "ساعة الأسبوع: الجمعة ٠٠:٠٠–٠١:٠٠" in section
    assert "سبب الحادث: حوادث دون سبب مسجَّل" in section
    assert "(المسؤول: it-operations)" in section


def test_nothing_spent_says_so(slmo: Slmo) -> None:
    # The wiki's expectation has no measurements: no budget was spent, nothing to propose.
    report = slmo.reports.agreement("wiki-expectation", "2026-10")
    assert report.opportunities is not None and report.opportunities.proposals == ()
    page = _text(slmo.reports.render(report, "en", ReportFormat.HTML).decode())
    assert "No error budget was spent in the period: nothing to propose." in page
