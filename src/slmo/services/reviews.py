"""Reviews of agreements and of operational procedures: the schedule (when each is next
reviewed, and whether that is due or overdue), recording a review with the improvement actions
it creates, and the daily ``review`` job that tells owners of due and overdue reviews.

Rules (``docs/architecture.md``, "Reviews and improvement"; dates in ``core.engine.reviews``):

- **Subjects.** ``NAME`` or ``agreement/NAME`` is an agreement (reviewed while a version is in
  force), ``procedure/NAME`` a procedure. Their owners are told: a procedure's owner party, an
  agreement's provider parties (all its parties when none provides).
- **Recording.** A review is of a day that has come (not in the future). The next review it
  sets is the date given (``--next``), which may not be in the past, else its date plus the
  cadence. Actions created with it take the subject's owner and the next review date unless
  they say otherwise, and the review as their origin. Review and actions are one transaction,
  audited (kinds ``Review`` and ``ImprovementAction``); any refusal and nothing is stored.
- **Notices.** The ``review`` job (daily) queues, in the outbox of ``services.notifications``,
  one notice per subject and next review date when it becomes due (``DUE_DAYS`` before), and
  one when it is overdue and every ``REMIND_DAYS`` after, to the first contact level of each
  owner party, each contact in its own language.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slmo.core.engine.reviews import (
    DEFAULT_MONTHS,
    agreement_next,
    next_after,
    procedure_next,
    review_state,
)
from slmo.core.model import Agreement, Party, PartyRole
from slmo.core.model.alerts import Notification, NotificationEvent
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.improvement import ActionOrigin, ImprovementAction, OriginKind
from slmo.core.model.plain import to_plain
from slmo.core.model.procedure import Procedure
from slmo.core.model.review import Review, ReviewDue, ReviewState
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.i18n import gettext
from slmo.services.improvements import ActionDraft, ImprovementService
from slmo.services.notifications import Route, contact_routes, levels

logger = logging.getLogger(__name__)

# The job that tells owners of due and overdue reviews: one, daily.
REVIEW = "review"
REVIEW_KEY = "reviews"
REVIEW_SECONDS = 86400
# An overdue review is told again every this many days while it stays overdue.
REMIND_DAYS = 7


@dataclass(frozen=True)
class ReviewInput:
    """A review as someone records it (from options, a YAML file or a JSON body)."""

    subject: str
    date: dt.date
    attendees: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    actions: tuple[ActionDraft, ...] = ()
    next_review: dt.date | None = None


def _problem(where: str, message: str, key: str, **args: Any) -> SpecError:
    return SpecError([Problem(None, where, message, key=f"review.{key}", args=args)])


def parse_subject(text: str) -> tuple[str, str]:
    """``NAME`` or ``agreement/NAME`` as ("Agreement", NAME); ``procedure/NAME`` as ("Procedure", NAME)."""
    kind, sep, name = text.partition("/")
    if not sep:
        return "Agreement", text
    lowered = kind.strip().lower()
    if lowered in ("agreement", "agreements") and name:
        return "Agreement", name
    if lowered in ("procedure", "procedures") and name:
        return "Procedure", name
    raise _problem("subject", f"{text!r} is not AGREEMENT, agreement/NAME or procedure/NAME", "bad_subject", value=text)


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _problem(field, f"{value!r} is not a date (YYYY-MM-DD)", "bad_date", value=str(value)) from None


def _texts(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _problem(field, "expected a list of texts", "bad_texts")
    return tuple(v.strip() for v in value if v.strip())


KNOWN = {"subject", "date", "attendees", "findings", "decisions", "actions", "nextReview"}
ACTION_KNOWN = {"title", "owner", "due", "objectives", "notes"}


def review_input(data: Any) -> ReviewInput:
    """A review from a mapping (a YAML file, a JSON body), with a problem for each field that is
    wrong: ``subject``, ``date`` (YYYY-MM-DD), ``attendees``, ``findings``, ``decisions``
    (lists of texts), ``actions`` (mappings of ``title``, ``owner``, ``due``, ``objectives``,
    ``notes``) and ``nextReview``."""
    if not isinstance(data, Mapping):
        raise _problem("", "expected a mapping with subject, date, attendees, findings, decisions", "not_mapping")
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise _problem(unknown[0], f"unknown field {unknown[0]!r}", "unknown_field", field=unknown[0])
    for required in ("subject", "date"):
        if data.get(required) in (None, ""):
            raise _problem(required, "required field is missing", "missing", field=required)
    actions: list[ActionDraft] = []
    for i, given in enumerate(data.get("actions") or []):
        item = {"title": given} if isinstance(given, str) else given
        if not isinstance(item, Mapping) or not item.get("title"):
            raise _problem(f"actions[{i}]", "an action needs a title", "action_title")
        extra = sorted(set(item) - ACTION_KNOWN)
        if extra:
            raise _problem(f"actions[{i}].{extra[0]}", f"unknown field {extra[0]!r}", "unknown_field", field=extra[0])
        actions.append(
            ActionDraft(
                title=str(item["title"]),
                owner=None if item.get("owner") is None else str(item["owner"]),
                due=None if item.get("due") is None else _date(item["due"], f"actions[{i}].due"),
                objectives=_texts(item.get("objectives"), f"actions[{i}].objectives"),
                notes=None if item.get("notes") is None else str(item["notes"]),
            )
        )
    return ReviewInput(
        subject=str(data["subject"]),
        date=_date(data["date"], "date"),
        attendees=_texts(data.get("attendees"), "attendees"),
        findings=_texts(data.get("findings"), "findings"),
        decisions=_texts(data.get("decisions"), "decisions"),
        actions=tuple(actions),
        next_review=None if data.get("nextReview") is None else _date(data["nextReview"], "nextReview"),
    )


@dataclass(frozen=True)
class Subject:
    """A reviewed subject as the schedule sees it."""

    kind: str
    name: str
    owners: tuple[str, ...]
    every_months: int
    document_date: dt.date | None
    since: dt.date | None


class ReviewService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        improvements: ImprovementService,
        clock: Clock,
        *,
        email_url: str | None = None,
    ) -> None:
        self._uow = uow
        self._improvements = improvements
        self._clock = clock
        self.email_url = email_url

    # -- the schedule ---------------------------------------------------------------------------

    @staticmethod
    def _subjects(uow: UnitOfWork, today: dt.date, wanted: tuple[str, str] | None = None) -> list[Subject]:
        found: list[Subject] = []
        registered = _registered(uow)
        kinds = ("Agreement", "Procedure") if wanted is None else (wanted[0],)
        for kind in kinds:
            objects = uow.catalogue.list(kind) if wanted is None else [uow.catalogue.get(*wanted)]
            for obj in objects:
                if isinstance(obj, Procedure):
                    since = registered.get(("Procedure", obj.name), today)
                    found.append(Subject(kind, obj.name, (obj.owner,), obj.review.months, obj.next_review, since))
                elif isinstance(obj, Agreement):
                    version = obj.active_version(today)
                    if version is None:
                        continue
                    months = version.review.months if version.review is not None else DEFAULT_MONTHS
                    owners = obj.parties_in_role(PartyRole.PROVIDER) or tuple(p.party for p in obj.parties)
                    since = version.effective_from or registered.get(("Agreement", obj.name), today)
                    found.append(Subject(kind, obj.name, owners, months, None, since))
        return found

    def _due(self, uow: UnitOfWork, subject: Subject, today: dt.date) -> ReviewDue:
        reviews = uow.reviews.list(subject_kind=subject.kind, subject=subject.name)
        last = max(reviews, key=lambda r: (r.date, r.id or 0), default=None)
        from_review = None if last is None else last.next_review
        since = subject.since or today
        if subject.kind == "Procedure":
            upcoming = procedure_next(subject.document_date, from_review, since, subject.every_months)
        else:
            upcoming = agreement_next(from_review, since, subject.every_months)
        return ReviewDue(
            subject_kind=subject.kind,
            subject=subject.name,
            owners=subject.owners,
            every_months=subject.every_months,
            last_review=None if last is None else last.date,
            last_review_id=None if last is None else last.id,
            next_review=upcoming,
            state=review_state(upcoming, today),
            days=(upcoming - today).days,
        )

    def schedule_in(self, uow: UnitOfWork, today: dt.date) -> list[ReviewDue]:
        rows = [self._due(uow, s, today) for s in self._subjects(uow, today)]
        return sorted(rows, key=lambda r: (r.next_review, r.subject_kind, r.subject))

    def schedule(
        self,
        *,
        states: Collection[ReviewState] | None = None,
        visible: Collection[tuple[str, str]] | None = None,
    ) -> list[ReviewDue]:
        """Every agreement in force and every procedure with its next review, soonest first; of
        the ``states`` given; only the (kind, name) pairs ``visible`` when given."""
        today = self._clock.now().date()
        with self._uow() as uow:
            rows = self.schedule_in(uow, today)
        return [
            r
            for r in rows
            if (states is None or r.state in states) and (visible is None or (r.subject_kind, r.subject) in visible)
        ]

    # -- recording ------------------------------------------------------------------------------

    def record(self, given: ReviewInput, actor: Actor) -> tuple[Review, list[ImprovementAction]]:
        """Store a review and the actions it creates, in one transaction, audited."""
        now = self._clock.now()
        today = now.date()
        kind, name = parse_subject(given.subject)
        if given.date > today:
            raise _problem(
                "date",
                f"the review date {given.date.isoformat()} is in the future (today is {today.isoformat()}); "
                "record a review once it is held",
                "date_future",
                date=given.date.isoformat(),
                today=today.isoformat(),
            )
        if given.next_review is not None and given.next_review < today:
            raise _problem(
                "nextReview",
                f"the next review date {given.next_review.isoformat()} is in the past (today is "
                f"{today.isoformat()}); give today or a later day",
                "next_in_past",
                date=given.next_review.isoformat(),
                today=today.isoformat(),
            )
        with self._uow() as uow:
            subjects = self._subjects(uow, given.date if kind == "Agreement" else today, (kind, name))
            if not subjects and uow.catalogue.get(kind, name) is None:
                raise NotFoundError(
                    f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name
                )
            if not subjects:
                raise _problem(
                    "subject",
                    f"agreement {name!r} has no version in force on {given.date.isoformat()}",
                    "not_in_force",
                    name=name,
                    date=given.date.isoformat(),
                )
            subject = subjects[0]
            upcoming = next_after(given.date, subject.every_months, given.next_review)
            review = uow.reviews.add(
                Review(
                    subject_kind=kind,
                    subject=name,
                    date=given.date,
                    attendees=given.attendees,
                    findings=given.findings,
                    decisions=given.decisions,
                    next_review=upcoming,
                    recorded_at=now,
                    recorded_by=actor.name,
                )
            )
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=actor.name,
                    interface=actor.interface,
                    action=AuditAction.CREATE,
                    kind="Review",
                    name=str(review.id),
                    before=None,
                    after=to_plain(review),
                )
            )
            origin = ActionOrigin(kind=OriginKind.REVIEW, ref=str(review.id))
            actions = [
                self._improvements.add_in(
                    uow,
                    draft,
                    origin,
                    actor,
                    now,
                    field=f"actions[{i}].",
                    default_owner=subject.owners[0] if subject.owners else None,
                    default_due=max(upcoming, today),
                )
                for i, draft in enumerate(given.actions)
            ]
            uow.commit()
        logger.info("review %s of %s recorded by %s with %d actions", review.id, review.key, actor.name, len(actions))
        return review, actions

    def get(self, review_id: int) -> Review:
        with self._uow() as uow:
            found = uow.reviews.get(review_id)
        if found is None:
            raise NotFoundError(f"no review {review_id}", key="error.review_not_found", id=review_id)
        return found

    def list(self, subject: str | None = None) -> builtins.list[Review]:
        """Reviews by date, of one subject when given."""
        kind, name = parse_subject(subject) if subject is not None else (None, None)
        with self._uow() as uow:
            return uow.reviews.list(subject_kind=kind, subject=name)

    def actions_of(self, review_id: int) -> builtins.list[ImprovementAction]:
        """The actions a review created."""
        return [
            a
            for a in self._improvements.list()
            if a.origin.kind is OriginKind.REVIEW and a.origin.ref == str(review_id)
        ]

    # -- notices ------------------------------------------------------------------------------

    def needed(self, uow: UnitOfWork) -> bool:
        """Whether there is anything to review at all (a job is kept only then)."""
        return bool(uow.catalogue.list("Procedure")) or bool(uow.catalogue.list("Agreement"))

    def notify_in(self, uow: UnitOfWork, now: dt.datetime) -> int:
        """Queue the notices of reviews due or overdue today, in ``uow``; how many were new."""
        today = now.date()
        queued = 0
        for due in self.schedule_in(uow, today):
            if due.state is ReviewState.SCHEDULED:
                continue
            if due.state is ReviewState.DUE:
                subject = f"review:{due.key}:{due.next_review.isoformat()}:due"
                event = NotificationEvent.REVIEW_DUE
            else:
                late = (today - due.next_review).days
                subject = f"review:{due.key}:{due.next_review.isoformat()}:overdue:{late // REMIND_DAYS}"
                event = NotificationEvent.REVIEW_OVERDUE
            if uow.notifications.told(subject):
                continue
            routes = self._routes(uow, due.owners)
            queued += uow.notifications.add([self._notice(due, event, subject, route, now) for route in routes])
        if queued:
            logger.info("%d review notices queued", queued)
        return queued

    def _routes(self, uow: UnitOfWork, owners: Sequence[str]) -> builtins.list[Route]:
        found: builtins.list[Route] = []
        for name in owners:
            party = uow.catalogue.get("Party", name)
            if not isinstance(party, Party):
                continue
            routes = [r for c in party.contacts for r in contact_routes(party.name, c, self.email_url)]
            first = levels(routes)[0]
            found.extend(r for r in routes if r.level == first)
        return found

    @staticmethod
    def _notice(due: ReviewDue, event: NotificationEvent, subject: str, route: Route, now: dt.datetime) -> Notification:
        lang = route.lang
        args = {
            "kind": gettext(f"review_kind.{due.subject_kind}", lang),
            "name": due.subject,
            "date": due.next_review.isoformat(),
            "days": abs(due.days),
            "last": "—" if due.last_review is None else due.last_review.isoformat(),
        }
        digest = hashlib.sha256(route.url.encode("utf-8")).hexdigest()[:16]
        return Notification(
            key=f"{subject}|{route.recipient}|{digest}",
            subject=subject,
            event=event,
            agreement=due.subject if due.subject_kind == "Agreement" else "",
            objective="",
            recipient=route.recipient,
            target=route.url,
            lang=lang,
            title=gettext(f"notify.{event.value}_title", lang, **args),
            body=gettext(f"notify.{event.value}_body", lang, **args),
            created_at=now,
            next_attempt_at=now,
        )


def _registered(uow: UnitOfWork) -> dict[tuple[str, str], dt.date]:
    """When each procedure and agreement was first stored: its first audit entry's day."""
    found: dict[tuple[str, str], dt.date] = {}
    for kind in ("Procedure", "Agreement"):
        for entry in uow.audit.list(kind=kind):
            found.setdefault((kind, entry.name), entry.at.date())
    return found
