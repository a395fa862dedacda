"""Negotiating an agreement's versions: propose, counter, comment, approve, activate; the
history of the steps; the diff between two versions.

Each step is one unit of work: the agreement and the recorded steps are read, the core's rule
(``core.model.negotiation``) decides, and the changed agreement, the new steps and their audit
entries are written together, or nothing is (a refusal raises before anything is written).
Who may take a step for which party is decided before this, by the caller's interface
(``services.negotiation_access`` for the API and the web UI; the CLI's ``--as-party``).

Audit: a step that changes the agreement is an ``Agreement`` change with the document before
and after, like any other; every step is also an entry of kind ``Negotiation`` named
``AGREEMENT/VERSION``, whose ``after`` is the step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slmo.core.engine.windows import zone as zone_info
from slmo.core.model.agreement import Agreement, AgreementVersion
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.calendar import Calendar
from slmo.core.model.kinds import kind_of
from slmo.core.model.negotiation import (
    NegotiationStep,
    Outcome,
    Participant,
    activate,
    approve,
    comment_on,
    counter,
    draft,
    may_counter,
    propose,
)
from slmo.core.model.plain import to_plain
from slmo.core.model.references import broken_references
from slmo.core.model.version_diff import EditPathError, FieldChange, field_changes, with_edit
from slmo.core.ports import Clock, LoadedObject, SpecCodec, UnitOfWork, UnitOfWorkFactory
from slmo.errors import Location, NotFoundError, Problem, SpecError

logger = logging.getLogger(__name__)

AUDIT_KIND = "Negotiation"
# What a rule of the core is called with: the unit of work, the agreement, the steps so far,
# now, and today in the agreement's zone.
Rule = Callable[[UnitOfWork, Agreement, Sequence[NegotiationStep], dt.datetime, dt.date], Outcome]
# Where the problems of new terms are said to be, once merged into the agreement to be checked.
NEW_TERMS = "new terms"


def _missing(name: str) -> NotFoundError:
    return NotFoundError(
        f"Agreement {name!r} does not exist", key="error.object_not_found", kind="Agreement", name=name
    )


def parse_value(text: str) -> Any:
    """An edit's value as written on a command line or in a form: JSON when it reads as JSON
    (numbers, ``true``, ``null``, quoted strings, lists), else the text itself (a date)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


class NegotiationService:
    def __init__(self, uow: UnitOfWorkFactory, codec: SpecCodec, clock: Clock) -> None:
        self._uow = uow
        self._codec = codec
        self._clock = clock

    # -- reading -----------------------------------------------------------------------------

    def agreement(self, name: str) -> Agreement:
        with self._uow() as uow:
            return self._agreement(uow, name)

    @staticmethod
    def _agreement(uow: UnitOfWork, name: str) -> Agreement:
        found = uow.catalogue.get("Agreement", name)
        if not isinstance(found, Agreement):
            raise _missing(name)
        return found

    def history(self, name: str, version: int | None = None) -> list[NegotiationStep]:
        """The steps of agreement ``name`` (of one version), in the order taken."""
        with self._uow() as uow:
            self._agreement(uow, name)
            return uow.negotiation.list(name, version)

    def state(self, name: str) -> tuple[Agreement, list[NegotiationStep], dt.date]:
        """The agreement, its steps and today's date in its zone, read together (for a page
        that shows what a participant may do next)."""
        with self._uow() as uow:
            agreement = self._agreement(uow, name)
            return agreement, uow.negotiation.list(name), self._today(uow, agreement, self._clock.now())

    def version_document(self, agreement: Agreement, number: int) -> dict[str, Any]:
        """Version ``number`` as the plain document a person writes (``spec.versions[i]``)."""
        document = self._codec.dump_one(agreement)
        for version in document["spec"].get("versions", []):
            if version.get("version") == number:
                return dict(version)
        raise NotFoundError(
            f"agreement {agreement.name!r} has no version {number}",
            key="error.negotiation_no_version",
            name=agreement.name,
            number=number,
        )

    def diff(self, name: str, before: int, after: int) -> list[FieldChange]:
        """What changed from version ``before`` to version ``after``, field by field."""
        agreement = self.agreement(name)
        return field_changes(self.version_document(agreement, before), self.version_document(agreement, after))

    # -- the steps ---------------------------------------------------------------------------

    def propose(self, name: str, number: int, who: Participant, comment: str | None = None) -> Outcome:
        return self._take(name, lambda uow, a, s, now, today: propose(a, number, who, now, s, comment))

    def comment(self, name: str, number: int, who: Participant, text: str | None) -> Outcome:
        return self._take(name, lambda uow, a, s, now, today: comment_on(a, number, who, now, s, text))

    def approve(self, name: str, number: int, who: Participant, comment: str | None = None) -> Outcome:
        return self._take(name, lambda uow, a, s, now, today: approve(a, number, who, now, s, comment))

    def activate(self, name: str, number: int, who: Participant, comment: str | None = None) -> Outcome:
        return self._take(name, lambda uow, a, s, now, today: activate(a, number, who, now, today, s, comment))

    def counter(
        self,
        name: str,
        number: int,
        who: Participant,
        *,
        document: str | None = None,
        source: str = "counter-proposal",
        edits: Mapping[str, Any] | None = None,
        comment: str | None = None,
    ) -> Outcome:
        """Answer proposal ``number`` with new terms: the version of that number in
        ``document`` (an Agreement document of this agreement, as ``slmo get -o yaml`` writes
        it, edited), else version ``number`` itself, with ``edits`` (``path -> value``, paths as
        ``field_changes`` writes them) applied on top. The new terms are checked as any
        document is (fields, values, references) before anything is written."""

        def rule(
            uow: UnitOfWork, agreement: Agreement, steps: Sequence[NegotiationStep], now: dt.datetime, today: dt.date
        ) -> Outcome:
            may_counter(agreement, number, who, steps)
            terms = self._terms(uow, agreement, number, document, source, edits or {})
            return counter(agreement, number, terms, who, now, steps, comment)

        return self._take(name, rule)

    def _terms(
        self,
        uow: UnitOfWork,
        agreement: Agreement,
        number: int,
        document: str | None,
        source: str,
        edits: Mapping[str, Any],
    ) -> AgreementVersion:
        if document is not None:
            given = self._given(agreement, number, document, source)
            spec = self._codec.dump_one(dataclasses.replace(agreement, versions=(given,)))["spec"]["versions"][0]
        else:
            spec = self.version_document(agreement, number)
        problems = []
        for path, value in edits.items():
            try:
                spec = with_edit(spec, path, value)
            except EditPathError as error:
                problems.append(
                    Problem(
                        Location("edits"),
                        error.where,
                        str(error),
                        key=f"negotiation.edit_{error.code}",
                        args={"part": error.part},
                    )
                )
        if problems:
            raise SpecError(problems)
        return self._checked(uow, agreement, spec)

    def _checked(self, uow: UnitOfWork, agreement: Agreement, spec: Mapping[str, Any]) -> AgreementVersion:
        """The version ``spec`` (a version as its document) gives, checked as any document is:
        this agreement with it as one more version (fields, values, references)."""
        new_number = max(v.number for v in agreement.versions) + 1
        whole = self._codec.dump_one(agreement)
        whole["spec"]["versions"] = [*whole["spec"]["versions"], {**spec, "version": new_number, "state": "proposed"}]
        (item,) = self._codec.load_text(json.dumps(whole, indent=2, default=str, ensure_ascii=False), NEW_TERMS)
        known = {(kind_of(o), o.name): o for o in uow.catalogue.list()}
        broken = [
            Problem(
                item.location_of(b.reference.field),
                f"spec.{b.reference.field}",
                f"{b.reference.target_kind} {b.reference.target!r} does not exist",
                key="spec.missing_reference",
                args={"kind": b.reference.target_kind, "name": b.reference.target, "hint": ""},
            )
            for b in broken_references([item.obj], known)
        ]
        if broken:
            raise SpecError(broken)
        assert isinstance(item.obj, Agreement)
        found = item.obj.version(new_number)
        assert found is not None
        return found

    def _given(self, agreement: Agreement, number: int, document: str, source: str) -> AgreementVersion:
        """The version the counter-proposal's document gives: of the same number as the one
        countered, else its newest."""
        loaded: list[LoadedObject] = self._codec.load_text(document, source)
        agreements = [item for item in loaded if isinstance(item.obj, Agreement)]
        if len(agreements) != 1 or agreements[0].obj.name != agreement.name:
            raise SpecError(
                [
                    Problem(
                        Location(source),
                        "metadata.name",
                        f"a counter-proposal is one Agreement document named {agreement.name!r}",
                        key="negotiation.counter_document",
                        args={"name": agreement.name},
                    )
                ]
            )
        given = agreements[0].obj
        assert isinstance(given, Agreement)
        found = given.version(number) or given.latest_version()
        if found is None:
            raise SpecError(
                [
                    Problem(
                        Location(source),
                        "spec.versions",
                        "the document has no version to propose",
                        key="negotiation.counter_no_version",
                    )
                ]
            )
        return found

    def draft_in(
        self, uow: UnitOfWork, name: str, terms: AgreementVersion, who: Participant, comment: str | None = None
    ) -> Outcome:
        """Add ``terms`` as the next draft version of agreement ``name`` in the caller's unit of
        work, which commits it with what else it writes (an accepted proposal for change):
        checked as any document is before anything is written."""

        def rule(
            uow: UnitOfWork, agreement: Agreement, steps: Sequence[NegotiationStep], now: dt.datetime, today: dt.date
        ) -> Outcome:
            spec = self._codec.dump_one(dataclasses.replace(agreement, versions=(terms,)))["spec"]["versions"][0]
            return draft(agreement, self._checked(uow, agreement, spec), who, now, steps, comment)

        return self._take_in(uow, name, rule, self._clock.now())

    # -- one step, one transaction -----------------------------------------------------------

    @staticmethod
    def _today(uow: UnitOfWork, agreement: Agreement, now: dt.datetime) -> dt.date:
        """Today in the agreement's time zone: its version in force's (else newest's) calendar."""
        version = agreement.active_version() or agreement.latest_version()
        calendar = uow.catalogue.get("Calendar", version.calendar) if version and version.calendar else None
        zone = calendar.time_zone if isinstance(calendar, Calendar) else "UTC"
        return now.astimezone(zone_info(zone)).date()

    def _take(self, name: str, rule: Rule) -> Outcome:
        with self._uow() as uow:
            outcome = self._take_in(uow, name, rule, self._clock.now())
            uow.commit()
        return outcome

    def _take_in(self, uow: UnitOfWork, name: str, rule: Rule, now: dt.datetime) -> Outcome:
        """The step ``rule`` decides, written in ``uow`` (the caller commits)."""
        before = self._agreement(uow, name)
        steps = uow.negotiation.list(name)
        outcome = rule(uow, before, steps, now, self._today(uow, before, now))
        after = outcome.agreement
        if after != before:
            uow.catalogue.put(after)
        stored = uow.negotiation.add(outcome.steps)
        first = stored[0] if stored else None
        if after != before and first is not None:
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=first.actor,
                    interface=first.interface,
                    action=AuditAction.CHANGE,
                    kind="Agreement",
                    name=name,
                    before=to_plain(before),
                    after=to_plain(after),
                )
            )
        for step in stored:
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=step.actor,
                    interface=step.interface,
                    action=AuditAction.CREATE,
                    kind=AUDIT_KIND,
                    name=f"{name}/{step.version}",
                    before=None,
                    after=to_plain(step),
                )
            )
        logger.info("agreement %s: %s", name, ", ".join(f"v{s.version} {s.kind.value}" for s in stored))
        return Outcome(after, tuple(stored))


# -- rows for scripts: `slmo agreement ... --json` and the API answer the same keys ---------------


def step_json(step: NegotiationStep) -> dict[str, Any]:
    return {
        "id": step.id,
        "agreement": step.agreement,
        "version": step.version,
        "step": step.kind.value,
        "state": step.state.value,
        "actor": step.actor,
        "party": step.party,
        "interface": step.interface,
        "at": step.at.isoformat(),
        "comment": step.comment,
        "related_version": step.related,
        "signatory": step.signatory,
    }


def change_json(change: FieldChange) -> dict[str, Any]:
    return {"field": change.path, "change": change.change, "before": change.before, "after": change.after}
