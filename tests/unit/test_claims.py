"""Claims on suppliers (``services/claims.py``) on the in-memory store: the example catalogue with
GitHub's contract (``tests/supplier_support.py``) and an outage of Actions made by hand.

GitHub Actions is down from 10:00 to 11:00 UTC on 3 August 2026 (and a minute on 1 July starts
the record, so every minute of August counts): 60 bad minutes of 44,640, an uptime of 99.8656 %,
below 99.9 % but not 99 %: 10 % of 21,000 USD = 2,100.00 USD (docs/formulas.md section 10). The
claim is due by 30 September: 30 days after August ends, the window closing at 2026-10-01T00:00Z.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.audit import Actor
from slmo.core.model.claims import ClaimStatus, Urgency
from slmo.core.model.ledger import CreditStatus
from slmo.errors import ConflictError, NotFoundError, PreconditionFailedError, SpecError
from slmo.services.claims import parse_statuses
from tests.report_support import ACTOR, FixedClock, portal_world
from tests.supplier_support import GITHUB, supplier_world

CLOSES = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
OUTAGE = """id,service,start,end,impact,title
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
GH-1,github-actions,2026-08-03T10:00:00Z,2026-08-03T11:00:00Z,outage,Actions down
"""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with supplier_world(clock) as handle:
        handle.ingest.incidents(io.BytesIO(OUTAGE.encode()), "outage.csv", ACTOR)
        yield handle


def _outage(slmo: Slmo, minutes: int) -> None:
    """GH-1 made longer: ``minutes`` from 10:00 on 3 August."""
    end = dt.datetime(2026, 8, 3, 10, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    text = f"id,service,start,end,impact\nGH-1,github-actions,2026-08-03T10:00:00Z,{end.isoformat()},outage\n"
    slmo.ingest.incidents(io.BytesIO(text.encode()), "outage.csv", ACTOR)


def test_computing_a_period_makes_a_due_claim_on_the_supplier(slmo: Slmo) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert (line.amount, line.currency, line.status) == (Decimal("2100.00"), "USD", CreditStatus.COMPUTED)
    assert line.attainment == pytest.approx(1 - 60 / 44_640)
    (claim,) = slmo.claims.claims()
    assert (claim.agreement, claim.supplier, claim.period, claim.basis.value, claim.clause) == (
        "github-uc",
        "github",
        "2026-08",
        "schedule",
        "",
    )
    assert (claim.amount, claim.currency, claim.status) == (Decimal("2100.00"), "USD", ClaimStatus.DUE)
    assert (claim.deadline, claim.file_by) == (CLOSES, dt.date(2026, 9, 30))
    # Only the underpinning contract's line is a claim: the desk's penalty line of 0 is not.
    assert [e.agreement for e in slmo.credits.entries("2026-08")] == ["github-uc", "service-desk-ola"]
    audit = [(e.name, e.action.value, (e.after or {}).get("amount")) for e in slmo.catalogue.audit("Claim")]
    assert audit == [("github-uc/2026-08/schedule", "create", "2100.00")]
    # Computing again changes nothing.
    slmo.credits.compute("2026-08", ACTOR)
    assert slmo.claims.claims() == [claim]
    assert len(slmo.catalogue.audit("Claim")) == 1


def test_a_due_claim_follows_its_line_and_goes_when_nothing_is_owed(slmo: Slmo) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    # 8 hours down: 480 of 44,640, 98.925 %, below 99 %: 25 % = 5,250.00.
    _outage(slmo, 480)
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert (claim.amount, claim.status, claim.revision) == (Decimal("5250.00"), ClaimStatus.DUE, 2)
    # 44 minutes: 99.9014 %, not below 99.9 %: nothing owed, the claim goes.
    _outage(slmo, 44)
    slmo.credits.compute("2026-08", ACTOR)
    assert slmo.claims.claims() == []
    assert [e.action.value for e in slmo.catalogue.audit("Claim", "github-uc/2026-08/schedule")] == [
        "create",
        "change",
        "delete",
    ]


def test_file_accept_and_pay_settle_the_ledger_line(slmo: Slmo, clock: FixedClock) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert claim.id is not None
    filed = slmo.claims.file(claim.id, ACTOR, reference=" GH-CASE-4411 ", revision=claim.revision)
    assert (filed.status, filed.reference, filed.filed_by, filed.filed_at) == (
        ClaimStatus.FILED,
        "GH-CASE-4411",
        "tester",
        clock.at,
    )
    # Once filed, the claim keeps what was asked for: a longer outage changes the line only.
    _outage(slmo, 480)
    slmo.credits.compute("2026-08", ACTOR)
    assert slmo.claims.claim(claim.id).amount == Decimal("2100.00")
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert (line.amount, line.status) == (Decimal("5250.00"), CreditStatus.COMPUTED)
    manager = Actor(name="rana", interface="api")
    accepted = slmo.claims.accept(claim.id, manager)
    assert (accepted.status, accepted.accepted_by, accepted.reference) == (ClaimStatus.ACCEPTED, "rana", "GH-CASE-4411")
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert (line.status, line.confirmed_by) == (CreditStatus.CONFIRMED, "rana")
    paid = slmo.claims.pay(claim.id, manager, reference="INV-2026-09-118")
    assert (paid.status, paid.reference, paid.paid_by) == (ClaimStatus.PAID, "INV-2026-09-118", "rana")
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert (line.status, line.paid_by) == (CreditStatus.PAID, "rana")
    steps = [
        (e.kind, e.action.value, (e.after or {}).get("status"))
        for e in slmo.catalogue.audit()
        if e.kind in ("Claim", "Credit") and "github" in e.name
    ]
    assert steps == [
        ("Credit", "create", "computed"),
        ("Claim", "create", "due"),
        ("Claim", "change", "filed"),
        ("Credit", "change", "computed"),
        ("Credit", "change", "confirmed"),
        ("Claim", "change", "accepted"),
        ("Credit", "change", "paid"),
        ("Claim", "change", "paid"),
    ]


def test_a_rejected_claim_is_closed_with_the_reason(slmo: Slmo) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert claim.id is not None
    slmo.claims.file(claim.id, ACTOR)
    rejected = slmo.claims.reject(claim.id, ACTOR, reason="Outage was in a region not covered")
    assert (rejected.status, rejected.reason, rejected.closed_by) == (
        ClaimStatus.REJECTED,
        "Outage was in a region not covered",
        "tester",
    )
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert line.status is CreditStatus.COMPUTED
    with pytest.raises(ConflictError, match="claim 1 is rejected; it cannot be paid") as refused:
        slmo.claims.pay(claim.id, ACTOR)
    assert refused.value.key == "error.claim_status"


def test_steps_out_of_order_stale_revisions_and_bad_text_change_nothing(slmo: Slmo) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert claim.id is not None
    audit = len(slmo.catalogue.audit())
    with pytest.raises(ConflictError, match="claim 1 is due; it cannot be accepted"):
        slmo.claims.accept(claim.id, ACTOR)
    with pytest.raises(PreconditionFailedError, match="at revision 1, not 7"):
        slmo.claims.file(claim.id, ACTOR, revision=7)
    with pytest.raises(SpecError, match="reference is one line of at most 255 characters"):
        slmo.claims.file(claim.id, ACTOR, reference="x" * 256)
    with pytest.raises(SpecError, match="reference is one line"):
        slmo.claims.file(claim.id, ACTOR, reference="two\nlines")
    with pytest.raises(NotFoundError, match="no claim 99"):
        slmo.claims.file(99, ACTOR)
    assert slmo.claims.claims() == [claim]
    assert len(slmo.catalogue.audit()) == audit


def test_deadlines_warn_and_an_unfiled_claim_expires(slmo: Slmo, clock: FixedClock) -> None:
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert claim.id is not None
    # 2 September 09:00: 28 days 15 hours left, more than the 14 days' warning.
    (standing,) = slmo.claims.standings()
    assert (standing.urgency, standing.days_left) == (Urgency.OPEN, 29)
    assert slmo.claims.standings(within=14) == []
    clock.at = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)
    (standing,) = slmo.claims.standings(within=14)
    assert (standing.urgency, standing.days_left) == (Urgency.SOON, 11)
    # After the window: overdue until the job marks it expired; filing is refused.
    clock.at = dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.UTC)
    (standing,) = slmo.claims.standings(within=0)
    assert (standing.urgency, standing.days_left) == (Urgency.OVERDUE, -2)
    with pytest.raises(ConflictError, match="can no longer be filed: the window closed at 2026-10-01T00:00:00"):
        slmo.claims.file(claim.id, ACTOR)
    with slmo.credits._uow() as uow:
        slmo.credits.compute_closed_in(uow, clock.now())
        uow.commit()
    expired = slmo.claims.claim(claim.id)
    assert (expired.status, expired.closed_by, expired.closed_at) == (ClaimStatus.EXPIRED, "scheduler", clock.at)
    assert slmo.claims.standings(within=0) == []
    assert [s.claim.status for s in slmo.claims.standings(statuses={ClaimStatus.EXPIRED})] == [ClaimStatus.EXPIRED]


def test_a_contract_without_a_claim_window_gives_claims_without_deadline(clock: FixedClock) -> None:
    without = GITHUB.replace("      claims: {withinDays: 30}\n", "")
    assert without != GITHUB
    slmo = supplier_world(clock, without)
    slmo.ingest.incidents(io.BytesIO(OUTAGE.encode()), "outage.csv", ACTOR)
    slmo.credits.compute("2026-08", ACTOR)
    (claim,) = slmo.claims.claims()
    assert (claim.deadline, claim.file_by) == (None, None)
    (standing,) = slmo.claims.standings()
    assert (standing.urgency, standing.days_left) == (Urgency.OPEN, None)


def test_claims_belong_to_underpinning_contracts_only(slmo: Slmo) -> None:
    text = """apiVersion: slmo/v1
kind: Agreement
metadata: {name: bad-sla}
spec:
  type: sla
  parties: [{party: it-operations, role: provider}, {party: ministry, role: customer}]
  services: [release-pipeline]
  versions:
    - version: 1
      claims: {withinDays: 30}
"""
    with pytest.raises(SpecError, match=r"claims are what a supplier is asked for: .* not a sla"):
        slmo.codec.load_text(text, "bad.yaml")


def test_status_names_are_checked() -> None:
    assert parse_statuses(["due", " Filed "]) == {ClaimStatus.DUE, ClaimStatus.FILED}
    with pytest.raises(
        SpecError, match="'owed' is not a claim status; use due, filed, accepted, paid, rejected, expired"
    ):
        parse_statuses(["owed"])


def test_the_example_cloud_contract_is_claimed_in_riyadh_days() -> None:
    # The example catalogue with October 2026 measured (tests/report_support.py): the cloud
    # contract owes 10 % of 90,000 SAR. Its calendar is Riyadh's: October ends at local midnight
    # of 1 November (2026-10-31T21:00Z); 60 days on (30 in November, 30 in December) the window
    # closes at local midnight of 31 December, 2026-12-30T21:00Z, and 30 December is its last day.
    with portal_world() as slmo:
        slmo.credits.compute("2026-10", ACTOR)
        (claim,) = slmo.claims.claims()
        assert (claim.agreement, claim.supplier, claim.amount, claim.currency) == (
            "nimbus-uc",
            "nimbus-cloud",
            Decimal("9000.00"),
            "SAR",
        )
        assert (claim.deadline, claim.file_by) == (dt.datetime(2026, 12, 30, 21, tzinfo=dt.UTC), dt.date(2026, 12, 30))


def test_the_claim_window_is_written_back_as_read(slmo: Slmo) -> None:
    (contract,) = slmo.catalogue.get("Agreement", "github-uc")
    document = slmo.codec.dump_one(contract)
    assert document["spec"]["versions"][0]["claims"] == {"withinDays": 30}
    (again,) = slmo.codec.load_text(slmo.codec.dump([contract]), "again.yaml")
    assert again.obj == contract
