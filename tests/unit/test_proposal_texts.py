"""Proposals for change in words (``i18n.proposals``), in English and Arabic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.proposal import (
    Change,
    Effect,
    Figure,
    FigureUnit,
    Proposal,
    ProposalKind,
    Source,
    TargetChange,
)
from slmo.core.model.text import LocalizedText
from slmo.i18n.proposals import change_text, effect_text, figure_text, kind_label, status_label

RAISED = Proposal(
    period="2027",
    kind=ProposalKind.RAISE_TARGET,
    agreement="eportal-sla",
    objective="success-rate",
    version=1,
    evidence_span="2025-11..2026-10",
    change=Change(target=TargetChange(objective="success-rate", before=0.999, after=0.9995)),
    evidence=(),
    effect=Effect(
        breaches_before=2.4,
        breaches_after=0.5,
        credits_before=Decimal("30000.00"),
        credits_after=Decimal("30000.00"),
        currency="SAR",
        basis="simulation",
    ),
    drafted_at=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
    drafted_by="faisal",
)


def test_changes() -> None:
    assert change_text(RAISED, "en") == "success-rate: 99.9% → 99.95%"
    assert change_text(RAISED, "ar") == "success-rate: ٩٩٫٩٪ ← ٩٩٫٩٥٪"
    same = dataclasses.replace(
        RAISED, change=Change(target=TargetChange(objective="uptime", before=0.9999, after=0.9999))
    )
    assert change_text(same, "en") == "uptime: target stays at 99.99%; the terms are renegotiated"
    retire = dataclasses.replace(RAISED, change=Change(retire=True), agreement="nimbus-uc")
    assert change_text(retire, "en") == "retire nimbus-uc: a version with no objectives, credits or charge"
    waiting = dataclasses.replace(
        RAISED, objective="complaint-tickets", change=Change(service="eportal", category="complaint")
    )
    assert change_text(waiting, "en") == (
        "new objective complaint-tickets for the complaint tickets of eportal: the service needs a ticket "
        "indicator first"
    )
    objective = Objective(
        name="complaint-tickets",
        display_name=LocalizedText(en="x"),
        indicator="eportal-tickets",
        target=0.9,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False),
    )
    added = dataclasses.replace(waiting, change=Change(added=objective, service="eportal", category="complaint"))
    assert change_text(added, "en") == (
        "new objective complaint-tickets on eportal-tickets at 90%, for the complaint tickets of eportal"
    )
    assert (kind_label(ProposalKind.RETIRE_AGREEMENT, "ar"), status_label("accepted", "ar")) == (
        "إنهاء الاتفاقية",
        "مقبول",
    )


def test_figures_with_their_source() -> None:
    breached = Figure(
        name="periods_breached", value=7, unit=FigureUnit.COUNT, source=Source.EVIDENCE, span="2025-11..2026-10"
    )
    assert figure_text(breached, "en") == "Periods breached: 7 (the past periods, November 2025 – October 2026)"
    credits = Figure(
        name="credits_per_year",
        value="87500.00",
        unit=FigureUnit.MONEY,
        source=Source.TARGETS,
        subject="simulation",
        currency="SAR",
    )
    assert figure_text(credits, "en") == "Credits a year [simulation]: 87,500.00 SAR (targets and what-if)"
    assert figure_text(credits, "ar") == "الخصومات في السنة [المحاكاة]: ٨٧٬٥٠٠٫٠٠ SAR (الأهداف الممكنة وماذا لو)"
    trend = Figure(name="trend", value="degrading", unit=FigureUnit.WORD, source=Source.TRENDS)
    assert figure_text(trend, "ar") == "الاتجاه: يتراجع (اختبار الاتجاه)"
    target = Figure(name="achievable_target", value=0.99962, unit=FigureUnit.RATIO, source=Source.TARGETS)
    assert figure_text(target, "en") == "Achievable target: 99.962% (targets and what-if)"
    none = Figure(name="indicator", value=None, unit=FigureUnit.WORD, source=Source.CATALOGUE, subject="eportal")
    assert figure_text(none, "en") == "Ticket indicator to measure them [eportal]: — (the agreement's terms)"


def test_effects() -> None:
    assert effect_text(RAISED.effect, "en") == (
        "breaches a year 2.40 → 0.50 (simulation); credits a year 30,000.00 SAR → 30,000.00 SAR"
    )
    assert effect_text(Effect(), "en") == "not known beforehand"
    retired = Effect(breaches_before=None, breaches_after=0.0, basis="history")
    assert effect_text(retired, "en") == "breaches a year — → 0.00 (history)"
    assert effect_text(RAISED.effect, "ar") == (
        "المخالفات في السنة ٢٫٤٠ ← ٠٫٥٠ (المحاكاة)؛ الخصومات في السنة ٣٠٬٠٠٠٫٠٠ SAR ← ٣٠٬٠٠٠٫٠٠ SAR"
    )
