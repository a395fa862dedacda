"""The period report's "open improvement actions" section reads the register: the open and
in-progress actions that concern the agreement (by objective, by a breach of it, or by a
review of it), in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.improvement import ActionOrigin, ActionStatus, OriginKind
from slmo.core.model.report import ReportFormat
from slmo.i18n import gettext
from slmo.services.improvements import ActionChange, ActionDraft
from slmo.services.reviews import ReviewInput
from tests.api_support import FixedClock
from tests.review_support import ADMIN, TODAY, seed, write_minutes

TREND = ActionOrigin(kind=OriginKind.TREND, ref="portal-sla/success slipping")


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with in_memory(clock=FixedClock(TODAY)) as handle:
        seed(handle)
        write_minutes(handle, dt.datetime(2026, 10, 30, tzinfo=dt.UTC), [99] * 1440)
        yield handle


def test_the_report_lists_the_open_actions_of_its_agreement(slmo: Slmo) -> None:
    assert slmo.reports.agreement("portal-sla", "2026-10").improvement_actions == ()
    due = dt.date(2027, 1, 31)
    probe = slmo.improvements.add(
        ActionDraft(title="Probe the gateway", owner="ops", due=due, objectives=("portal-sla/success",)), TREND, ADMIN
    )
    elsewhere = slmo.improvements.add(ActionDraft(title="Unrelated", owner="ops", due=due), TREND, ADMIN)
    review, (from_review,) = slmo.reviews.record(
        ReviewInput(subject="portal-sla", date=dt.date(2026, 11, 20), actions=(ActionDraft(title="Agree windows"),)),
        ADMIN,
    )
    finished = slmo.improvements.add(
        ActionDraft(title="Old fix", owner="ops", due=due, objectives=("portal-sla/success",)), TREND, ADMIN
    )
    slmo.improvements.update(finished.id or 0, ActionChange(status=ActionStatus.DONE), ADMIN)
    slmo.improvements.update(probe.id or 0, ActionChange(status=ActionStatus.IN_PROGRESS), ADMIN)
    report = slmo.reports.agreement("portal-sla", "2026-10")
    assert [(a.id, a.title, a.status, a.origin) for a in report.improvement_actions] == [
        (probe.id, "Probe the gateway", "in_progress", "trend:portal-sla/success slipping"),
        (from_review.id, "Agree windows", "open", f"review:{review.id}"),
    ]
    assert elsewhere.id not in {a.id for a in report.improvement_actions}
    english = slmo.reports.render(report, "en", ReportFormat.HTML).decode()
    assert f"#{probe.id} Probe the gateway — ops, due 31 January 2027 (in progress)" in english
    assert gettext("report.actions_none", "en") not in english
    arabic = slmo.reports.render(report, "ar", ReportFormat.HTML).decode()
    assert "قيد التنفيذ" in arabic and "Probe the gateway" in arabic
