"""The negotiation of an agreement's versions: the steps, who took them for which party, and the
rules that decide whether a step may be taken. Pure: the use case (``services.negotiation``)
reads the agreement and its recorded steps, calls one of these functions, and stores what it
returns in one transaction.

A version goes ``draft -> proposed -> agreed -> active -> superseded``:

- **draft** new terms as the next version: one of the parties puts a change forward (an
  accepted proposal for change, ``services.proposals``), to be edited and proposed as any draft;
- **propose** a draft: one of the agreement's parties offers it to the others;
- **counter** a proposal: a new version (the next number) is proposed in its place, with the
  changes shown as a diff; the version countered is closed (``retired``), and approvals given
  to it do not carry over;
- **comment** on any version;
- **approve** a proposal, once per party, for that party (its signatory is named in the
  record); when every party of the agreement has approved, the version is ``agreed``;
- **activate** an agreed version on or after its effective date (the day of activation when it
  names none): every version active before it is ``superseded`` and its ``effective_to`` set
  to the new version's ``effective_from``.

Rules on who: a step is taken for one of the agreement's parties, and one actor speaks for one
party in an agreement's negotiation, so that whoever proposed a version for one party cannot
approve it as another. Which party a caller may speak for (its role, its token's party) is the
access layer's business (``services.negotiation_access``).

Effective dates may not overlap: a version cannot start inside the period of a version that has
been superseded, nor on or before the start of the version in force (that version would be
left with no period at all).

Versions brought by documents (``slmo apply``) are recorded too (``document_steps``); once a
version is proposed, documents may only retire it (``document_violations``): it changes through
these steps only, so that what each party approved is what becomes active.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from slmo.core.model.agreement import Agreement, AgreementVersion, LifecycleViolation, VersionState, reachable
from slmo.errors import ConflictError, NotFoundError, PermissionDeniedError, Problem, SpecError, TransitionError

# A comment is a few paragraphs, not a document.
COMMENT_LIMIT = 4000


class StepKind(StrEnum):
    DRAFTED = "drafted"
    PROPOSED = "proposed"
    COUNTERED = "countered"
    COMMENTED = "commented"
    APPROVED = "approved"
    ACTIVATED = "activated"
    SUPERSEDED = "superseded"
    RETIRED = "retired"
    # A version brought by a document in another state than draft: an agreement made outside
    # slmo (kept in git), recorded as it came.
    RECORDED = "recorded"


@dataclass(frozen=True, kw_only=True)
class Participant:
    """Who takes a step: the actor's name, the interface (``cli``, ``api``, ``web``) and the
    party it acts for (``None`` for a document, which speaks for nobody in particular)."""

    actor: str
    interface: str
    party: str | None = None


@dataclass(frozen=True, kw_only=True)
class NegotiationStep:
    """One step of the negotiation of ``agreement``'s version ``version``.

    ``state`` is the version's state after the step. ``related`` is the other version a step
    names: for ``countered`` the new version, for a ``proposed`` counter-proposal the version it
    counters, for ``superseded`` the version that took over, for ``activated`` the version it
    superseded. ``signatory`` is the approving party's signatory as the agreement names it.
    """

    agreement: str
    version: int
    kind: StepKind
    state: VersionState
    actor: str
    interface: str
    at: dt.datetime
    party: str | None = None
    comment: str | None = None
    related: int | None = None
    signatory: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What a step does: the agreement as it is afterwards (unchanged for a comment) and the
    steps to record, in order."""

    agreement: Agreement
    steps: tuple[NegotiationStep, ...]


# -- reading the record --------------------------------------------------------------------


def _of(steps: Iterable[NegotiationStep], version: int) -> list[NegotiationStep]:
    return [s for s in steps if s.version == version]


def approvals(steps: Iterable[NegotiationStep], version: int) -> list[str]:
    """The parties that approved ``version`` since it was last proposed, in order."""
    found: list[str] = []
    for step in _of(steps, version):
        if step.kind is StepKind.PROPOSED:
            found = []
        elif step.kind is StepKind.APPROVED and step.party is not None and step.party not in found:
            found.append(step.party)
    return found


def waiting_for(agreement: Agreement, steps: Iterable[NegotiationStep], version: int) -> list[str]:
    """The parties whose approval ``version`` still needs, in the agreement's order."""
    given = set(approvals(steps, version))
    return [p.party for p in agreement.parties if p.party not in given]


def proposer(steps: Iterable[NegotiationStep], version: int) -> str | None:
    """The party that last proposed ``version``, if slmo recorded one."""
    found = [s.party for s in _of(steps, version) if s.kind is StepKind.PROPOSED]
    return found[-1] if found else None


def bound_party(steps: Iterable[NegotiationStep], actor: str) -> str | None:
    """The party ``actor`` has spoken for in this agreement's negotiation, if any."""
    return next((s.party for s in steps if s.actor == actor and s.party is not None), None)


def negotiated(steps: Iterable[NegotiationStep], version: int) -> bool:
    """Whether ``version`` has been proposed through slmo (or proposed as a counter)."""
    return any(s.kind is StepKind.PROPOSED for s in _of(steps, version))


# -- the checks every step makes -----------------------------------------------------------


def _version(agreement: Agreement, number: int) -> AgreementVersion:
    found = agreement.version(number)
    if found is None:
        raise NotFoundError(
            f"agreement {agreement.name!r} has no version {number}",
            key="error.negotiation_no_version",
            name=agreement.name,
            number=number,
        )
    return found


def _state(version: AgreementVersion, step: StepKind, *needed: VersionState) -> None:
    if version.state not in needed:
        raise TransitionError(
            f"version {version.number} is {version.state.value}; only a {' or '.join(s.value for s in needed)} "
            f"version can be {step.value}",
            key="error.negotiation_state",
            number=version.number,
            state=version.state.value,
            step=step.value,
            needed=" / ".join(s.value for s in needed),
        )


def _speaker(agreement: Agreement, who: Participant, steps: Sequence[NegotiationStep]) -> str:
    """The party ``who`` acts for, checked: a party of the agreement, and the only one this
    actor has spoken for in its negotiation."""
    names = [p.party for p in agreement.parties]
    if who.party is None or who.party not in names:
        raise PermissionDeniedError(
            f"{who.party or 'nobody'} is not a party to agreement {agreement.name!r} (its parties: "
            f"{', '.join(names) or 'none'})",
            key="error.negotiation_not_a_party",
            party=who.party or "—",
            name=agreement.name,
            parties=", ".join(names) or "—",
        )
    bound = bound_party(steps, who.actor)
    if bound is not None and bound != who.party:
        raise PermissionDeniedError(
            f"{who.actor} has acted for {bound} in the negotiation of {agreement.name!r} and may not act for "
            f"{who.party}",
            key="error.negotiation_one_party",
            actor=who.actor,
            bound=bound,
            party=who.party,
            name=agreement.name,
        )
    return who.party


def _comment(text: str | None, *, required: bool = False) -> str | None:
    cleaned = None if text is None else text.strip()
    if required and not cleaned:
        raise SpecError([Problem(None, "comment", "a comment needs some text", key="negotiation.comment_empty")])
    if cleaned is not None and len(cleaned) > COMMENT_LIMIT:
        raise SpecError(
            [
                Problem(
                    None,
                    "comment",
                    f"a comment is at most {COMMENT_LIMIT} characters, not {len(cleaned)}",
                    key="negotiation.comment_long",
                    args={"limit": COMMENT_LIMIT, "length": len(cleaned)},
                )
            ]
        )
    return cleaned or None


def _day(value: dt.date | None) -> str:
    return "…" if value is None else value.isoformat()


def overlapping(agreement: Agreement, candidate: AgreementVersion) -> AgreementVersion | None:
    """A version whose effective period ``candidate``'s would overlap, if any.

    - a superseded version keeps its period ``[from, to)``: the candidate may not meet it;
    - the version in force (active) is cut short when the candidate becomes active, so the
      candidate must start after it starts (on the same day or before, the version in force
      would be left with no period at all);
    - a candidate with no start yet (it takes effect when activated) overlaps nothing.
    """
    start, end = candidate.effective_from, candidate.effective_to
    if start is None:
        return None
    for other in sorted(agreement.versions, key=lambda v: v.number):
        if other.number == candidate.number:
            continue
        if other.state is VersionState.SUPERSEDED:
            before_it = end is not None and other.effective_from is not None and end <= other.effective_from
            after_it = other.effective_to is not None and start >= other.effective_to
            if not (before_it or after_it):
                return other
        elif other.state is VersionState.ACTIVE and other.effective_from is not None and start <= other.effective_from:
            return other
    return None


def _no_overlap(agreement: Agreement, candidate: AgreementVersion) -> None:
    other = overlapping(agreement, candidate)
    if other is not None:
        raise ConflictError(
            f"version {candidate.number} ({_day(candidate.effective_from)} to {_day(candidate.effective_to)}) "
            f"overlaps version {other.number} ({other.state.value}, {_day(other.effective_from)} to "
            f"{_day(other.effective_to)}); a new version starts after the one in force",
            key="error.negotiation_overlap",
            number=candidate.number,
            start=_day(candidate.effective_from),
            end=_day(candidate.effective_to),
            other=other.number,
            other_state=other.state.value,
            other_start=_day(other.effective_from),
            other_end=_day(other.effective_to),
        )


def _replace(agreement: Agreement, *versions: AgreementVersion) -> Agreement:
    by_number = {v.number: v for v in versions}
    kept = [by_number.pop(v.number, v) for v in agreement.versions]
    return dataclasses.replace(agreement, versions=(*kept, *sorted(by_number.values(), key=lambda v: v.number)))


def _step(
    agreement: Agreement,
    version: AgreementVersion,
    kind: StepKind,
    who: Participant,
    at: dt.datetime,
    **extra: object,
) -> NegotiationStep:
    return NegotiationStep(
        agreement=agreement.name,
        version=version.number,
        kind=kind,
        state=version.state,
        actor=who.actor,
        interface=who.interface,
        at=at,
        party=who.party,
        **extra,  # type: ignore[arg-type]
    )


# -- the steps -----------------------------------------------------------------------------


def propose(
    agreement: Agreement,
    number: int,
    who: Participant,
    at: dt.datetime,
    steps: Sequence[NegotiationStep],
    comment: str | None = None,
) -> Outcome:
    """Offer draft ``number`` to the other parties."""
    version = _version(agreement, number)
    _speaker(agreement, who, steps)
    _state(version, StepKind.PROPOSED, VersionState.DRAFT)
    text = _comment(comment)
    _no_overlap(agreement, version)
    proposed = dataclasses.replace(version, state=VersionState.PROPOSED)
    return Outcome(
        _replace(agreement, proposed), (_step(agreement, proposed, StepKind.PROPOSED, who, at, comment=text),)
    )


def draft(
    agreement: Agreement,
    terms: AgreementVersion,
    who: Participant,
    at: dt.datetime,
    steps: Sequence[NegotiationStep],
    comment: str | None = None,
) -> Outcome:
    """Add ``terms`` (their number and state are ignored) as a new draft, the next version: a
    change one of the parties puts forward (an accepted proposal for change), to be edited and
    proposed as any draft is."""
    _speaker(agreement, who, steps)
    text = _comment(comment)
    number = max((v.number for v in agreement.versions), default=0) + 1
    version = dataclasses.replace(terms, number=number, state=VersionState.DRAFT)
    _no_overlap(agreement, version)
    return Outcome(_replace(agreement, version), (_step(agreement, version, StepKind.DRAFTED, who, at, comment=text),))


def may_counter(
    agreement: Agreement, number: int, who: Participant, steps: Sequence[NegotiationStep]
) -> AgreementVersion:
    """The proposal ``number``, when ``who`` may counter it (checked before the new terms are
    read, so that a counter of a draft says so rather than what is wrong with its terms)."""
    version = _version(agreement, number)
    _speaker(agreement, who, steps)
    _state(version, StepKind.COUNTERED, VersionState.PROPOSED)
    return version


def counter(
    agreement: Agreement,
    number: int,
    terms: AgreementVersion,
    who: Participant,
    at: dt.datetime,
    steps: Sequence[NegotiationStep],
    comment: str | None = None,
) -> Outcome:
    """Answer proposal ``number`` with ``terms`` (its number and state are ignored): proposed as
    the next version, while ``number`` is closed (retired)."""
    version = may_counter(agreement, number, who, steps)
    text = _comment(comment)
    new_number = max(v.number for v in agreement.versions) + 1
    proposal = dataclasses.replace(terms, number=new_number, state=VersionState.PROPOSED)
    if dataclasses.replace(proposal, number=number) == version:
        raise ConflictError(
            f"the counter-proposal is the same as version {number}; change something, or approve it",
            key="error.negotiation_no_change",
            number=number,
        )
    _no_overlap(agreement, proposal)
    closed = dataclasses.replace(version, state=VersionState.RETIRED)
    after = _replace(agreement, closed, proposal)
    return Outcome(
        after,
        (
            _step(agreement, closed, StepKind.COUNTERED, who, at, related=new_number),
            _step(agreement, proposal, StepKind.PROPOSED, who, at, comment=text, related=number),
        ),
    )


def comment_on(
    agreement: Agreement,
    number: int,
    who: Participant,
    at: dt.datetime,
    steps: Sequence[NegotiationStep],
    text: str | None,
) -> Outcome:
    """A remark on version ``number`` (in any state); the version does not change."""
    version = _version(agreement, number)
    _speaker(agreement, who, steps)
    cleaned = _comment(text, required=True)
    return Outcome(agreement, (_step(agreement, version, StepKind.COMMENTED, who, at, comment=cleaned),))


def approve(
    agreement: Agreement,
    number: int,
    who: Participant,
    at: dt.datetime,
    steps: Sequence[NegotiationStep],
    comment: str | None = None,
) -> Outcome:
    """``who``'s party approves proposal ``number``; the last party's approval makes it agreed."""
    version = _version(agreement, number)
    party = _speaker(agreement, who, steps)
    _state(version, StepKind.APPROVED, VersionState.PROPOSED)
    text = _comment(comment)
    if party in approvals(steps, number):
        raise ConflictError(
            f"{party} has approved version {number} already",
            key="error.negotiation_approved_already",
            party=party,
            number=number,
        )
    waiting = [p for p in waiting_for(agreement, steps, number) if p != party]
    after = version if waiting else dataclasses.replace(version, state=VersionState.AGREED)
    signatory = next((p.signatory for p in agreement.parties if p.party == party), None)
    step = _step(agreement, after, StepKind.APPROVED, who, at, comment=text, signatory=signatory)
    return Outcome(_replace(agreement, after), (step,))


def activate(
    agreement: Agreement,
    number: int,
    who: Participant,
    at: dt.datetime,
    today: dt.date,
    steps: Sequence[NegotiationStep],
    comment: str | None = None,
) -> Outcome:
    """Put agreed version ``number`` in force; ``today`` is the date in the agreement's zone."""
    version = _version(agreement, number)
    _speaker(agreement, who, steps)
    if version.state is not VersionState.AGREED:
        waiting = waiting_for(agreement, steps, number) if version.state is VersionState.PROPOSED else []
        raise TransitionError(
            f"version {number} is {version.state.value}, not agreed: only a version every party approved can "
            f"become active" + (f" (waiting for {', '.join(waiting)})" if waiting else ""),
            key="error.negotiation_not_agreed",
            number=number,
            state=version.state.value,
            waiting=", ".join(waiting) or "—",
        )
    text = _comment(comment)
    start = version.effective_from or today
    if start > today:
        raise TransitionError(
            f"version {number} takes effect on {start.isoformat()}; activate it on or after that day",
            key="error.negotiation_not_yet",
            number=number,
            date=start.isoformat(),
        )
    active = dataclasses.replace(version, state=VersionState.ACTIVE, effective_from=start)
    _no_overlap(agreement, active)
    ended = [
        dataclasses.replace(
            v,
            state=VersionState.SUPERSEDED,
            effective_to=start if v.effective_to is None else min(v.effective_to, start),
        )
        for v in sorted(agreement.versions, key=lambda v: v.number)
        if v.state is VersionState.ACTIVE
    ]
    record = [
        _step(agreement, active, StepKind.ACTIVATED, who, at, comment=text, related=ended[-1].number if ended else None)
    ]
    record += [_step(agreement, v, StepKind.SUPERSEDED, who, at, related=number) for v in ended]
    return Outcome(_replace(agreement, active, *ended), tuple(record))


# -- what a participant may do next (for the web UI's buttons) -----------------------------


def possible_steps(
    agreement: Agreement, number: int, who: Participant, steps: Sequence[NegotiationStep], today: dt.date
) -> frozenset[StepKind]:
    """The steps ``who`` could take on version ``number`` now, by the rules above (roles aside)."""
    version = agreement.version(number)
    names = [p.party for p in agreement.parties]
    if version is None or who.party not in names:
        return frozenset()
    bound = bound_party(steps, who.actor)
    if bound is not None and bound != who.party:
        return frozenset()
    found = {StepKind.COMMENTED}
    if version.state is VersionState.DRAFT and overlapping(agreement, version) is None:
        found.add(StepKind.PROPOSED)
    if version.state is VersionState.PROPOSED:
        found.add(StepKind.COUNTERED)
        if who.party not in approvals(steps, number):
            found.add(StepKind.APPROVED)
    if version.state is VersionState.AGREED:
        start = version.effective_from or today
        candidate = dataclasses.replace(version, effective_from=start)
        if start <= today and overlapping(agreement, candidate) is None:
            found.add(StepKind.ACTIVATED)
    return frozenset(found)


# -- documents -------------------------------------------------------------------------------


def _document_move(old: VersionState, new: VersionState) -> bool:
    """The state changes a document may make to a stored version: closing it (retired), or
    ending the version in force (superseded). Proposing, agreeing and activating are steps of
    the negotiation, each recorded with who took it for which party."""
    return new is VersionState.RETIRED or (old is VersionState.ACTIVE and new is VersionState.SUPERSEDED)


# Versions whose terms are on the table or agreed: a document may not rewrite what a party
# proposed or approved.
_LOCKED = frozenset({VersionState.PROPOSED, VersionState.AGREED})


def document_violations(before: Agreement, after: Agreement) -> list[LifecycleViolation]:
    """What a document may not do to a stored agreement's versions, beyond the life cycle's own
    rules (``agreement.lifecycle_violations``): move one to proposed, agreed or active (those
    are negotiation steps), or edit one that is proposed or agreed."""
    found: list[LifecycleViolation] = []
    index_after = {v.number: i for i, v in enumerate(after.versions)}
    for old in before.versions:
        i = index_after.get(old.number)
        if i is None:
            continue
        new = after.versions[i]
        back = new.state is VersionState.DRAFT and old.state in _LOCKED
        if new.state != old.state and not back and not _document_move(old.state, new.state):
            if not reachable(old.state, new.state):
                continue  # a step back: the life cycle's own rule says so

            found.append(
                LifecycleViolation(
                    f"versions[{i}].state",
                    f"version {old.number} can become {new.state.value} only through the negotiation "
                    f"(slmo agreement propose, approve, activate), not by a document",
                    "lifecycle.negotiated",
                    {"number": old.number, "to": new.state.value},
                )
            )
        elif old.state in _LOCKED and (back or dataclasses.replace(new, state=old.state) != old):
            found.append(
                LifecycleViolation(
                    f"versions[{i}]",
                    f"version {old.number} is {old.state.value} and its terms are not edited; counter it "
                    f"(slmo agreement counter) or retire it",
                    "lifecycle.locked",
                    {"number": old.number, "state": old.state.value},
                )
            )
    return found


def document_steps(
    before: Agreement | None, after: Agreement, who: Participant, at: dt.datetime
) -> list[NegotiationStep]:
    """The steps a document took on ``after``'s versions: a new draft is ``drafted``, a new
    version in another state ``recorded`` as it came; a stored version moved to retired or
    superseded is ``retired`` or ``superseded``."""
    old = {v.number: v for v in before.versions} if before is not None else {}
    found: list[NegotiationStep] = []
    for version in sorted(after.versions, key=lambda v: v.number):
        previous = old.get(version.number)
        if previous is None:
            kind = StepKind.DRAFTED if version.state is VersionState.DRAFT else StepKind.RECORDED
        elif previous.state != version.state and _document_move(previous.state, version.state):
            kind = StepKind.RETIRED if version.state is VersionState.RETIRED else StepKind.SUPERSEDED
        else:
            continue
        found.append(_step(after, version, kind, who, at))
    return found
