"""The period report's credits section as HTML (``render/templates/report.html``): the ledger's
line and its status, tiers written as bands, and a ticket penalty's calculation, in English
and in Arabic (the world of ``tests/unit/test_credits_ledger.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model import CreditSchedule, CreditTier
from slmo.core.model.report import ReportFormat
from tests.report_support import ACTOR, FixedClock, portal_world
from tests.unit.test_credits_ledger import DESK_SLA, DESK_TICKETS


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def paid() -> Iterator[Slmo]:
    """The desk SLA's October penalty computed and paid, on 3 December 2026."""
    with portal_world() as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(DESK_SLA, "desk.yaml"), ACTOR)
        slmo.tickets.ingest(io.BytesIO(DESK_TICKETS.encode()), "desk.csv", ACTOR)
        clock = slmo.time
        assert isinstance(clock, FixedClock)
        clock.at = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
        slmo.credits.compute("2026-10", ACTOR, agreement="desk-sla")
        (line,) = slmo.credits.entries("2026-10", agreement="desk-sla")
        assert line.id is not None
        slmo.credits.pay(line.id, ACTOR)
        yield slmo


def test_a_penalty_and_its_ledger_line_in_english_and_arabic(paid: Slmo) -> None:
    report = paid.reports.agreement("desk-sla", "2026-10")
    english = _text(paid.reports.render(report, "en", ReportFormat.HTML).decode())
    assert "Penalty on late tickets: resolution" in english
    assert "Breach time in the period: 30.00 h over 3 ticket(s); the first 10.00 h are free." in english
    assert "20.00 h charged: 20 unit(s) of 1.00 h at 50.00 SAR = 1,000.00 SAR" in english
    assert "The cap applies: 1,000.00 SAR is reduced to 800.00 SAR." in english
    assert "Penalty due: 800.00 SAR" in english
    assert "In the credits ledger as line 1: paid." in english
    arabic = _text(paid.reports.render(report, "ar", ReportFormat.HTML).decode())
    assert "غرامة الطلبات المتأخرة: resolution" in arabic
    assert "الغرامة المستحقة: ٨٠٠٫٠٠ SAR" in arabic
    assert "مُسجَّل في سجل الأرصدة بالسطر ١: مدفوع." in arabic


def test_tiers_written_as_bands(paid: Slmo) -> None:
    report = paid.reports.agreement("eportal-sla", "2026-10")
    calculation = report.credits.calculation
    assert calculation is not None
    bands = (
        CreditTier(below=0.999, at_least=0.995, credit=0.05),
        CreditTier(below=0.995, credit=0.10),
    )
    shown = dataclasses.replace(
        report,
        credits=dataclasses.replace(report.credits, calculation=dataclasses.replace(calculation, tiers=bands)),
    )
    assert CreditSchedule(tiers=bands).credit_for(0.997) == 0.05
    text = _text(paid.reports.render(shown, "en", ReportFormat.HTML).decode())
    assert "Tiers: from 99.5% to below 99.9%: 5% of the charge, below 99.5%: 10% of the charge" in text
