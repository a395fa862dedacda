"""Negotiating a version of the example SLA (it-operations provides the portal to the ministry):
drafted, proposed, countered with a diff, commented on, approved by both sides, activated on its
effective date, superseding version 1; every bad step refused with nothing changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model import Agreement, VersionState
from slmo.core.model.audit import Actor
from slmo.core.model.negotiation import Participant, StepKind, approve
from slmo.errors import ConflictError, NotFoundError, PermissionDeniedError, SpecError, TransitionError
from tests.api_support import FixedClock
from tests.conftest import EXAMPLES
from tests.negotiation_support import FAISAL, NOURA, NOW, add_draft, example_slmo, snapshot

DECEMBER = {"effective": {"from": "2026-12-01"}}
FAISAL_ACTOR = Actor(name="faisal", interface="cli")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def slmo(clock: FixedClock) -> Slmo:
    return example_slmo(clock)


def sla(slmo: Slmo) -> Agreement:
    found = slmo.negotiation.agreement("eportal-sla")
    return found


def state(slmo: Slmo, number: int) -> VersionState:
    version = sla(slmo).version(number)
    assert version is not None
    return version.state


def kinds(slmo: Slmo, version: int | None = None) -> list[tuple[int, str, str | None, str]]:
    return [(s.version, s.kind.value, s.party, s.state.value) for s in slmo.negotiation.history("eportal-sla", version)]


def proposed(slmo: Slmo, **changes: object) -> int:
    number = add_draft(slmo, **({**DECEMBER, **changes}))  # type: ignore[arg-type]
    slmo.negotiation.propose("eportal-sla", number, FAISAL, "99.5 % from December")
    return number


def test_the_whole_negotiation(slmo: Slmo, clock: FixedClock) -> None:
    number = add_draft(slmo, edits={"objectives.availability.target": 0.995}, **DECEMBER)
    assert number == 2
    slmo.negotiation.propose("eportal-sla", 2, FAISAL, "99.5 % from December")
    slmo.negotiation.comment("eportal-sla", 2, NOURA, "Too low for the portal; we need 99.9 %.")
    outcome = slmo.negotiation.counter(
        "eportal-sla", 2, NOURA, edits={"objectives.availability.target": 0.999}, comment="Back to 99.9 %"
    )
    assert [(s.version, s.kind, s.related) for s in outcome.steps] == [
        (2, StepKind.COUNTERED, 3),
        (3, StepKind.PROPOSED, 2),
    ]
    assert (state(slmo, 2), state(slmo, 3)) == (VersionState.RETIRED, VersionState.PROPOSED)
    changes = slmo.negotiation.diff("eportal-sla", 2, 3)
    assert [(c.path, c.before, c.after) for c in changes] == [("objectives.availability.target", 0.995, 0.999)]

    first = slmo.negotiation.approve("eportal-sla", 3, NOURA, "Agreed for the ministry")
    assert first.steps[0].state is VersionState.PROPOSED and first.steps[0].signatory == "Noura Al-Qahtani"
    last = slmo.negotiation.approve("eportal-sla", 3, FAISAL)
    assert last.steps[0].state is VersionState.AGREED and last.steps[0].signatory == "Faisal Al-Harbi"

    clock.at = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 11:00 in Riyadh, on the day
    done = slmo.negotiation.activate("eportal-sla", 3, FAISAL)
    assert [(s.version, s.kind, s.related) for s in done.steps] == [
        (3, StepKind.ACTIVATED, 1),
        (1, StepKind.SUPERSEDED, 3),
    ]
    agreement = sla(slmo)
    one, three = agreement.version(1), agreement.version(3)
    assert one is not None and three is not None
    assert (one.state, one.effective_to) == (VersionState.SUPERSEDED, dt.date(2026, 12, 1))
    assert (three.state, three.effective_from) == (VersionState.ACTIVE, dt.date(2026, 12, 1))
    assert agreement.active_version(dt.date(2026, 12, 1)) == three
    # Version 1 is kept as history: in force until the day before, for reports of those days.
    assert agreement.active_version(dt.date(2026, 11, 30)) == one
    assert agreement.active_version() == three

    assert kinds(slmo) == [
        (1, "recorded", None, "active"),
        (2, "drafted", None, "draft"),
        (2, "proposed", "it-operations", "proposed"),
        (2, "commented", "ministry", "proposed"),
        (2, "countered", "ministry", "retired"),
        (3, "proposed", "ministry", "proposed"),
        (3, "approved", "ministry", "proposed"),
        (3, "approved", "it-operations", "agreed"),
        (3, "activated", "it-operations", "active"),
        (1, "superseded", "it-operations", "superseded"),
    ]
    history = slmo.negotiation.history("eportal-sla")
    assert [s.actor for s in history[2:]] == [
        "faisal",
        "noura",
        "noura",
        "noura",
        "noura",
        "faisal",
        "faisal",
        "faisal",
    ]
    assert history[3].comment == "Too low for the portal; we need 99.9 %."
    assert history[-2].at == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_every_step_is_audited_with_the_version_change(slmo: Slmo) -> None:
    number = add_draft(slmo, **DECEMBER)
    before = len(slmo.catalogue.audit())
    slmo.negotiation.propose("eportal-sla", number, FAISAL)
    entries = slmo.catalogue.audit()[before:]
    assert [(e.kind, e.name, e.action.value, e.actor, e.interface) for e in entries] == [
        ("Agreement", "eportal-sla", "change", "faisal", "cli"),
        ("Negotiation", "eportal-sla/2", "create", "faisal", "cli"),
    ]
    assert entries[0].before is not None and entries[0].after is not None
    assert entries[0].before["versions"][1].get("state", "draft") == "draft"  # a default is left out
    assert entries[0].after["versions"][1]["state"] == "proposed"
    assert entries[1].after is not None and entries[1].after["kind"] == "proposed"
    assert entries[1].after["party"] == "it-operations"
    # A comment changes no version: only its own entry.
    slmo.negotiation.comment("eportal-sla", number, NOURA, "Looking at it")
    assert [e.kind for e in slmo.catalogue.audit()[before + 2 :]] == ["Negotiation"]


# -- the bad input of the issue: each refused, with nothing changed ------------------------------


def test_approving_your_own_proposal_as_the_other_party_is_refused(slmo: Slmo) -> None:
    number = proposed(slmo)
    held = snapshot(slmo)
    as_ministry = dataclasses.replace(FAISAL, party="ministry")
    with pytest.raises(PermissionDeniedError) as refused:
        slmo.negotiation.approve("eportal-sla", number, as_ministry)
    assert str(refused.value) == (
        "faisal has acted for it-operations in the negotiation of 'eportal-sla' and may not act for ministry"
    )
    assert snapshot(slmo) == held


def test_activating_an_unapproved_version_is_refused(slmo: Slmo, clock: FixedClock) -> None:
    number = proposed(slmo)
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    clock.at = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    held = snapshot(slmo)
    with pytest.raises(TransitionError) as refused:
        slmo.negotiation.activate("eportal-sla", number, FAISAL)
    assert str(refused.value) == (
        "version 2 is proposed, not agreed: only a version every party approved can become active "
        "(waiting for it-operations)"
    )
    assert snapshot(slmo) == held
    draft = add_draft(slmo, effective={"from": "2027-01-01"})
    with pytest.raises(TransitionError, match="version 3 is draft, not agreed"):
        slmo.negotiation.activate("eportal-sla", draft, FAISAL)


def test_overlapping_effective_dates_are_refused(slmo: Slmo, clock: FixedClock) -> None:
    # Version 1 is in force from 2026-01-01: a version from 2025-12-01 would end it before it began.
    number = add_draft(slmo, effective={"from": "2025-12-01"})
    held = snapshot(slmo)
    with pytest.raises(ConflictError) as refused:
        slmo.negotiation.propose("eportal-sla", number, FAISAL)
    assert str(refused.value) == (
        "version 2 (2025-12-01 to …) overlaps version 1 (active, 2026-01-01 to …); "
        "a new version starts after the one in force"
    )
    assert snapshot(slmo) == held
    # The same day as the version in force is refused too: it would leave it no period at all.
    same_day = add_draft(slmo, effective={"from": "2026-01-01"})
    with pytest.raises(ConflictError, match="overlaps version 1"):
        slmo.negotiation.propose("eportal-sla", same_day, FAISAL)


def test_a_version_may_not_reach_into_a_superseded_ones_period(slmo: Slmo, clock: FixedClock) -> None:
    number = proposed(slmo)
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    slmo.negotiation.approve("eportal-sla", number, FAISAL)
    clock.at = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    slmo.negotiation.activate("eportal-sla", number, FAISAL)
    # Version 1 held from 2026-01-01 to 2026-12-01; June 2026 is in it.
    june = add_draft(slmo, effective={"from": "2026-06-01"})
    held = snapshot(slmo)
    with pytest.raises(ConflictError, match=r"overlaps version 1 \(superseded, 2026-01-01 to 2026-12-01\)"):
        slmo.negotiation.propose("eportal-sla", june, FAISAL)
    assert snapshot(slmo) == held


def test_a_counter_proposal_may_not_overlap_either(slmo: Slmo) -> None:
    number = proposed(slmo)
    held = snapshot(slmo)
    with pytest.raises(ConflictError, match="version 3 \\(2025-06-01 to …\\) overlaps version 1"):
        slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"effective.from": "2025-06-01"})
    assert snapshot(slmo) == held


def test_activation_waits_for_the_effective_date(slmo: Slmo) -> None:
    number = proposed(slmo)
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    slmo.negotiation.approve("eportal-sla", number, FAISAL)
    held = snapshot(slmo)
    with pytest.raises(TransitionError, match="version 2 takes effect on 2026-12-01; activate it on or after that day"):
        slmo.negotiation.activate("eportal-sla", number, FAISAL)
    assert snapshot(slmo) == held


def test_an_undated_version_takes_effect_on_the_day_it_is_activated(slmo: Slmo, clock: FixedClock) -> None:
    number = add_draft(slmo, effective={})
    slmo.negotiation.propose("eportal-sla", number, FAISAL)
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    slmo.negotiation.approve("eportal-sla", number, FAISAL)
    # 22:30 UTC on the 26th is already the 27th in Riyadh, the agreement's zone.
    clock.at = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC)
    slmo.negotiation.activate("eportal-sla", number, FAISAL)
    version = sla(slmo).version(number)
    assert version is not None and version.effective_from == dt.date(2026, 11, 27)


# -- more refusals ---------------------------------------------------------------------------


def test_only_a_party_takes_a_step(slmo: Slmo) -> None:
    number = add_draft(slmo, **DECEMBER)
    held = snapshot(slmo)
    stranger = Participant(actor="eve", interface="cli", party="nimbus-cloud")
    with pytest.raises(PermissionDeniedError, match="nimbus-cloud is not a party to agreement 'eportal-sla'"):
        slmo.negotiation.propose("eportal-sla", number, stranger)
    nobody = Participant(actor="eve", interface="cli")
    with pytest.raises(PermissionDeniedError, match="nobody is not a party"):
        slmo.negotiation.comment("eportal-sla", number, nobody, "hello")
    assert snapshot(slmo) == held


def test_each_party_approves_once(slmo: Slmo) -> None:
    number = proposed(slmo)
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    held = snapshot(slmo)
    other_person = Participant(actor="huda", interface="api", party="ministry")
    with pytest.raises(ConflictError, match="ministry has approved version 2 already"):
        slmo.negotiation.approve("eportal-sla", number, other_person)
    assert snapshot(slmo) == held


def test_steps_out_of_order_are_refused(slmo: Slmo) -> None:
    number = add_draft(slmo, **DECEMBER)
    held = snapshot(slmo)
    with pytest.raises(TransitionError, match="version 2 is draft; only a proposed version can be approved"):
        slmo.negotiation.approve("eportal-sla", number, NOURA)
    with pytest.raises(TransitionError, match="version 2 is draft; only a proposed version can be countered"):
        slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"notes": "x"})
    with pytest.raises(TransitionError, match="version 1 is active; only a draft version can be proposed"):
        slmo.negotiation.propose("eportal-sla", 1, FAISAL)
    with pytest.raises(NotFoundError, match="agreement 'eportal-sla' has no version 9"):
        slmo.negotiation.propose("eportal-sla", 9, FAISAL)
    with pytest.raises(NotFoundError, match="Agreement 'nothing' does not exist"):
        slmo.negotiation.propose("nothing", 1, FAISAL)
    assert snapshot(slmo) == held


def test_a_counter_proposal_must_change_something_and_be_valid(slmo: Slmo) -> None:
    number = proposed(slmo)
    held = snapshot(slmo)
    with pytest.raises(ConflictError, match="the counter-proposal is the same as version 2"):
        slmo.negotiation.counter("eportal-sla", number, NOURA)
    with pytest.raises(SpecError) as bad:
        slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"objectives.availability.target": 1.5})
    assert "spec.versions[2].objectives[0].target: 1.5 is not a ratio in [0, 1)" in str(bad.value)
    with pytest.raises(SpecError) as unknown:
        slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"objectives.uptime.target": 0.99})
    assert str(unknown.value) == "edits: objectives.uptime: there is no 'uptime' here"
    with pytest.raises(SpecError, match="Indicator 'no-such' does not exist"):
        slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"objectives.availability.indicator": "no-such"})
    assert snapshot(slmo) == held


def test_a_counter_proposal_from_a_document(slmo: Slmo) -> None:
    number = proposed(slmo)
    agreement = sla(slmo)
    text = slmo.catalogue.export_objects([agreement]).replace("credit: 0.05", "credit: 0.07")
    outcome = slmo.negotiation.counter("eportal-sla", number, NOURA, document=text, source="ministry.yaml")
    new = outcome.steps[-1].version
    assert [(c.path, c.before, c.after) for c in slmo.negotiation.diff("eportal-sla", number, new)] == [
        ("credits.tiers[0].credit", 0.05, 0.07)
    ]
    with pytest.raises(SpecError, match="a counter-proposal is one Agreement document named 'eportal-sla'"):
        slmo.negotiation.counter("eportal-sla", new, FAISAL, document=text.replace("eportal-sla", "other-sla"))


def test_approvals_do_not_carry_over_to_a_counter_proposal(slmo: Slmo) -> None:
    number = proposed(slmo)
    slmo.negotiation.approve("eportal-sla", number, FAISAL)
    outcome = slmo.negotiation.counter("eportal-sla", number, NOURA, edits={"charge.amount": 240000})
    new = outcome.steps[-1].version
    slmo.negotiation.approve("eportal-sla", new, NOURA)
    assert state(slmo, new) is VersionState.PROPOSED
    slmo.negotiation.approve("eportal-sla", new, FAISAL)
    assert state(slmo, new) is VersionState.AGREED


def test_a_comment_needs_text(slmo: Slmo) -> None:
    held = snapshot(slmo)
    with pytest.raises(SpecError, match="comment: a comment needs some text"):
        slmo.negotiation.comment("eportal-sla", 1, NOURA, "   ")
    with pytest.raises(SpecError, match="a comment is at most 4000 characters, not 4001"):
        slmo.negotiation.comment("eportal-sla", 1, NOURA, "x" * 4001)
    assert snapshot(slmo) == held


# -- documents ---------------------------------------------------------------------------------


def _apply_state(slmo: Slmo, number: int, new_state: str, **changes: object) -> None:
    agreement = sla(slmo)
    document = slmo.codec.dump_one(agreement)
    for version in document["spec"]["versions"]:
        if version["version"] == number:
            version.update({"state": new_state, **changes})
    slmo.catalogue.apply(slmo.codec.load_text(json.dumps(document, default=str), "sla.json"), FAISAL_ACTOR)


def test_a_document_may_not_take_negotiation_steps(slmo: Slmo) -> None:
    number = add_draft(slmo, **DECEMBER)
    held = snapshot(slmo)
    with pytest.raises(SpecError) as refused:
        _apply_state(slmo, number, "active")
    assert str(refused.value).endswith(
        "spec.versions[1].state: version 2 can become active only through the negotiation "
        "(slmo agreement propose, approve, activate), not by a document"
    )
    with pytest.raises(SpecError, match="version 2 can become proposed only through the negotiation"):
        _apply_state(slmo, number, "proposed")
    assert snapshot(slmo) == held


def test_a_document_may_not_edit_a_proposal_but_may_retire_it(slmo: Slmo) -> None:
    number = proposed(slmo)
    held = snapshot(slmo)
    with pytest.raises(SpecError) as refused:
        _apply_state(slmo, number, "proposed", notes="changed behind the other party's back")
    assert str(refused.value).endswith(
        "spec.versions[1]: version 2 is proposed and its terms are not edited; counter it "
        "(slmo agreement counter) or retire it"
    )
    assert snapshot(slmo) == held
    _apply_state(slmo, number, "retired")
    assert kinds(slmo, number)[-1] == (2, "retired", None, "retired")


def test_versions_brought_by_documents_are_in_the_history(slmo: Slmo) -> None:
    assert kinds(slmo) == [(1, "recorded", None, "active")]
    step = slmo.negotiation.history("eportal-sla")[0]
    assert (step.actor, step.interface, step.at) == ("tester", "cli", NOW)
    # Applying the same documents again records nothing more.
    slmo.catalogue.apply(slmo.catalogue.load([str(EXAMPLES)]), FAISAL_ACTOR)
    assert kinds(slmo) == [(1, "recorded", None, "active")]
    add_draft(slmo, **DECEMBER)
    assert kinds(slmo)[-1] == (2, "drafted", None, "draft")


# -- two steps at once -------------------------------------------------------------------------


def test_two_steps_at_once_on_one_agreement_cannot_both_be_recorded(slmo: Slmo) -> None:
    """Two approvals that each read the other missing: the second commit is refused, so the
    version cannot stay proposed with every party's approval recorded."""
    number = proposed(slmo)
    uow_factory = slmo.negotiation._uow
    with uow_factory() as one, uow_factory() as two:
        agreement = one.catalogue.get("Agreement", "eportal-sla")
        assert isinstance(agreement, Agreement)
        steps_one = one.negotiation.list("eportal-sla")
        steps_two = two.negotiation.list("eportal-sla")
        first = approve(agreement, number, NOURA, NOW, steps_one)
        second = approve(agreement, number, FAISAL, NOW, steps_two)
        one.negotiation.add(first.steps)
        two.negotiation.add(second.steps)
        one.commit()
        with pytest.raises(ConflictError, match="someone else took a step meanwhile"):
            two.commit()
    assert [s.party for s in slmo.negotiation.history("eportal-sla", number) if s.kind is StepKind.APPROVED] == [
        "ministry"
    ]


def test_a_document_may_not_take_a_proposal_back_to_draft(slmo: Slmo) -> None:
    number = proposed(slmo)
    held = snapshot(slmo)
    with pytest.raises(SpecError) as refused:
        _apply_state(slmo, number, "draft")
    assert str(refused.value).endswith(
        "spec.versions[1]: version 2 is proposed and its terms are not edited; counter it "
        "(slmo agreement counter) or retire it"
    )
    assert snapshot(slmo) == held


def test_the_steps_each_side_may_take_next(slmo: Slmo, clock: FixedClock) -> None:
    from slmo.core.model.negotiation import possible_steps

    def may(who: Participant, number: int) -> set[str]:
        agreement, steps, today = slmo.negotiation.state("eportal-sla")
        return {k.value for k in possible_steps(agreement, number, who, steps, today)}

    number = add_draft(slmo, **DECEMBER)
    assert may(FAISAL, number) == {"commented", "proposed"}
    slmo.negotiation.propose("eportal-sla", number, FAISAL)
    assert may(NOURA, number) == {"commented", "countered", "approved"}
    slmo.negotiation.approve("eportal-sla", number, NOURA)
    assert may(NOURA, number) == {"commented", "countered"}
    slmo.negotiation.approve("eportal-sla", number, FAISAL)
    assert may(FAISAL, number) == {"commented"}  # agreed, not before 1 December
    clock.at = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert may(FAISAL, number) == {"commented", "activated"}
    # An actor who spoke for one party is offered nothing as another; a stranger nothing.
    assert may(dataclasses.replace(FAISAL, party="ministry"), number) == set()
    assert may(Participant(actor="eve", interface="web", party="nimbus-cloud"), number) == set()
    assert may(FAISAL, 1) == {"commented"}
