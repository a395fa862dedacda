"""The improvement register: actions that come from a breach, a review or a trend, each with an
owner, a due date, a status and the objectives it targets; and, once an action is done,
attainment before and after it (``core.engine.improvement`` has the rule).

Rules (``docs/architecture.md``, "Reviews and improvement"):

- **Origin.** ``breach:AGREEMENT/OBJECTIVE@START`` names a breach episode by the instant of its
  first breached evaluation (``slmo`` lists them, ``GET /breaches``), and must be one; a breach's
  objective is targeted even when not listed. ``review:ID`` names a recorded review.
  ``trend:TEXT`` says in words what was seen.
- **Checks.** The owner is a party; every objective is ``AGREEMENT/OBJECTIVE`` of a version of
  that agreement; the due date is not in the past when it is set or changed. A refused action
  changes nothing.
- **Status.** ``open <-> in_progress -> done | dropped``; done and dropped are final. Done
  stamps the instant (now, or an earlier instant given), around which attainment is compared.
- Every change is audited (kind ``ImprovementAction``, the action's id).
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slmo.core.engine import epoch_seconds
from slmo.core.engine.improvement import comparison_spans
from slmo.core.model import Agreement, Party, Window, WindowUnit
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.improvement import (
    ACTION_TRANSITIONS,
    ActionOrigin,
    ActionStatus,
    ImprovementAction,
    OriginKind,
)
from slmo.core.model.plain import to_plain
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConflictError, NotFoundError, Problem, SpecError
from slmo.services.breaches import BreachService
from slmo.services.evaluate import EvaluationService

logger = logging.getLogger(__name__)

OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


@dataclass(frozen=True)
class ActionDraft:
    """An action as someone asks for it; ``owner`` and ``due`` may be left to the caller's
    defaults (a review gives its subject's owner and its next review date)."""

    title: str
    owner: str | None = None
    due: dt.date | None = None
    objectives: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class ActionChange:
    """What ``update`` changes; ``None`` leaves a field as it is."""

    title: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    status: ActionStatus | None = None
    objectives: tuple[str, ...] | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Effect:
    """One targeted objective's attainment before and after an action: ``before`` and
    ``after`` are the evaluations over the two spans (``None`` when the objective was not in
    force then), of ``seconds`` each."""

    objective: str
    seconds: int
    before: ObjectiveEvaluation | None
    after: ObjectiveEvaluation | None

    @property
    def change(self) -> float | None:
        """After minus before, in attainment (a fraction); ``None`` without both."""
        b = None if self.before is None else self.before.evaluation.attainment
        a = None if self.after is None else self.after.evaluation.attainment
        return None if a is None or b is None else a - b


def problem(field: str, message: str, key: str, **args: Any) -> SpecError:
    return SpecError([Problem(None, field, message, key=f"action.{key}", args=args)])


def not_found(action_id: int) -> NotFoundError:
    return NotFoundError(f"no improvement action {action_id}", key="error.action_not_found", id=action_id)


def parse_origin(text: str) -> ActionOrigin:
    """``breach:...``, ``review:ID`` or ``trend:TEXT`` as an origin; a ``SpecError`` otherwise."""
    kind, sep, ref = text.partition(":")
    kinds = ", ".join(k.value for k in OriginKind)
    if not sep or kind not in {k.value for k in OriginKind} or not ref.strip():
        raise problem(
            "origin",
            f"{text!r} is not an origin; give breach:AGREEMENT/OBJECTIVE@START, review:ID or trend:TEXT",
            "bad_origin",
            value=text,
            kinds=kinds,
        )
    return ActionOrigin(kind=OriginKind(kind), ref=ref.strip())


def parse_status(text: str) -> ActionStatus:
    try:
        return ActionStatus(text)
    except ValueError:
        known = ", ".join(s.value for s in ActionStatus)
        raise problem("status", f"{text!r} is not a status; use one of {known}", "bad_status", value=text) from None


class ImprovementService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self._breaches = BreachService(evaluation)

    # -- checks ------------------------------------------------------------------------------

    def _check_owner(self, uow: UnitOfWork, owner: str, field: str = "owner") -> None:
        if not isinstance(uow.catalogue.get("Party", owner), Party):
            raise problem(field, f"Party {owner!r} does not exist", "unknown_owner", name=owner)

    def _check_due(self, due: dt.date, today: dt.date, field: str = "due") -> None:
        if due < today:
            raise problem(
                field,
                f"the due date {due.isoformat()} is in the past (today is {today.isoformat()}); "
                "give today or a later day",
                "due_in_past",
                date=due.isoformat(),
                today=today.isoformat(),
            )

    @staticmethod
    def _check_objectives(uow: UnitOfWork, objectives: Sequence[str], field: str = "objectives") -> None:
        for i, key in enumerate(objectives):
            name, sep, objective = key.partition("/")
            agreement = uow.catalogue.get("Agreement", name) if sep else None
            known = isinstance(agreement, Agreement) and any(
                o.name == objective for v in agreement.versions for o in v.objectives
            )
            if not known:
                raise problem(
                    f"{field}[{i}]",
                    f"{key!r} is not an objective; give AGREEMENT/OBJECTIVE of an agreement's version",
                    "unknown_objective",
                    name=key,
                )

    def _check_origin(self, uow: UnitOfWork, origin: ActionOrigin) -> tuple[str, ...]:
        """Raise unless the origin exists; the objectives it implies (a breach's own)."""
        if origin.kind is OriginKind.REVIEW:
            if not origin.ref.isdigit() or uow.reviews.get(int(origin.ref)) is None:
                raise problem("origin", f"there is no review {origin.ref}", "unknown_review", id=origin.ref)
            return ()
        if origin.kind is OriginKind.BREACH:
            objective, _, start = origin.ref.partition("@")
            try:
                at = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
            except ValueError:
                at = None
            found = (
                []
                if at is None or at.utcoffset() is None or "/" not in objective
                else [e for e in self._breaches.episodes(objective=objective) if e.start == at]
            )
            if not found:
                raise problem(
                    "origin",
                    f"there is no breach {origin.ref}; name one as AGREEMENT/OBJECTIVE@START (slmo breaches)",
                    "unknown_breach",
                    ref=origin.ref,
                )
            return (found[0].key,)
        return ()

    # -- writing -------------------------------------------------------------------------------

    def add_in(
        self,
        uow: UnitOfWork,
        draft: ActionDraft,
        origin: ActionOrigin,
        actor: Actor,
        now: dt.datetime,
        *,
        field: str = "",
        default_owner: str | None = None,
        default_due: dt.date | None = None,
    ) -> ImprovementAction:
        """Check and store one action in ``uow``, audited, uncommitted (a review adds its
        actions in its own transaction). ``field`` prefixes the names of fields in problems."""
        title = draft.title.strip()
        if not title:
            raise problem(f"{field}title", "an action needs a title", "no_title")
        owner = draft.owner or default_owner
        if owner is None:
            raise problem(f"{field}owner", "an action needs an owner (a party)", "no_owner")
        self._check_owner(uow, owner, f"{field}owner")
        due = draft.due or default_due
        if due is None:
            raise problem(f"{field}due", "an action needs a due date", "no_due")
        self._check_due(due, now.date(), f"{field}due")
        implied = self._check_origin(uow, origin)
        objectives = tuple(dict.fromkeys((*draft.objectives, *implied)))
        self._check_objectives(uow, objectives, f"{field}objectives")
        made = uow.actions.add(
            ImprovementAction(
                title=title,
                origin=origin,
                owner=owner,
                due=due,
                objectives=objectives,
                notes=draft.notes,
                created_at=now,
                created_by=actor.name,
                updated_at=now,
            )
        )
        self._audit(uow, actor, AuditAction.CREATE, None, made, now)
        return made

    def add(self, draft: ActionDraft, origin: ActionOrigin, actor: Actor) -> ImprovementAction:
        now = self._clock.now()
        with self._uow() as uow:
            made = self.add_in(uow, draft, origin, actor, now)
            uow.commit()
        logger.info("improvement action %s added by %s", made.id, actor.name)
        return made

    def update(
        self, action_id: int, change: ActionChange, actor: Actor, *, done_at: dt.datetime | None = None
    ) -> ImprovementAction:
        """Change an action; moving it to ``done`` stamps ``done_at`` (now unless given, never in
        the future). Refused, with nothing changed: a status the action cannot move to, a
        due date set in the past, an unknown owner or objective."""
        now = self._clock.now()
        with self._uow() as uow:
            before = uow.actions.get(action_id)
            if before is None:
                raise not_found(action_id)
            after = dataclasses.replace(
                before,
                title=before.title if change.title is None else change.title.strip(),
                owner=before.owner if change.owner is None else change.owner,
                due=before.due if change.due is None else change.due,
                objectives=before.objectives if change.objectives is None else change.objectives,
                notes=before.notes if change.notes is None else change.notes,
                updated_at=now,
            )
            if not after.title:
                raise problem("title", "an action needs a title", "no_title")
            if change.owner is not None:
                self._check_owner(uow, change.owner)
            if change.due is not None and change.due != before.due:
                self._check_due(change.due, now.date())
            if change.objectives is not None:
                self._check_objectives(uow, change.objectives)
            status = change.status
            if status is not None and status is not before.status:
                if status not in ACTION_TRANSITIONS[before.status]:
                    allowed = ", ".join(sorted(s.value for s in ACTION_TRANSITIONS[before.status])) or "none"
                    raise ConflictError(
                        f"action {action_id} cannot go from {before.status.value} to {status.value}; "
                        f"next statuses: {allowed}",
                        key="error.action_transition",
                        id=action_id,
                        from_=before.status.value,
                        to=status.value,
                        allowed=allowed,
                    )
                stamp = None
                if status is ActionStatus.DONE:
                    stamp = done_at or now
                    if stamp > now:
                        raise problem(
                            "at", f"{stamp.isoformat()} is in the future; an action is done when it is", "done_future"
                        )
                after = dataclasses.replace(after, status=status, done_at=stamp)
            if dataclasses.replace(after, updated_at=before.updated_at) == before:
                return before
            stored = uow.actions.update(after)
            self._audit(uow, actor, AuditAction.CHANGE, before, stored, now)
            uow.commit()
        logger.info("improvement action %d changed by %s (%s)", action_id, actor.name, stored.status.value)
        return stored

    @staticmethod
    def _audit(
        uow: UnitOfWork,
        actor: Actor,
        action: AuditAction,
        before: ImprovementAction | None,
        after: ImprovementAction,
        now: dt.datetime,
    ) -> None:
        def plain(a: ImprovementAction | None) -> Mapping[str, Any] | None:
            if a is None:
                return None
            found: dict[str, Any] = to_plain(dataclasses.replace(a, revision=0))
            return found

        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind="ImprovementAction",
                name=str(after.id),
                before=plain(before),
                after=plain(after),
            )
        )

    # -- reading -------------------------------------------------------------------------------

    def list(self, *, open_only: bool = False, agreements: Collection[str] | None = None) -> list[ImprovementAction]:
        """Actions by id; only the open ones (open or in progress) with ``open_only``; only those
        that concern ``agreements`` alone when given (a customer's)."""
        with self._uow() as uow:
            found = uow.actions.list(statuses=OPEN_STATUSES if open_only else None)
            reviews = {r.id: r for r in uow.reviews.list()} if agreements is not None else {}
        if agreements is None:
            return found
        return [a for a in found if self._concerns(a, reviews) and self._concerns(a, reviews) <= set(agreements)]

    @staticmethod
    def _concerns(action: ImprovementAction, reviews: Mapping[int | None, Any]) -> set[str]:
        names = set(action.agreements())
        if action.origin.kind is OriginKind.REVIEW and action.origin.ref.isdigit():
            review = reviews.get(int(action.origin.ref))
            if review is not None and review.subject_kind == "Agreement":
                names.add(review.subject)
            elif review is not None:
                names.add(f"Procedure/{review.subject}")
        return names

    def concerns(self, action: ImprovementAction) -> set[str]:
        """The agreements an action concerns (a procedure's review as ``Procedure/NAME``)."""
        with self._uow() as uow:
            reviews = {r.id: r for r in uow.reviews.list()}
        return self._concerns(action, reviews)

    def get(self, action_id: int) -> ImprovementAction:
        with self._uow() as uow:
            found = uow.actions.get(action_id)
        if found is None:
            raise not_found(action_id)
        return found

    def effects(self, action: ImprovementAction) -> builtins.list[Effect]:
        """Attainment of each targeted objective before and after a done action (empty while it
        is not done, or less than a minute after)."""
        if action.done_at is None:
            return []
        now = self._clock.now()
        done = epoch_seconds(action.done_at)
        found: builtins.list[Effect] = []
        with self._uow() as uow:
            for key in action.objectives:
                window = self._window(uow, key, action.done_at)
                spans = None if window is None else comparison_spans(done, epoch_seconds(now), window)
                if spans is None:
                    continue
                before, after = spans
                found.append(
                    Effect(
                        key,
                        before.seconds,
                        self._over(uow, key, before.end, before.seconds),
                        self._over(uow, key, after.end, after.seconds),
                    )
                )
        return found

    def _window(self, uow: UnitOfWork, key: str, at: dt.datetime) -> Window | None:
        try:
            (target, *_) = self._evaluation.targets(uow, at, key)
        except NotFoundError:
            return None
        return target.objective.window

    def _over(self, uow: UnitOfWork, key: str, end: int, seconds: int) -> ObjectiveEvaluation | None:
        """The objective (the version in force at ``end``) over the ``seconds`` before ``end``."""
        when = dt.datetime.fromtimestamp(end - 1, dt.UTC)
        try:
            (target, *_) = self._evaluation.targets(uow, when, key)
        except NotFoundError:
            return None
        rolling = Window(length=seconds // 60, unit=WindowUnit.MINUTE, rolling=True)
        spanned = dataclasses.replace(target, objective=dataclasses.replace(target.objective, window=rolling))
        return self._evaluation.evaluate_target(uow, spanned, end)
