"""Use cases of the catalogue: validate, apply, get, export, delete, and the audit trail.

Every write happens in one unit of work: one invalid document, one broken reference, and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slmo.core.model.agreement import Agreement, lifecycle_violations
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.kinds import KIND_ORDER, CatalogueObject, kind_of
from slmo.core.model.negotiation import Participant, document_steps, document_violations
from slmo.core.model.plain import to_plain
from slmo.core.model.procedure import Procedure
from slmo.core.model.references import broken_references, referrers
from slmo.core.ports import Clock, LoadedObject, SpecCodec, UnitOfWorkFactory
from slmo.errors import ConflictError, NotFoundError, PreconditionFailedError, Problem, SpecError

logger = logging.getLogger(__name__)


class ChangeAction(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


@dataclass(frozen=True)
class Change:
    """What applying one object did (or, in a dry run, would do), with the YAML diff."""

    kind: str
    name: str
    action: ChangeAction
    diff: str = ""


class CatalogueService:
    def __init__(self, uow: UnitOfWorkFactory, codec: SpecCodec, clock: Clock) -> None:
        self._uow = uow
        self._codec = codec
        self._clock = clock

    # -- reading documents ---------------------------------------------------------------

    def load(self, paths: Sequence[str]) -> list[LoadedObject]:
        return self._codec.load_paths(paths)

    def validate(self, paths: Sequence[str]) -> list[LoadedObject]:
        """Documents read and checked, references included (against the files and the store)."""
        loaded = self._codec.load_paths(paths)
        with self._uow() as uow:
            stored = {(kind_of(o), o.name): o for o in uow.catalogue.list()}
            self._check_references(loaded, stored)
            self._check_review_dates(loaded, stored, self._clock.now().date())
        return loaded

    @staticmethod
    def _check_references(loaded: Sequence[LoadedObject], stored: dict[tuple[str, str], CatalogueObject]) -> None:
        known = dict(stored)
        known.update({(kind_of(item.obj), item.obj.name): item.obj for item in loaded})
        problems: list[Problem] = []
        for item in loaded:
            for broken in broken_references([item.obj], known):
                ref = broken.reference
                hint = ""
                if broken.reason == "not_supplier":
                    message = f"{ref.target!r} is a party but not a supplier"
                    key = "spec.not_supplier"
                else:
                    names = [name for kind, name in known if kind == ref.target_kind]
                    close = difflib.get_close_matches(ref.target, names, n=1, cutoff=0.6)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    message = f"{ref.target_kind} {ref.target!r} does not exist{hint}"
                    key = "spec.missing_reference"
                problems.append(
                    Problem(
                        item.location_of(ref.field),
                        f"spec.{ref.field}",
                        message,
                        key=key,
                        args={"kind": ref.target_kind, "name": ref.target, "hint": hint},
                    )
                )
        if problems:
            raise SpecError(problems)

    @staticmethod
    def _check_lifecycles(loaded: Sequence[LoadedObject], stored: Mapping[tuple[str, str], CatalogueObject]) -> None:
        problems: list[Problem] = []
        for item in loaded:
            before = stored.get(("Agreement", item.obj.name))
            if isinstance(item.obj, Agreement) and isinstance(before, Agreement):
                # The life cycle's own rules, then what only the negotiation may do (propose,
                # agree, activate; change proposed or agreed terms).
                for violation in lifecycle_violations(before, item.obj) or document_violations(before, item.obj):
                    problems.append(
                        Problem(
                            item.location_of(violation.field),
                            f"spec.{violation.field}",
                            violation.message,
                            key=f"spec.{violation.key}",
                            args=dict(violation.args),
                        )
                    )
        if problems:
            raise SpecError(problems)

    @staticmethod
    def _check_review_dates(
        loaded: Sequence[LoadedObject], stored: Mapping[tuple[str, str], CatalogueObject], today: dt.date
    ) -> None:
        """A procedure's ``nextReview`` may not be set to a day already past; one stored before
        and left unchanged may be (its review is overdue, which is what the schedule says)."""
        problems: list[Problem] = []
        for item in loaded:
            obj = item.obj
            if not isinstance(obj, Procedure) or obj.next_review is None or obj.next_review >= today:
                continue
            before = stored.get(("Procedure", obj.name))
            if isinstance(before, Procedure) and before.next_review == obj.next_review:
                continue
            problems.append(
                Problem(
                    item.location_of("nextReview"),
                    "spec.nextReview",
                    f"the next review date {obj.next_review.isoformat()} is in the past (today is "
                    f"{today.isoformat()}); give today or a later day",
                    key="spec.review_in_past",
                    args={"date": obj.next_review.isoformat(), "today": today.isoformat()},
                )
            )
        if problems:
            raise SpecError(problems)

    # -- writing -------------------------------------------------------------------------

    def apply(
        self,
        loaded: Sequence[LoadedObject],
        actor: Actor,
        *,
        dry_run: bool = False,
        expect: Mapping[tuple[str, str], int | None] | None = None,
    ) -> list[Change]:
        """Create or replace every object, in one transaction; idempotent.

        ``expect`` maps (kind, name) to the revision the caller based its change on, ``None``
        for "must not exist yet": checked in the same transaction as the write, so two editors
        (the API's If-Match) cannot overwrite each other.
        """
        ordered = sorted(loaded, key=lambda item: KIND_ORDER.index(kind_of(item.obj)))
        changes: list[Change] = []
        with self._uow() as uow:
            for (kind, name), revision in (expect or {}).items():
                self._check_revision(uow.catalogue.revision(kind, name), revision, kind, name)
            stored = {(kind_of(o), o.name): o for o in uow.catalogue.list()}
            self._check_references(ordered, stored)
            self._check_lifecycles(ordered, stored)
            now = self._clock.now()
            self._check_review_dates(ordered, stored, now.date())
            for item in ordered:
                obj = item.obj
                kind = kind_of(obj)
                before = stored.get((kind, obj.name))
                if before == obj:
                    changes.append(Change(kind, obj.name, ChangeAction.UNCHANGED))
                    continue
                action = ChangeAction.CREATED if before is None else ChangeAction.CHANGED
                changes.append(Change(kind, obj.name, action, self._diff(before, obj)))
                if dry_run:
                    continue
                uow.catalogue.put(obj)
                if isinstance(obj, Agreement):
                    # The versions a document brings or closes, in the negotiation record too.
                    who = Participant(actor=actor.name, interface=actor.interface)
                    before_agreement = before if isinstance(before, Agreement) else None
                    uow.negotiation.add(document_steps(before_agreement, obj, who, now))
                uow.audit.record(
                    AuditEntry(
                        at=now,
                        actor=actor.name,
                        interface=actor.interface,
                        action=AuditAction.CREATE if before is None else AuditAction.CHANGE,
                        kind=kind,
                        name=obj.name,
                        before=None if before is None else to_plain(before),
                        after=to_plain(obj),
                    )
                )
            if not dry_run:
                uow.commit()
        logger.info("applied %d objects (%s)", len(changes), "dry run" if dry_run else "committed")
        return changes

    @staticmethod
    def _check_revision(current: int | None, expected: int | None, kind: str, name: str) -> None:
        if expected is None and current is not None:
            raise ConflictError(f"{kind} {name!r} already exists", key="error.object_exists", kind=kind, name=name)
        if expected is not None and current is None:
            raise NotFoundError(f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name)
        if expected is not None and current != expected:
            raise PreconditionFailedError(
                f"{kind} {name!r} is at revision {current}, not {expected}: read it again and retry",
                key="error.stale_revision",
                kind=kind,
                name=name,
                current=current,
                expected=expected,
            )

    def revision(self, kind: str, name: str) -> tuple[CatalogueObject, int]:
        """The object and its revision (the API's ETag), read together."""
        with self._uow() as uow:
            obj = uow.catalogue.get(kind, name)
            revision = uow.catalogue.revision(kind, name)
            if obj is None or revision is None:
                raise NotFoundError(
                    f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name
                )
            return obj, revision

    def delete(self, kind: str, name: str, actor: Actor) -> Change:
        """Delete one object, refusing while others still refer to it."""
        with self._uow() as uow:
            before = uow.catalogue.get(kind, name)
            if before is None:
                raise NotFoundError(
                    f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name
                )
            users = referrers(kind, name, uow.catalogue.list())
            if users:
                first = users[0]
                raise ConflictError(
                    f"{kind} {name!r} is still used by {first.kind} {first.name!r} ({first.field})",
                    key="error.still_referenced",
                    kind=kind,
                    name=name,
                    user=f"{first.kind} {first.name}",
                )
            uow.catalogue.delete(kind, name)
            uow.audit.record(
                AuditEntry(
                    at=self._clock.now(),
                    actor=actor.name,
                    interface=actor.interface,
                    action=AuditAction.DELETE,
                    kind=kind,
                    name=name,
                    before=to_plain(before),
                    after=None,
                )
            )
            uow.commit()
        return Change(kind, name, ChangeAction.DELETED, self._diff(before, None))

    def _diff(self, before: CatalogueObject | None, after: CatalogueObject | None) -> str:
        old = self._codec.dump([before]).splitlines(keepends=True) if before is not None else []
        new = self._codec.dump([after]).splitlines(keepends=True) if after is not None else []
        obj = after or before
        assert obj is not None
        label = f"{kind_of(obj)}/{obj.name}"
        return "".join(difflib.unified_diff(old, new, fromfile=f"stored/{label}", tofile=f"new/{label}"))

    # -- reading the store ---------------------------------------------------------------

    def get(self, kind: str | None = None, name: str | None = None) -> list[CatalogueObject]:
        with self._uow() as uow:
            if kind is not None and name is not None:
                obj = uow.catalogue.get(kind, name)
                if obj is None:
                    raise NotFoundError(
                        f"{kind} {name!r} does not exist", key="error.object_not_found", kind=kind, name=name
                    )
                return [obj]
            return uow.catalogue.list(kind)

    def export(self, kinds: Sequence[str] | None = None) -> str:
        """The store as slmo/v1 YAML that ``apply`` takes back unchanged."""
        objects = self.get() if not kinds else [o for k in kinds for o in self.get(k)]
        return self._codec.dump(objects)

    def export_objects(self, objects: Sequence[CatalogueObject]) -> str:
        return self._codec.dump(objects)

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the document format."""
        return self._codec.json_schema()

    def document(self, obj: CatalogueObject) -> dict[str, Any]:
        return self._codec.dump_one(obj)

    def audit(
        self, kind: str | None = None, name: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[AuditEntry]:
        with self._uow() as uow:
            return uow.audit.list(kind=kind, name=name, limit=limit, offset=offset)
