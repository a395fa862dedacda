"""Proposals for change on the example catalogue, in memory at 26 November 2026
(``services.proposals``): ``2027``'s proposals are drafted from November 2025 to October 2026
(the twelve complete months before now, now being earlier than 1 January 2027). Figures by hand.

The portal's requests are one bucket a day at noon, Riyadh time, of 10,000 requests; its
success-rate objective (99.9 %, rolling 28 days: studied per month) is graded by the SLA's
schedule (under 99.9 % 5 % of 250,000 SAR a month).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model import Agreement, VersionState
from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.core.model.negotiation import StepKind
from slmo.core.model.proposal import ProposalKind, ProposalStatus, Source
from slmo.errors import NotFoundError, PermissionDeniedError, PreconditionFailedError, SpecError, TransitionError
from slmo.services.proposals import DraftOutcome
from tests.negotiation_support import ADMIN, example_slmo
from tests.proposal_support import portal_requests
from tests.report_support import FixedClock
from tests.supplier_support import supplier_world

MANAGER = Actor(name="faisal", interface="cli")


def _figures(slmo: Slmo, proposal_id: int) -> dict[str, object]:
    return {f.name: f.value for f in slmo.proposals.proposal(proposal_id).evidence}


def _audit(slmo: Slmo, kind: str) -> list[tuple[str, str]]:
    return [(e.action.value, e.name) for e in slmo.catalogue.audit() if e.kind == kind]


def test_a_year_below_the_target_every_month_draws_a_relaxation() -> None:
    """12 bad of 10,000 a day: every month, past or simulated, is 99.88 %."""
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 12)
    report = slmo.proposals.draft("2027", MANAGER)
    assert [(c.outcome, c.proposal.kind, c.proposal.agreement, c.proposal.objective) for c in report.changes] == [
        (DraftOutcome.CREATED, ProposalKind.RELAX_TARGET, "eportal-sla", "success-rate")
    ]
    proposal = report.changes[0].proposal
    assert (proposal.period, proposal.evidence_span, proposal.version, proposal.status) == (
        "2027",
        "2025-11..2026-10",
        1,
        ProposalStatus.DRAFT,
    )
    # Breached in all twelve months; at 95 % the draws (every one 99.88 %) bind, floored to the
    # grid of 0.05 points: 99.85 %.
    assert proposal.change.target is not None
    assert (proposal.change.target.before, proposal.change.target.after) == (0.999, 0.9985)
    found = _figures(slmo, proposal.id or 0)
    assert (found["periods_measured"], found["periods_breached"]) == (12, 12)
    assert found["lowest_attainment"] == pytest.approx(0.9988)
    assert found["breaches_per_year"] == 12.0
    # 12,500 SAR every month, 150,000 a year: 5 % of the year's 3,000,000.
    assert found["credits_per_year"] == "150000.00"
    assert found["exposure_share"] == pytest.approx(0.05)
    assert (found["confidence"], found["achievable_target"]) == (0.95, pytest.approx(0.9988))
    # At 99.85 % no draw breaches, and the schedule (from 99.9 %) no longer grades the objective.
    effect = proposal.effect
    assert (effect.breaches_before, effect.breaches_after, effect.basis) == (12.0, 0.0, "simulation")
    assert (effect.credits_before, effect.credits_after, effect.currency) == (
        Decimal("150000.00"),
        Decimal("0.00"),
        "SAR",
    )
    assert _audit(slmo, "Proposal") == [("create", "2027/relax_target/eportal-sla/success-rate")]

    # Drafting again changes nothing.
    again = slmo.proposals.draft("2027", MANAGER)
    assert [c.outcome for c in again.changes] == [DraftOutcome.UNCHANGED]
    assert len(_audit(slmo, "Proposal")) == 1


def test_a_comfortable_year_raises_the_target_and_accepting_drafts_the_next_version() -> None:
    """2 bad a day: every month 99.98 %."""
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 2)
    (change,) = slmo.proposals.draft("2027", MANAGER).changes
    proposal = change.proposal
    assert proposal.kind is ProposalKind.RAISE_TARGET
    # The 95 % achievable target is 99.98 % (every draw), floored to 99.95 %.
    assert proposal.change.target is not None and proposal.change.target.after == 0.9995
    found = _figures(slmo, proposal.id or 0)
    assert (found["periods_breached"], found["achievable_target"]) == (0, pytest.approx(0.9998))
    # No month breaches either target; neither earns credits.
    effect = proposal.effect
    assert (effect.breaches_before, effect.breaches_after) == (0.0, 0.0)
    assert (effect.credits_before, effect.credits_after) == (Decimal("0.00"), Decimal("0.00"))

    accepted = slmo.proposals.accept(proposal.id or 0, MANAGER)
    assert (accepted.status, accepted.decided_by, accepted.draft_version) == (ProposalStatus.ACCEPTED, "faisal", 2)
    agreement = slmo.negotiation.agreement("eportal-sla")
    version = agreement.version(2)
    assert version is not None
    assert (version.state, version.effective_from) == (VersionState.DRAFT, dt.date(2027, 1, 1))
    assert [(o.name, o.target) for o in version.objectives] == [
        ("availability", 0.999),
        ("success-rate", 0.9995),
        ("latency", 0.95),
    ]
    first = agreement.version(1)
    assert first is not None and version.credit_schedule == first.credit_schedule
    (step,) = slmo.negotiation.history("eportal-sla", 2)
    assert (step.kind, step.party, step.actor) == (StepKind.DRAFTED, "it-operations", "faisal")
    assert step.comment is not None and str(proposal.id) in step.comment
    # One transaction: the agreement, the step and the proposal, each audited.
    assert _audit(slmo, "Agreement")[-1] == ("change", "eportal-sla")
    assert _audit(slmo, "Negotiation")[-1] == ("create", "eportal-sla/2")
    assert _audit(slmo, "Proposal")[-1] == ("change", "2027/raise_target/eportal-sla/success-rate")

    # Decided: not again, and drafting the period again keeps it as it is.
    before = slmo.catalogue.export()
    with pytest.raises(TransitionError, match="proposal 1 is accepted; only a draft is accepted or rejected"):
        slmo.proposals.accept(proposal.id or 0, MANAGER)
    with pytest.raises(TransitionError):
        slmo.proposals.reject(proposal.id or 0, MANAGER, "too late")
    assert slmo.catalogue.export() == before
    assert [c.outcome for c in slmo.proposals.draft("2027", MANAGER).changes] == [DraftOutcome.KEPT]
    assert slmo.proposals.proposal(proposal.id or 0) == accepted


def test_rejecting_says_why_and_a_stale_decision_changes_nothing() -> None:
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 12)
    (change,) = slmo.proposals.draft("2027", MANAGER).changes
    proposal_id = change.proposal.id or 0
    audit = len(slmo.catalogue.audit())
    with pytest.raises(SpecError, match="a rejection says why in 1 to 2000 characters"):
        slmo.proposals.reject(proposal_id, MANAGER, "  ")
    with pytest.raises(PreconditionFailedError):
        slmo.proposals.accept(proposal_id, MANAGER, revision=change.proposal.revision + 1)
    with pytest.raises(NotFoundError, match="no proposal 99"):
        slmo.proposals.accept(99, MANAGER)
    assert len(slmo.catalogue.audit()) == audit
    assert slmo.proposals.proposal(proposal_id) == change.proposal
    assert slmo.negotiation.agreement("eportal-sla").latest_version().number == 1  # type: ignore[union-attr]

    # A party the agreement does not name cannot have a version drafted for it.
    with pytest.raises(PermissionDeniedError, match="nimbus-cloud is not a party to agreement 'eportal-sla'"):
        slmo.proposals.accept(proposal_id, MANAGER, party="nimbus-cloud")
    assert len(slmo.catalogue.audit()) == audit
    assert slmo.proposals.proposal(proposal_id) == change.proposal

    rejected = slmo.proposals.reject(proposal_id, MANAGER, " The ministry holds us to 99.9 %. ", revision=1)
    assert (rejected.status, rejected.reason, rejected.revision) == (
        ProposalStatus.REJECTED,
        "The ministry holds us to 99.9 %.",
        2,
    )
    assert slmo.proposals.proposals(statuses={ProposalStatus.DRAFT}) == []
    assert slmo.proposals.proposals(statuses={ProposalStatus.REJECTED}) == [rejected]


def test_periods_and_their_evidence() -> None:
    slmo = example_slmo()
    with pytest.raises(SpecError, match="'next year' is not a period to propose for"):
        slmo.proposals.draft("next year", MANAGER)
    with pytest.raises(SpecError):
        slmo.proposals.draft("2027-W01", MANAGER)
    portal_requests(slmo, lambda d: 12)
    # 2026-01 starts before now: its evidence is the twelve months of 2025 before it, of which
    # only November and December were measured (too few to judge a target).
    assert slmo.proposals.draft("2026-01", MANAGER).changes == ()
    quarter = slmo.proposals.draft("2027-Q1", MANAGER)
    assert [(c.proposal.period, c.proposal.evidence_span) for c in quarter.changes] == [("2027-Q1", "2025-11..2026-10")]


def test_a_contract_nobody_used_is_proposed_for_retirement() -> None:
    """Nothing measured at all: the cloud contract, in force since July 2025, covers the portal,
    whose requests counted no event in the twelve months."""
    slmo = example_slmo()
    (change,) = slmo.proposals.draft("2027", MANAGER).changes
    proposal = change.proposal
    assert (proposal.kind, proposal.agreement, proposal.objective) == (ProposalKind.RETIRE_AGREEMENT, "nimbus-uc", None)
    found = _figures(slmo, proposal.id or 0)
    # 90,000 SAR a month: 1,080,000 a year.
    assert (found["events"], found["charge_per_year"]) == (0, "1080000.00")
    assert "tickets" not in found  # the portal has no ticket indicator: use by tickets is not seen
    assert (proposal.effect.breaches_before, proposal.effect.breaches_after) == (None, 0.0)

    accepted = slmo.proposals.accept(proposal.id or 0, MANAGER)
    version = slmo.negotiation.agreement("nimbus-uc").version(accepted.draft_version or 0)
    assert version is not None
    assert (version.state, version.effective_from, version.objectives) == (VersionState.DRAFT, dt.date(2027, 1, 1), ())
    assert (version.credit_schedule, version.charge, version.penalties) == (None, None, ())
    # Drafted for the contract's provider, the supplier.
    (step,) = slmo.negotiation.history("nimbus-uc", accepted.draft_version)
    assert step.party == "nimbus-cloud"


TICKET = "{id},{service},P3,{day}T09:00:00+03:00,New,{day}T09:00:00+03:00,0,{category}\n"
PORTAL_TICKETS = """\
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: eportal-tickets
  displayName: {en: Portal tickets, ar: طلبات البوابة}
spec:
  service: eportal
  kind: ticket
  ticket: {clock: resolution, priorities: [P1, P2, P3, P4]}
"""


def test_complaints_about_the_portal_propose_an_objective_for_them() -> None:
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 5)  # the portal is used, at 99.95 %: nothing else to propose
    rows = [
        TICKET.format(id=f"C{i}", service="eportal", day=f"2026-0{i}-10", category="Complaint") for i in range(1, 7)
    ]
    rows += [TICKET.format(id=f"D{i}", service="service-desk", day="2026-05-03", category="complaint") for i in (1, 2)]
    rows.append(TICKET.format(id="Q1", service="eportal", day="2026-05-04", category="question"))
    rows.append(TICKET.format(id="OLD", service="eportal", day="2025-10-04", category="complaint"))
    text = "id,service,priority,opened,status,at,sequence,category\n" + "".join(rows)
    slmo.tickets.ingest(io.BytesIO(text.encode()), "tickets.csv", ADMIN)

    changes = slmo.proposals.draft("2027", MANAGER).changes
    added = [c.proposal for c in changes if c.proposal.kind is ProposalKind.ADD_OBJECTIVE]
    assert [(p.agreement, p.objective) for p in added] == [("eportal-sla", "complaint-tickets")]
    proposal = added[0]
    # Six of the year's eight complaints are the portal's (the desk's two are measured already;
    # October 2025's is before the span, the question is not a complaint).
    found = _figures(slmo, proposal.id or 0)
    assert (found["category_tickets"], found["category_total"], found["category_share"]) == (6, 8, 0.75)
    assert found["indicator"] is None
    assert (proposal.change.service, proposal.change.category, proposal.change.added) == (
        "eportal",
        "complaint",
        None,
    )
    sources = {f.source for f in proposal.evidence}
    assert sources == {Source.TICKETS, Source.CATALOGUE}

    # No ticket indicator on the portal: accepting says so, and changes nothing.
    before = slmo.catalogue.export()
    with pytest.raises(SpecError, match="service 'eportal' has no ticket indicator"):
        slmo.proposals.accept(proposal.id or 0, MANAGER)
    assert slmo.catalogue.export() == before

    slmo.catalogue.apply(slmo.codec.load_text(PORTAL_TICKETS, "portal-tickets.yaml"), ADMIN)
    again = {c.proposal.id: c.outcome for c in slmo.proposals.draft("2027", MANAGER).changes}
    assert again[proposal.id] is DraftOutcome.REPLACED
    renewed = slmo.proposals.proposal(proposal.id or 0)
    objective = renewed.change.added
    assert objective is not None
    # The desk's resolution objective (the same clock) lends its terms.
    desk = slmo.negotiation.agreement("service-desk-ola").version(1)
    assert desk is not None
    resolution = next(o for o in desk.objectives if o.name == "resolution")
    assert (objective.name, objective.indicator, objective.target, objective.window) == (
        "complaint-tickets",
        "eportal-tickets",
        0.9,
        resolution.window,
    )
    assert objective.tickets == resolution.tickets
    assert objective.display_name.en == "Tickets of the complaint category resolved in time"
    assert objective.display_name.ar is not None

    accepted = slmo.proposals.accept(proposal.id or 0, MANAGER)
    version = slmo.negotiation.agreement("eportal-sla").version(accepted.draft_version or 0)
    assert version is not None
    assert [o.name for o in version.objectives] == ["availability", "success-rate", "latency", "complaint-tickets"]


INCIDENTS = """\
id,service,start,end,impact
INC-7,eportal,2026-10-09T00:30:00+03:00,2026-10-09T02:30:00+03:00,outage
INC-8,eportal,2026-10-14T10:00:00+03:00,2026-10-14T11:00:00+03:00,outage
"""


def test_a_contract_that_failed_with_the_portal_is_renegotiated() -> None:
    """The credits e2e's October: the portal's availability 99.724 % (under 99.9 %) and the cloud
    contract's uptime on the same incidents (under 99.99 %)."""
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 5)
    slmo.ingest.incidents(io.BytesIO(INCIDENTS.encode()), "incidents.csv", ADMIN)
    slmo.credits.compute("2026-10", ADMIN)
    changes = slmo.proposals.draft("2027", MANAGER).changes
    (proposal,) = [c.proposal for c in changes if c.proposal.kind is ProposalKind.RENEGOTIATE_UC]
    assert (proposal.agreement, proposal.objective) == ("nimbus-uc", "uptime")
    found = _figures(slmo, proposal.id or 0)
    assert (found["caused_breaches"], found["caused_periods"]) == (1, "2026-10")
    assert found["customer_objectives"] == "eportal-sla/availability"
    assert found["supplier"] == "nimbus-cloud"
    # The ledger: the contract owes 10 % of 90,000; nothing paid yet; the portal's SLA 5 % of 250,000.
    assert (found["credits_owed"], found["credits_paid"], found["credits_unpaid"]) == ("9000.00", "0.00", "9000.00")
    assert found["customer_credits"] == "12500.00"
    # Its claim is due, not lost yet.
    assert found["credits_lost"] == "0.00"
    # The contract's 99.99 % is stricter than the portal's 99.9 %: the target stays; the effect of
    # renegotiating is not known beforehand.
    assert proposal.change.target is not None
    assert (proposal.change.target.before, proposal.change.target.after) == (0.9999, 0.9999)
    study = slmo.targets.study("nimbus-uc/uptime")
    assert proposal.effect.breaches_before == study.what_if.simulated.per_year  # type: ignore[union-attr]
    assert proposal.effect.breaches_after is None
    # Nimbus rejects the claim it was sent: 9,000.00 SAR lost, and the proposal says so.
    (claim,) = slmo.claims.claims(agreement="nimbus-uc")
    slmo.claims.file(claim.id or 0, ADMIN, reference="case 1")
    slmo.claims.reject(claim.id or 0, ADMIN, reason="outside the covered region")
    slmo.proposals.draft("2027", MANAGER)
    lost = next(f for f in slmo.proposals.proposal(proposal.id or 0).evidence if f.name == "credits_lost")
    assert (lost.value, lost.source, lost.currency) == ("9000.00", Source.CLAIMS, "SAR")


def test_customers_read_their_own_agreements_proposals_only() -> None:
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 12)
    slmo.ingest.incidents(io.BytesIO(INCIDENTS.encode()), "incidents.csv", ADMIN)
    staff = slmo.access(Principal(name="faisal", role=Role.MANAGER)).proposals()
    report = staff.draft("2027")
    kinds = {(c.proposal.agreement, c.proposal.kind) for c in report.changes}
    assert ("eportal-sla", ProposalKind.RELAX_TARGET) in kinds
    assert ("nimbus-uc", ProposalKind.RENEGOTIATE_UC) in kinds
    ministry = slmo.access(Principal(name="noura", role=Role.CUSTOMER, party="ministry")).proposals()
    mine = ministry.proposals()
    assert {p.agreement for p in mine} == {"eportal-sla"}
    contract = next(c.proposal for c in report.changes if c.proposal.agreement == "nimbus-uc")
    with pytest.raises(NotFoundError):
        ministry.proposal(contract.id or 0)
    for refused in (
        lambda: ministry.draft("2027"),
        lambda: ministry.accept(mine[0].id or 0),
        lambda: ministry.reject(mine[0].id or 0, "no"),
    ):
        with pytest.raises(PermissionDeniedError, match="the customer role may not draft, accept or reject"):
            refused()
    viewer = slmo.access(Principal(name="v", role=Role.VIEWER)).proposals()
    assert len(viewer.proposals()) == len(report.changes)
    with pytest.raises(PermissionDeniedError):
        viewer.draft("2027")
    # Staff speak for the provider: not for the ministry.
    with pytest.raises(PermissionDeniedError, match="staff speak for the provider side"):
        staff.accept(mine[0].id or 0, party="ministry")
    accepted = staff.accept(mine[0].id or 0)
    (step,) = slmo.negotiation.history("eportal-sla", accepted.draft_version)
    assert (step.actor, step.interface, step.party) == ("faisal", "api", "it-operations")
    assert dataclasses.replace(ministry.proposal(accepted.id or 0)) == accepted
    agreement = slmo.negotiation.agreement("eportal-sla")
    assert isinstance(agreement, Agreement)


def test_dependency_impact_decides_when_the_breaches_are_on_record() -> None:
    """With the portal's breach on record (evaluated), dependency impact replaces the months'
    coincidence: the cloud contract covers the portal itself, so its failing is no cause of the
    portal's breach (``services.impact``), and there is nothing to renegotiate."""
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 5)
    slmo.ingest.incidents(io.BytesIO(INCIDENTS.encode()), "incidents.csv", ADMIN)
    for at in ("2026-10-09T03:00:00+03:00", "2026-10-20T00:00:00+03:00"):
        slmo.evaluation.evaluate(dt.datetime.fromisoformat(at), "eportal-sla/availability")
    kinds = {c.proposal.kind for c in slmo.proposals.draft("2027", MANAGER).changes}
    assert ProposalKind.RENEGOTIATE_UC not in kinds


# A minute in July starts each record, so every minute of August counts.
GITHUB_LOG = """id,service,start,end,impact,title
PIPE-0,release-pipeline,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
PIPE-1,release-pipeline,2026-08-06T15:20:00Z,2026-08-06T23:50:00Z,outage,Deploys failing
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
GH-1,github-actions,2026-08-06T15:05:00Z,2026-08-07T00:14:00Z,outage,Actions down
"""


def test_a_supplier_that_caused_a_customer_breach() -> None:
    """GitHub's Actions down 15:05 on 6 August to 00:14 on 7 August 2026 (549 minutes: 98.7702 %
    under the contract's 99.9 %) while the release pipeline, which depends on it, was down 510
    minutes (under the SLA's 99.5 %); at 2 September 2026, ``2027``'s evidence is September 2025
    to August 2026 (``tests/unit/test_impact_service.py`` works the figures)."""
    world = supplier_world(FixedClock(dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC)))
    world.ingest.incidents(io.BytesIO(GITHUB_LOG.encode()), "log.csv", ADMIN)
    for at in ("2026-08-06T12:00:00+00:00", "2026-08-07T00:00:00+00:00", "2026-09-01T01:00:00+00:00"):
        world.evaluation.evaluate(dt.datetime.fromisoformat(at), "release-sla/availability")
    changes = world.proposals.draft("2027", MANAGER).changes
    (proposal,) = [c.proposal for c in changes if c.proposal.kind is ProposalKind.RENEGOTIATE_UC]
    assert (proposal.agreement, proposal.objective, proposal.evidence_span) == (
        "github-uc",
        "uptime",
        "2025-09..2026-08",
    )
    caused = next(f for f in proposal.evidence if f.name == "caused_breaches")
    assert (caused.value, caused.source) == (1, Source.IMPACT)
    found = _figures(world, proposal.id or 0)
    assert (found["caused_periods"], found["customer_objectives"]) == ("2026-08", "release-sla/availability")
    assert found["supplier"] == "github"
    # GitHub's 99.9 % is stricter than the pipeline's 99.5 %: the target stays.
    assert proposal.change.target is not None and proposal.change.target.after == 0.999


def test_an_improving_year_holds_a_relaxation_back() -> None:
    """Breached in ten months of twelve, but better each month: 20 failing a day in November
    2025, one fewer each month, 9 in October 2026 (99.91 %). Mann-Kendall on the twelve months:
    every pair rising, S = 66, Var(S) = 12 x 11 x 29 / 18 = 212.67, z = 65 / 14.58 = 4.457,
    p = 8.3e-6 (``docs/formulas.md``, "Trends and step changes"): improving, so no relaxation;
    and breached months allow no raise."""
    slmo = example_slmo()
    portal_requests(slmo, lambda d: 20 - ((d.year - 2025) * 12 + d.month - 11))
    changes = slmo.proposals.draft("2027", MANAGER).changes
    assert [c.proposal.kind for c in changes] == []
    # The same months, steady at 12 failing a day: no trend, the relaxation stands, with its trend.
    steady = example_slmo()
    portal_requests(steady, lambda d: 12)
    (change,) = steady.proposals.draft("2027", MANAGER).changes
    found = {f.name: f for f in change.proposal.evidence}
    assert (found["trend"].value, found["trend"].source) == ("stable", Source.TRENDS)
    # No pair differs: S = 0, p = 1.
    assert found["trend_p_value"].value == 1.0
