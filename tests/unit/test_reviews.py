"""Reviews over the in-memory store: the schedule of agreements and procedures, recording a
review with its actions, refusals that change nothing, and the daily job's notices to the
owners' contacts in their languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.alerts import Notification, NotificationEvent
from slmo.core.model.improvement import OriginKind
from slmo.core.model.review import ReviewState
from slmo.errors import NotFoundError, SpecError
from slmo.notify.memory import RecordingNotifier
from slmo.services.improvements import ActionDraft
from slmo.services.reviews import REVIEW, ReviewInput, parse_subject, review_input
from tests.api_support import FixedClock
from tests.review_support import ADMIN, TODAY, seed


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with in_memory(clock=clock, notifier=RecordingNotifier()) as handle:
        seed(handle)
        yield handle


def rows(slmo: Slmo) -> dict[str, tuple[str, str, int]]:
    return {r.key: (r.next_review.isoformat(), r.state.value, r.days) for r in slmo.reviews.schedule()}


def test_the_schedule_of_agreements_and_procedures(slmo: Slmo) -> None:
    assert rows(slmo) == {
        # In force since 1 January, reviewed every six months, never reviewed: overdue.
        "Agreement/portal-sla": ("2026-07-01", "overdue", -148),
        # Its document sets the date.
        "Procedure/portal-runbook": ("2027-01-15", "scheduled", 50),
        # No date: a year after it was registered (today).
        "Procedure/data-centre": ("2027-11-26", "scheduled", 365),
    }
    (sla,) = slmo.reviews.schedule(states={ReviewState.OVERDUE})
    assert sla.owners == ("ops",) and sla.every_months == 6 and sla.last_review is None


def test_due_from_thirty_days_before_and_overdue_the_day_after(slmo: Slmo, clock: FixedClock) -> None:
    clock.at = dt.datetime(2026, 12, 16, tzinfo=dt.UTC)
    assert rows(slmo)["Procedure/portal-runbook"] == ("2027-01-15", "due", 30)
    clock.at = dt.datetime(2027, 1, 15, 23, 0, tzinfo=dt.UTC)
    assert rows(slmo)["Procedure/portal-runbook"] == ("2027-01-15", "due", 0)
    clock.at = dt.datetime(2027, 1, 16, tzinfo=dt.UTC)
    assert rows(slmo)["Procedure/portal-runbook"] == ("2027-01-15", "overdue", -1)


def test_a_review_sets_the_next_one_and_creates_its_actions(slmo: Slmo) -> None:
    given = ReviewInput(
        subject="portal-sla",
        date=dt.date(2026, 11, 20),
        attendees=("Omar (ops)", "Noura (ministry)"),
        findings=("Two breaches of success in October, both from the payment gateway",),
        decisions=("Add a synthetic probe of the gateway",),
        actions=(
            ActionDraft(title="Probe the payment gateway", objectives=("portal-sla/success",)),
            ActionDraft(
                title="Agree maintenance windows with the ministry", owner="ministry", due=dt.date(2027, 1, 31)
            ),
        ),
    )
    review, actions = slmo.reviews.record(given, ADMIN)
    assert review.id is not None and review.key == "Agreement/portal-sla"
    assert review.next_review == dt.date(2027, 5, 20)
    assert [(a.title, a.owner, a.due.isoformat(), a.objectives) for a in actions] == [
        ("Probe the payment gateway", "ops", "2027-05-20", ("portal-sla/success",)),
        ("Agree maintenance windows with the ministry", "ministry", "2027-01-31", ()),
    ]
    assert all(a.origin.kind is OriginKind.REVIEW and a.origin.ref == str(review.id) for a in actions)
    assert rows(slmo)["Agreement/portal-sla"] == ("2027-05-20", "scheduled", 175)
    (sla,) = [r for r in slmo.reviews.schedule() if r.subject == "portal-sla"]
    assert (sla.last_review, sla.last_review_id) == (dt.date(2026, 11, 20), review.id)
    assert slmo.reviews.get(review.id) == review
    assert slmo.reviews.list("agreement/portal-sla") == [review]
    assert [a.id for a in slmo.reviews.actions_of(review.id)] == [a.id for a in actions]
    kinds = [(e.kind, e.action.value) for e in slmo.catalogue.audit()[-3:]]
    assert kinds == [("Review", "create"), ("ImprovementAction", "create"), ("ImprovementAction", "create")]


def test_a_review_may_set_the_next_date_and_a_procedure_moves_on(slmo: Slmo, clock: FixedClock) -> None:
    review, _ = slmo.reviews.record(
        ReviewInput(subject="procedure/portal-runbook", date=dt.date(2026, 11, 26), next_review=dt.date(2027, 3, 1)),
        ADMIN,
    )
    assert review.next_review == dt.date(2027, 3, 1)
    # The later of the document's date and the review's.
    assert rows(slmo)["Procedure/portal-runbook"] == ("2027-03-01", "scheduled", 95)


def refused(slmo: Slmo, given: ReviewInput) -> SpecError:
    audit = len(slmo.catalogue.audit())
    with pytest.raises(SpecError) as caught:
        slmo.reviews.record(given, ADMIN)
    assert slmo.reviews.list() == [] and slmo.improvements.list() == []
    assert len(slmo.catalogue.audit()) == audit
    return caught.value


def test_a_next_review_date_in_the_past_is_refused_and_nothing_changes(slmo: Slmo) -> None:
    error = refused(
        slmo, ReviewInput(subject="portal-sla", date=dt.date(2026, 11, 20), next_review=dt.date(2026, 11, 25))
    )
    (problem,) = error.problems
    assert problem.key == "review.next_in_past" and problem.field == "nextReview"
    assert problem.message == (
        "the next review date 2026-11-25 is in the past (today is 2026-11-26); give today or a later day"
    )


def test_other_refusals_change_nothing(slmo: Slmo) -> None:
    future = refused(slmo, ReviewInput(subject="portal-sla", date=dt.date(2026, 11, 27)))
    assert future.problems[0].key == "review.date_future"
    action = ActionDraft(title="Rotate the keys", owner="nobody")
    bad_owner = refused(slmo, ReviewInput(subject="portal-sla", date=dt.date(2026, 11, 20), actions=(action,)))
    assert (bad_owner.problems[0].field, bad_owner.problems[0].key) == ("actions[0].owner", "action.unknown_owner")
    late = ActionDraft(title="Rotate the keys", due=dt.date(2026, 1, 1))
    past_due = refused(slmo, ReviewInput(subject="portal-sla", date=dt.date(2026, 11, 20), actions=(late,)))
    assert past_due.problems[0].key == "action.due_in_past"
    with pytest.raises(NotFoundError):
        slmo.reviews.record(ReviewInput(subject="procedure/nothing", date=dt.date(2026, 11, 20)), ADMIN)
    with pytest.raises(SpecError):
        parse_subject("service/portal")


def test_a_review_from_a_mapping() -> None:
    given = review_input(
        {
            "subject": "procedure/portal-runbook",
            "date": dt.date(2026, 11, 20),
            "attendees": ["Omar"],
            "findings": "The failover step is out of date",
            "actions": ["Rewrite the failover step", {"title": "Test it", "due": "2027-02-01", "owner": "ops"}],
            "nextReview": "2027-05-01",
        }
    )
    assert given.findings == ("The failover step is out of date",)
    assert [a.title for a in given.actions] == ["Rewrite the failover step", "Test it"]
    assert given.actions[1].due == dt.date(2027, 2, 1) and given.next_review == dt.date(2027, 5, 1)
    with pytest.raises(SpecError) as caught:
        review_input({"subject": "portal-sla", "date": "20 Nov", "attendes": []})
    assert caught.value.problems[0].field == "attendes"
    with pytest.raises(SpecError) as caught:
        review_input({"subject": "portal-sla", "date": "20 Nov"})
    assert caught.value.problems[0].message == "'20 Nov' is not a date (YYYY-MM-DD)"


def test_the_daily_job_tells_the_owners_first_level_in_their_languages(slmo: Slmo, clock: FixedClock) -> None:
    slmo.scheduler.sync()
    assert any(j.kind == REVIEW for j in slmo.scheduler.jobs())
    slmo.scheduler.run_due("w", limit=50)
    told = reviews_told(slmo)
    # The SLA is overdue: ops's first level (Omar in English, Huda in Arabic), not the head of operations.
    assert sorted((n.recipient, n.event.value, n.lang) for n in told) == [
        ("ops/Huda", "review_overdue", "ar"),
        ("ops/Omar", "review_overdue", "en"),
    ]
    omar = next(n for n in told if n.recipient == "ops/Omar")
    assert omar.title == "The review of agreement portal-sla is overdue (due 2026-07-01)"
    assert omar.agreement == "portal-sla"
    huda = next(n for n in told if n.recipient == "ops/Huda")
    assert "portal-sla" in huda.title and "مراجعة" in huda.title
    # The next day: nothing new. A week later: a reminder.
    clock.at = TODAY + dt.timedelta(days=1, hours=1)
    slmo.scheduler.run_due("w", limit=50)
    assert len(reviews_told(slmo)) == 2
    clock.at = TODAY + dt.timedelta(days=8, hours=1)
    slmo.scheduler.run_due("w", limit=50)
    assert len(reviews_told(slmo)) == 4
    # The runbook becomes due on 16 December: told once to ops.
    clock.at = dt.datetime(2026, 12, 16, 10, 0, tzinfo=dt.UTC)
    slmo.scheduler.run_due("w", limit=50)
    due = [n for n in reviews_told(slmo) if n.event is NotificationEvent.REVIEW_DUE]
    assert sorted(n.recipient for n in due) == ["ops/Huda", "ops/Omar"]
    assert next(n for n in due if n.lang == "en").title == "The review of procedure portal-runbook is due on 2027-01-15"
    # And they are delivered by the notify job, as alerts' are.
    clock.at += dt.timedelta(minutes=1)
    slmo.scheduler.run_due("w", limit=50)
    assert {n.status.value for n in reviews_told(slmo)} == {"sent"}


def reviews_told(slmo: Slmo) -> list[Notification]:
    return [
        n for n in slmo.alerts.outbox() if n.event in (NotificationEvent.REVIEW_DUE, NotificationEvent.REVIEW_OVERDUE)
    ]
