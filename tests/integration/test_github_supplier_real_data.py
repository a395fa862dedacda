"""A real supplier outage flows through the underpinning contract to the credit GitHub owes, the
claim for it, and the customer breach it caused: GitHub's own status history
(``../shared/data/github-status-incident-history``, PROVENANCE.md) imported as the incidents of
``github-actions``, under the contract and SLA of ``tests/supplier_support.py``, on SQLite.

What is imported: the 215 incidents whose page lists Actions (maintenance left out, and the
components a model guessed), March 2022 to August 2026, with the window the history's parser
derived (the post-incident summary's when there is one, else first post to resolution).
GitHub's major and critical incidents are outages, minor and none degraded, which the
contract's indicator does not count as down.

August 2026, in UTC (the contract has no calendar): 31 days, 44,640 minutes, every one counted
(the record starts in March 2022). Two outages of Actions:
- 31107739 "Incident with Actions" (critical; the summary's window): 6 August 15:05 to
  7 August 00:14 = 535 + 14 = 549 minutes;
- 31193766 "Incident with GitHub.com" (critical; first post to resolution): 17 August
  13:40-21:15 = 455 minutes.
1,004 bad minutes, no overlap: uptime 43,636 / 44,640 = 97.7509 %. Below 99.9 % (10 %) and
99 % (25 %), not below 95 % (100 %): 25 % of 21,000 USD = 5,250.00 USD, claimed within 30 days
after August ends: by 30 September, before 2026-10-01T00:00Z.

The release pipeline's own log (``PIPELINE_LOG``): PIPE-1 6 August 15:20-23:50 = 510 minutes,
PIPE-2 12 August 09:00-10:30 = 90 (the pipeline's own fault), PIPE-3 17 August 13:40-18:03 = 263:
863 bad minutes, 43,777 / 44,640 = 98.0667 % against 99.5 %: a breach, from the evaluation at
00:00 on 7 August (510 bad minutes then) to the one at 01:00 on 1 September. GitHub was failing
through all of PIPE-1 (15:05-00:14 holds 15:20-23:50) and PIPE-3 (13:40-21:15 holds 13:40-18:03),
not PIPE-2: 510 + 263 = 773 of the 863 bad minutes, 89.5713 %, caused by GitHub.

July 2026, a second real month: eight outages of Actions, none overlapping, 136 + 610 + 21 + 310
+ 106 + 79 + 42 + 37 = 1,341 minutes (two degraded incidents, 148 and 26 minutes, not counted):
43,299 / 44,640 = 96.9960 %, 25 % again, 5,250.00 USD; its window closed at 2026-08-31T00:00Z,
so computed on 20 September the claim is born expired.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from slmo import Slmo, connect, load_settings
from slmo.core.model.claims import ClaimStatus, Urgency
from slmo.core.model.credits import CreditCalculation
from slmo.core.model.ledger import CreditStatus
from slmo.services.breaches import BreachService
from tests.conftest import EXAMPLES
from tests.report_support import ACTOR, FixedClock
from tests.supplier_support import GITHUB, PIPELINE_LOG, github_incidents, incidents_csv

pytestmark = pytest.mark.shared
NOW = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)
MONTH = 44_640


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def slmo(shared: Path, tmp_path: Path) -> Iterator[Slmo]:
    with connect(load_settings(database_url=f"sqlite:///{tmp_path / 'github.db'}"), clock=FixedClock(NOW)) as handle:
        handle.catalogue.apply(handle.catalogue.load([str(EXAMPLES)]), ACTOR)
        handle.catalogue.apply(handle.codec.load_text(GITHUB, "github.yaml"), ACTOR)
        rows = list(github_incidents(shared))
        report = handle.ingest.incidents(io.BytesIO(incidents_csv(iter(rows))), "githubstatus.csv", ACTOR)
        assert (report.rows, report.written, report.rejected) == (215, 215, 0)
        handle.ingest.incidents(io.BytesIO(PIPELINE_LOG.encode()), "pipeline.csv", ACTOR)
        for at in ("2026-08-06T12:00:00Z", "2026-08-07T00:00:00Z", "2026-08-31T23:00:00Z", "2026-09-01T01:00:00Z"):
            handle.evaluation.evaluate(dt.datetime.fromisoformat(at), "release-sla/availability")
        yield handle


def test_the_imported_august_is_githubs_own(shared: Path) -> None:
    august = [
        r
        for r in github_incidents(shared)
        if r["end"] >= "2026-08-01T00:00:00Z" and r["start"] < "2026-09-01T00:00:00Z"
    ]
    assert [(r["id"], r["start"], r["end"], r["impact"]) for r in august] == [
        ("GH-31107739", "2026-08-06T15:05:00Z", "2026-08-07T00:14:00Z", "outage"),
        ("GH-31193766", "2026-08-17T13:40:00Z", "2026-08-17T21:15:00Z", "outage"),
    ]


def test_githubs_august_outage_gives_the_credit_the_claim_and_the_cause(slmo: Slmo) -> None:
    # The contract's uptime, as slmo history gives it: 1,004 bad minutes of 44,640.
    (uptime,) = slmo.evaluation.history("github-uc/uptime", "2026-08")
    assert (uptime.evaluation.good, uptime.evaluation.total) == (MONTH - 1_004, MONTH)
    assert uptime.evaluation.attainment == pytest.approx(0.9775089605734767)

    # The credit GitHub owes, in the ledger on the side that buys.
    slmo.credits.compute("2026-08", ACTOR)
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert (line.objective, line.amount, line.currency, line.status) == (
        "uptime",
        Decimal("5250.00"),
        "USD",
        CreditStatus.COMPUTED,
    )
    calculation = line.calculation
    assert isinstance(calculation, CreditCalculation)
    assert calculation.tier is not None and (calculation.tier.below, calculation.tier.credit) == (0.99, 0.25)
    (row,) = [r for r in slmo.costs.report("2026-08") if r.agreement == "github-uc"]
    assert (row.side.value, row.charge, row.credits) == ("buys", Decimal("21000.00"), Decimal("5250.00"))

    # The claim, due by 30 September: on 20 September 09:00, 10 days 15 hours left.
    (standing,) = slmo.claims.standings(within=14)
    claim = standing.claim
    assert (claim.supplier, claim.period, claim.amount, claim.currency, claim.status) == (
        "github",
        "2026-08",
        Decimal("5250.00"),
        "USD",
        ClaimStatus.DUE,
    )
    assert (claim.deadline, claim.file_by) == (_utc(2026, 10, 1), dt.date(2026, 9, 30))
    assert (standing.urgency, standing.days_left) == (Urgency.SOON, 11)

    # The customer's breach and what GitHub had to do with it.
    (episode,) = BreachService(slmo.evaluation).episodes(agreement="release-sla")
    assert (episode.start, episode.end) == (_utc(2026, 8, 7), _utc(2026, 9, 1, 1))
    # At 00:00 on 7 August: 510 bad of the 8,640 minutes elapsed.
    assert episode.worst_attainment == pytest.approx(1 - 510 / 8_640)
    impact = slmo.impact.for_breach("release-sla/availability@2026-08-07T00:00:00Z")
    assert (impact.bad_seconds, impact.explained_seconds) == (863 * 60, 773 * 60)
    assert impact.explained_share == pytest.approx(773 / 863)
    (cause,) = impact.causes
    assert (cause.link.name, cause.overlap_seconds, cause.incidents, cause.objectives) == (
        "github",
        773 * 60,
        ("GH-31107739", "GH-31193766"),
        ("github-uc/uptime",),
    )
    assert impact.suppliers == ("github",)
    (caused,) = slmo.impact.caused_by("github", "2026-08")
    assert caused.reference == "release-sla/availability@2026-08-07T00:00:00+00:00"

    # The pipeline's weakest link over August is GitHub, at 97.7509 % against 99.9 %.
    weakest = slmo.impact.weakest_link("release-pipeline", "2026-08").weakest
    assert weakest is not None and (weakest.link.name, weakest.objective, weakest.target) == (
        "github",
        "github-uc/uptime",
        0.999,
    )
    assert weakest.attainment == pytest.approx(43_636 / MONTH)

    # Claimed, accepted and paid: the ledger's line follows.
    assert claim.id is not None
    slmo.claims.file(claim.id, ACTOR, reference="GitHub support ticket 3141592")
    slmo.claims.accept(claim.id, ACTOR)
    paid = slmo.claims.pay(claim.id, ACTOR, reference="credit note CN-2026-10-0042")
    assert (paid.status, paid.amount, paid.reference) == (
        ClaimStatus.PAID,
        Decimal("5250.00"),
        "credit note CN-2026-10-0042",
    )
    (line,) = slmo.credits.entries("2026-08", agreement="github-uc")
    assert line.status is CreditStatus.PAID
    (github, _) = slmo.suppliers.overview("2026-08")
    (contract,) = github.contracts
    assert (contract.in_ledger, contract.credit is not None and contract.credit.status) == (True, CreditStatus.PAID)
    assert [c.status for c in contract.claims] == [ClaimStatus.PAID]


def test_july_is_owed_too_but_its_window_has_closed(slmo: Slmo) -> None:
    (uptime,) = slmo.evaluation.history("github-uc/uptime", "2026-07")
    assert (uptime.evaluation.good, uptime.evaluation.total) == (MONTH - 1_341, MONTH)
    slmo.credits.compute("2026-07", ACTOR)
    (line,) = slmo.credits.entries("2026-07", agreement="github-uc")
    assert line.amount == Decimal("5250.00")
    assert line.attainment == pytest.approx(43_299 / MONTH)
    (claim,) = slmo.claims.claims(period="2026-07")
    assert (claim.status, claim.deadline, claim.file_by, claim.closed_at) == (
        ClaimStatus.EXPIRED,
        _utc(2026, 8, 31),
        dt.date(2026, 8, 30),
        NOW,
    )
    # The pipeline's only July incident (20 minutes on the 14th) fell outside GitHub's outages.
    (july,) = slmo.impact.for_service("release-pipeline", "2026-07").objectives
    assert (july.bad_seconds, july.causes) == (20 * 60, ())
