"""The improvement register over the in-memory store: actions from a breach, a review or a
trend; the checks that refuse an action and change nothing; the status life cycle; and
attainment before and after an action that was done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.engine.improvement import comparison_spans, nominal_seconds
from slmo.core.engine.windows import Span
from slmo.core.model import Window, WindowUnit
from slmo.core.model.improvement import ActionOrigin, ActionStatus, OriginKind
from slmo.errors import ConflictError, NotFoundError, SpecError
from slmo.services.breaches import BreachService
from slmo.services.improvements import ActionChange, ActionDraft, parse_origin, parse_status
from tests.api_support import FixedClock
from tests.review_support import ADMIN, TODAY, seed, write_minutes

TREND = ActionOrigin(kind=OriginKind.TREND, ref="portal-sla/success falling since August")
DUE = dt.date(2027, 1, 31)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with in_memory(clock=clock) as handle:
        seed(handle)
        yield handle


def draft(**changes: object) -> ActionDraft:
    base: dict[str, object] = {
        "title": "Probe the payment gateway",
        "owner": "ops",
        "due": DUE,
        "objectives": ("portal-sla/success",),
    }
    base.update(changes)
    return ActionDraft(**base)  # type: ignore[arg-type]


def test_an_action_from_a_trend_through_its_life(slmo: Slmo, clock: FixedClock) -> None:
    made = slmo.improvements.add(draft(), TREND, ADMIN)
    assert (made.id, made.status, made.revision, made.created_by) == (made.id, ActionStatus.OPEN, 1, "tester")
    assert slmo.improvements.list(open_only=True) == [made]
    going = slmo.improvements.update(made.id or 0, ActionChange(status=ActionStatus.IN_PROGRESS), ADMIN)
    assert going.status is ActionStatus.IN_PROGRESS and going.revision == 2
    clock.at = TODAY + dt.timedelta(hours=2)
    done = slmo.improvements.update(made.id or 0, ActionChange(status=ActionStatus.DONE), ADMIN)
    assert done.status is ActionStatus.DONE and done.done_at == clock.at
    assert slmo.improvements.list(open_only=True) == [] and slmo.improvements.list() == [done]
    with pytest.raises(ConflictError) as caught:
        slmo.improvements.update(made.id or 0, ActionChange(status=ActionStatus.OPEN), ADMIN)
    assert str(caught.value) == f"action {made.id} cannot go from done to open; next statuses: none"
    changes = [(e.action.value, (e.after or {}).get("status")) for e in slmo.catalogue.audit(kind="ImprovementAction")]
    assert changes == [("create", None), ("change", "in_progress"), ("change", "done")]


def refused(slmo: Slmo, origin: ActionOrigin, given: ActionDraft) -> SpecError:
    audit = len(slmo.catalogue.audit())
    with pytest.raises(SpecError) as caught:
        slmo.improvements.add(given, origin, ADMIN)
    assert slmo.improvements.list() == [] and len(slmo.catalogue.audit()) == audit
    return caught.value


def test_bad_actions_are_refused_and_nothing_changes(slmo: Slmo) -> None:
    past = refused(slmo, TREND, draft(due=dt.date(2026, 11, 25))).problems[0]
    assert (past.key, past.field) == ("action.due_in_past", "due")
    assert past.message == "the due date 2026-11-25 is in the past (today is 2026-11-26); give today or a later day"
    assert refused(slmo, TREND, draft(owner="nobody")).problems[0].key == "action.unknown_owner"
    assert refused(slmo, TREND, draft(objectives=("portal-sla/speed",))).problems[0].field == "objectives[0]"
    assert refused(slmo, TREND, draft(title="  ")).problems[0].key == "action.no_title"
    review = ActionOrigin(kind=OriginKind.REVIEW, ref="41")
    assert refused(slmo, review, draft()).problems[0].key == "action.unknown_review"
    breach = ActionOrigin(kind=OriginKind.BREACH, ref="portal-sla/success@2026-11-01T00:00:00+00:00")
    assert refused(slmo, breach, draft()).problems[0].key == "action.unknown_breach"
    with pytest.raises(SpecError):
        parse_origin("incident:INC-1")
    with pytest.raises(SpecError):
        parse_status("finished")
    with pytest.raises(NotFoundError):
        slmo.improvements.get(99)


def test_a_due_date_moved_into_the_past_is_refused(slmo: Slmo) -> None:
    made = slmo.improvements.add(draft(), TREND, ADMIN)
    with pytest.raises(SpecError):
        slmo.improvements.update(made.id or 0, ActionChange(due=dt.date(2026, 1, 1)), ADMIN)
    assert slmo.improvements.get(made.id or 0) == made


def test_an_action_from_a_breach_targets_its_objective(slmo: Slmo, clock: FixedClock) -> None:
    start = TODAY - dt.timedelta(hours=3)
    write_minutes(slmo, start, [80] * 120)
    slmo.evaluation.evaluate(TODAY - dt.timedelta(hours=1))
    (episode,) = BreachService(slmo.evaluation).episodes()
    ref = f"{episode.key}@{episode.start.isoformat()}"
    made = slmo.improvements.add(draft(objectives=()), parse_origin(f"breach:{ref}"), ADMIN)
    assert made.objectives == ("portal-sla/success",) and made.origin.ref == ref


def test_the_spans_compared_around_an_action() -> None:
    month = Window(length=1, unit=WindowUnit.MONTH, rolling=False)
    four_weeks = Window(length=28, unit=WindowUnit.DAY, rolling=True)
    assert nominal_seconds(month) == 30 * 86400 and nominal_seconds(four_weeks) == 28 * 86400
    # Ten days after: ten days on each side.
    assert comparison_spans(1_000_000, 1_000_000 + 10 * 86400, four_weeks) == (
        Span(1_000_000 - 864_000, 1_000_000),
        Span(1_000_000, 1_000_000 + 864_000),
    )
    # Long after: the window's length on each side.
    before, after = comparison_spans(0, 10**9, four_weeks) or (None, None)
    assert before is not None and after is not None and before.seconds == after.seconds == 28 * 86400
    # Whole minutes only; nothing before the first minute.
    assert comparison_spans(0, 59, four_weeks) is None
    assert comparison_spans(0, 150, four_weeks) == (Span(-120, 0), Span(0, 120))


def test_attainment_before_and_after_a_done_action(slmo: Slmo, clock: FixedClock) -> None:
    done_at = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    # A day at 95 % before, then a day at 100 % after.
    write_minutes(slmo, done_at - dt.timedelta(days=1), [95] * 1440 + [100] * 1440)
    made = slmo.improvements.add(draft(), TREND, ADMIN)
    assert slmo.improvements.effects(made) == []
    done = slmo.improvements.update(made.id or 0, ActionChange(status=ActionStatus.DONE), ADMIN, done_at=done_at)
    clock.at = done_at + dt.timedelta(days=1)
    (effect,) = slmo.improvements.effects(done)
    assert effect.objective == "portal-sla/success" and effect.seconds == 86400
    assert effect.before is not None and effect.after is not None
    assert effect.before.evaluation.attainment == pytest.approx(0.95)
    assert effect.after.evaluation.attainment == pytest.approx(1.0)
    assert effect.change == pytest.approx(0.05)
    assert effect.before.evaluation.window_end == done_at == effect.after.evaluation.window_start
    # A week on: still a day of data after it, but a week each side (the days without data count nothing).
    clock.at = done_at + dt.timedelta(days=7)
    (later,) = slmo.improvements.effects(done)
    assert later.seconds == 7 * 86400
    assert later.before is not None and later.before.evaluation.attainment == pytest.approx(0.95)


def test_an_action_cannot_be_done_in_the_future(slmo: Slmo) -> None:
    made = slmo.improvements.add(draft(), TREND, ADMIN)
    with pytest.raises(SpecError):
        slmo.improvements.update(
            made.id or 0, ActionChange(status=ActionStatus.DONE), ADMIN, done_at=TODAY + dt.timedelta(hours=1)
        )
    assert slmo.improvements.get(made.id or 0).status is ActionStatus.OPEN
