"""The alert life cycle over the in-memory store, with a clock the test moves: an objective
that pages, is acknowledged, escalates, recovers and pages again (``tests/alert_support.py``)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.alerts import Alert, AlertStatus, NotificationEvent
from slmo.errors import ConflictError, NotFoundError
from slmo.notify.memory import RecordingNotifier
from slmo.services.delivery import MAX_ATTEMPTS, NOTIFY
from tests.alert_support import ADMIN, BURST, BURST_MINUTES, catalogue, page_then_recover, seed
from tests.api_support import TICKET_OBJECTIVES, FixedClock

END = BURST + dt.timedelta(minutes=BURST_MINUTES)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(BURST)


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with in_memory(clock=clock, notifier=RecordingNotifier()) as handle:
        seed(handle, catalogue())
        page_then_recover(handle)
        yield handle


def at(slmo: Slmo, clock: FixedClock, minutes: float) -> list[Alert]:
    """Evaluate (and decide the alerts) ``minutes`` after the burst began; every alert."""
    clock.at = BURST + dt.timedelta(minutes=minutes)
    slmo.alerts.evaluate(clock.at)
    return slmo.alerts.alerts(everything=True)


def by_tier(alerts: list[Alert]) -> dict[str, list[Alert]]:
    found: dict[str, list[Alert]] = {}
    for alert in alerts:
        found.setdefault(alert.tier, []).append(alert)
    return found


def test_the_page_opens_once_and_is_kept_while_it_fires(slmo: Slmo, clock: FixedClock) -> None:
    assert at(slmo, clock, -5) == []
    (page,) = at(slmo, clock, 3)
    assert (page.tier, page.state, page.level, page.key) == ("page", AlertStatus.FIRING, 1, "portal-sla/success")
    assert page.opened_at == BURST + dt.timedelta(minutes=3)
    assert page.reasons == ("burn 1h/5m",) and page.burn_window == "1h" and page.service == "portal"
    # Three bad minutes of 60: the hour's burn rate is 500 x 3 / 60.
    assert page.burn_rate == pytest.approx(25.0)
    # A day of history holds a budget of 1,440 failed requests: the burst overspends it.
    assert page.budget_left == pytest.approx(1 - 1500 / 1443)
    again = by_tier(at(slmo, clock, 5))
    assert [a.id for a in again["page"]] == [page.id]  # deduplicated: the same alert, seen again
    assert again["page"][0].last_seen_at == BURST + dt.timedelta(minutes=5)
    assert "ticket" not in again  # 5 bad minutes of a day: 1.7 < 2.8
    tiers = by_tier(at(slmo, clock, 10))
    assert [a.state for a in tiers["ticket"]] == [AlertStatus.FIRING]
    assert len(tiers["page"]) == 1


def test_firing_tells_the_first_level_and_the_policy_target_in_their_languages(slmo: Slmo, clock: FixedClock) -> None:
    (page,) = at(slmo, clock, 3)
    assert page.id is not None
    told = slmo.alerts.notifications(page.id)
    assert sorted((n.recipient, n.lang, n.event) for n in told) == [
        ("ministry/Noura", "ar", NotificationEvent.FIRING),
        ("target/ops-hook", "en", NotificationEvent.FIRING),
    ]
    arabic = next(n for n in told if n.lang == "ar")
    english = next(n for n in told if n.lang == "en")
    assert "تنبيه" in arabic.title and "البوابة" not in arabic.title and "portal" in arabic.title
    assert "معدل الاستهلاك: ٢٥٫٠٠×" in arabic.body and "http://localhost:8000/ui/agreements/portal-sla" in arabic.body
    assert english.title == "[page] portal: success is alerting"
    assert "Burn rate: 25.00× (1h)" in english.body and "burn 1h/5m" in english.body
    assert all(n.status.value == "pending" and n.attempts == 0 for n in told)
    at(slmo, clock, 4)
    assert len(slmo.alerts.notifications(page.id)) == 2  # told once, however often it is seen


def test_an_unacknowledged_alert_escalates_after_the_set_time(slmo: Slmo, clock: FixedClock) -> None:
    (page,) = at(slmo, clock, 3)
    assert page.id is not None
    page_now = by_tier(at(slmo, clock, 32))["page"][0]
    assert page_now.level == 1  # 29 minutes: not yet
    page_now = by_tier(at(slmo, clock, 33))["page"][0]
    assert (page_now.level, page_now.escalated_at) == (2, BURST + dt.timedelta(minutes=33))
    escalated = [n for n in slmo.alerts.notifications(page.id) if n.event is NotificationEvent.ESCALATED]
    assert sorted(n.recipient for n in escalated) == ["ministry/Duty desk", "target/ops-hook"]
    assert "escalated to level 2" in escalated[0].title
    # There is no level 3: the alert stays at 2 however long it fires.
    assert by_tier(at(slmo, clock, 59))["page"][0].level == 2


def test_an_acknowledged_alert_neither_escalates_nor_reopens_and_resolves(slmo: Slmo, clock: FixedClock) -> None:
    (page,) = at(slmo, clock, 3)
    assert page.id is not None
    clock.at = BURST + dt.timedelta(minutes=4)
    acked = slmo.alerts.acknowledge(page.id, ADMIN)
    assert (acked.state, acked.acknowledged_by, acked.acknowledged_at) == (AlertStatus.ACKNOWLEDGED, "tester", clock.at)
    assert slmo.alerts.acknowledge(page.id, ADMIN) == acked  # idempotent
    (entry,) = slmo.catalogue.audit("Alert", str(page.id))
    assert (entry.actor, entry.before, entry.after) == (
        "tester",
        {"state": "firing", "objective": "portal-sla/success", "tier": "page"},
        {"state": "acknowledged", "objective": "portal-sla/success", "tier": "page"},
    )
    for minutes in (20, 40, 59):
        pages = by_tier(at(slmo, clock, minutes))["page"]
        assert [(a.id, a.state, a.level) for a in pages] == [(page.id, AlertStatus.ACKNOWLEDGED, 1)]
    # After the burst the 5-minute window clears at once, but the hour holds the bad minutes
    # and the page's signals are both needed: it resolves when the 5-minute window is clean.
    pages = by_tier(at(slmo, clock, BURST_MINUTES + 5))["page"]
    assert [(a.id, a.state) for a in pages] == [(page.id, AlertStatus.RESOLVED)]
    assert pages[0].resolved_at == END + dt.timedelta(minutes=5)
    assert slmo.alerts.alerts() == [a for a in slmo.alerts.alerts(everything=True) if a.open]
    resolved = [n for n in slmo.alerts.notifications(page.id) if n.event is NotificationEvent.RESOLVED]
    assert sorted(n.recipient for n in resolved) == ["ministry/Noura", "target/ops-hook"]
    with pytest.raises(ConflictError):
        slmo.alerts.acknowledge(page.id, ADMIN)
    with pytest.raises(NotFoundError):
        slmo.alerts.acknowledge(999, ADMIN)


def test_a_new_burst_after_the_resolution_opens_a_new_alert(slmo: Slmo, clock: FixedClock) -> None:
    (page,) = at(slmo, clock, 3)
    at(slmo, clock, BURST_MINUTES + 5)
    later = BURST + dt.timedelta(hours=3)
    page_then_recover(slmo, burst=later, minutes=10)
    pages = by_tier(at(slmo, clock, 183))["page"]
    assert [a.state for a in pages] == [AlertStatus.FIRING, AlertStatus.RESOLVED]  # newest first
    assert pages[0].id != page.id and pages[1].id == page.id


def test_the_ticket_tier_resolves_when_its_signals_stop(slmo: Slmo, clock: FixedClock) -> None:
    tiers = by_tier(at(slmo, clock, 10))
    ticket = tiers["ticket"][0]
    # The last bad minute (59) leaves the 2-hour window two hours later.
    assert by_tier(at(slmo, clock, 179))["ticket"][0].state is AlertStatus.FIRING
    assert by_tier(at(slmo, clock, 180))["ticket"][0].state is AlertStatus.RESOLVED
    assert by_tier(at(slmo, clock, 181))["ticket"][0].id == ticket.id


def test_no_alert_opens_during_agreed_maintenance(clock: FixedClock) -> None:
    window = "[{start: 2026-11-02T08:30:00Z, end: 2026-11-02T10:30:00Z, reason: upgrade}]"
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue(exclusions=window))
        page_then_recover(slmo)
        assert at(slmo, clock, 10) == []
        assert at(slmo, clock, 60) == []


def test_maintenance_neither_escalates_nor_opens_and_its_minutes_do_not_count(clock: FixedClock) -> None:
    """Maintenance from 09:05: the page opened at 09:03 stays open, silenced, while its
    windows hold counted bad minutes, and resolves once the 5-minute window holds only
    maintenance, which is excluded from the measurements; the ticket never opens."""
    window = "[{start: 2026-11-02T09:05:00Z, end: 2026-11-02T10:30:00Z}]"
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue(exclusions=window))
        page_then_recover(slmo)
        (page,) = at(slmo, clock, 3)
        kept = by_tier(at(slmo, clock, 6))["page"]
        assert [(a.id, a.state, a.level) for a in kept] == [(page.id, AlertStatus.FIRING, 1)]
        gone = by_tier(at(slmo, clock, 40))["page"]
        assert [(a.id, a.state, a.level) for a in gone] == [(page.id, AlertStatus.RESOLVED, 1)]
        assert by_tier(at(slmo, clock, 50)).get("ticket") is None


def test_the_default_policy_applies_to_an_objective_without_one(clock: FixedClock) -> None:
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue(policies=()))
        page_then_recover(slmo)
        tiers = by_tier(at(slmo, clock, 3))
        (page,) = tiers["page"]
        assert page.reasons == ("burn 1h/5m",)
        # 1,500 failed of 1,443,000 over three days: 1.04 > 0.933, and 4.2 over six hours.
        assert [a.reasons for a in tiers["ticket"]] == [("burn 3d/6h",)]
        assert page.id is not None
        # No policy target, and the default tells resolutions too.
        assert [n.recipient for n in slmo.alerts.notifications(page.id)] == ["ministry/Noura"]


def test_the_scheduled_evaluation_decides_alerts_in_its_own_unit_of_work(slmo: Slmo, clock: FixedClock) -> None:
    clock.at = BURST + dt.timedelta(minutes=3)
    slmo.scheduler.sync()
    outcomes = slmo.scheduler.run_due("tester", limit=10)
    assert all(o.completed for o in outcomes), outcomes
    assert [a.tier for a in slmo.alerts.alerts()] == ["page"]
    assert len(slmo.evaluation.evaluations()) == 1
    assert {j.kind for j in slmo.scheduler.jobs()} == {"evaluate", NOTIFY, "review", "close"}


def test_the_notify_job_delivers_and_retries_with_back_off() -> None:
    clock = FixedClock(BURST)
    notifier = RecordingNotifier()
    with in_memory(clock=clock, notifier=notifier) as slmo:
        seed(slmo, catalogue())
        page_then_recover(slmo)
        (page,) = at(slmo, clock, 3)
        assert page.id is not None
        notifier.fail_next("HTTP 500 from the hook")
        report = slmo.delivery.deliver_due()
        assert (report.sent, report.retrying, report.failed) == (1, 1, 0)
        told = {n.recipient: n for n in slmo.alerts.notifications(page.id)}
        first = told["ministry/Noura"]
        assert (first.status.value, first.attempts, first.last_error) == ("pending", 1, "HTTP 500 from the hook")
        assert first.next_attempt_at == clock.at + dt.timedelta(seconds=30)
        assert told["target/ops-hook"].status.value == "sent"
        assert slmo.delivery.deliver_due().sent == 0  # not due yet
        clock.at += dt.timedelta(seconds=30)
        assert slmo.delivery.deliver_due().sent == 1
        done = {n.recipient: n for n in slmo.alerts.notifications(page.id)}["ministry/Noura"]
        assert (done.status.value, done.attempts, done.sent_at) == ("sent", 2, clock.at)
        assert [a.ok for a in done.history] == [False, True]
        assert notifier.sent[-1].target == "json://noura.example/hook" and "تنبيه" in notifier.sent[-1].title


def test_a_notification_that_keeps_failing_is_given_up() -> None:
    clock = FixedClock(BURST)
    notifier = RecordingNotifier()
    with in_memory(clock=clock, notifier=notifier) as slmo:
        seed(slmo, catalogue())
        page_then_recover(slmo)
        (page,) = at(slmo, clock, 3)
        assert page.id is not None
        notifier.fail_next(*["refused"] * (2 * MAX_ATTEMPTS))
        waits = []
        for _ in range(MAX_ATTEMPTS):
            slmo.delivery.deliver_due()
            pending = [n for n in slmo.alerts.notifications(page.id) if n.next_attempt_at is not None]
            if pending:
                waits.append((pending[0].next_attempt_at - clock.at).total_seconds())
                clock.at = pending[0].next_attempt_at
        assert waits == [30, 60, 120, 240, 480]
        gone = slmo.alerts.notifications(page.id)
        assert {(n.status.value, n.attempts, n.last_error) for n in gone} == {("failed", MAX_ATTEMPTS, "refused")}
        assert slmo.delivery.deliver_due().failed == 0  # nothing more is tried


OPEN_TICKET = """\
id,service,priority,opened,status,at,sequence,resolved
T9,portal,P1,2026-11-02T08:00:00Z,New,2026-11-02T08:00:00Z,0,
"""


def test_a_running_ticket_is_warned_once_at_the_highest_share_reached(clock: FixedClock) -> None:
    """T9 (P1, a 4-hour target in calendar time) opened at 08:00 and still open: 50 % at
    10:00, 75 % at 11:00, late at 12:00."""
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue() + "---\n" + TICKET_OBJECTIVES.format(service="portal", party="ministry"))
        clock.at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
        slmo.tickets.ingest(io.BytesIO(OPEN_TICKET.encode()), "tickets.csv", ADMIN)

        def warnings_at(hour: int, minute: int = 0) -> list[tuple[str, str, str]]:
            clock.at = dt.datetime(2026, 11, 2, hour, minute, tzinfo=dt.UTC)
            slmo.alerts.evaluate(clock.at, "portal-desk/resolution")
            return [(n.subject, n.recipient, n.title) for n in slmo.alerts.outbox()]

        assert warnings_at(9, 59) == []
        first = warnings_at(10, 0)
        # The desk's objective names no policy: no target, the parties' first level only.
        assert [(s, r) for s, r, _ in first] == [("ticket:portal-desk/resolution:T9:50", "ministry/Noura")]
        assert first[0][2] == "التذكرة T9: مضى ٥٠٪ من مهلتها (resolution)"
        assert warnings_at(10, 30) == first  # told once
        later = warnings_at(11, 30)  # 87 %: the 75 % warning, once
        assert sorted({s for s, _, _ in later} - {s for s, _, _ in first}) == ["ticket:portal-desk/resolution:T9:75"]
        assert warnings_at(12, 30) == later  # late: no more warnings
        assert slmo.alerts.alerts(everything=True) == []
