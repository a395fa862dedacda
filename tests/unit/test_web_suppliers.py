"""The web UI's suppliers page (``web/routes/suppliers.py``) over the example catalogue with
GitHub's contract and the outage of ``tests/unit/test_api_suppliers.py``: GitHub Actions down
549 of August 2026's 44,640 minutes (98.770 % against 99.9 %: 25 % of 21,000 USD = 5,250.00
USD, claimed by 30 September), the release pipeline's breach all within GitHub's failing (510 of
510 bad minutes); in English and Arabic, and behind the walls."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest

from tests.api_support import FixedClock
from tests.report_support import ACTOR
from tests.supplier_support import supplier_world
from tests.web_support import Browser, Site

LOG = """id,service,start,end,impact
PIPE-0,release-pipeline,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage
PIPE-1,release-pipeline,2026-08-06T15:20:00Z,2026-08-06T23:50:00Z,outage
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage
GH-1,github-actions,2026-08-06T15:05:00Z,2026-08-07T00:14:00Z,outage
"""


@pytest.fixture
def site() -> Iterator[Site]:
    clock = FixedClock(dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC))
    with supplier_world(clock) as slmo:
        slmo.ingest.incidents(io.BytesIO(LOG.encode()), "log.csv", ACTOR)
        for at in ("2026-08-06T12:00:00+00:00", "2026-08-07T00:00:00+00:00", "2026-09-01T01:00:00+00:00"):
            slmo.evaluation.evaluate(dt.datetime.fromisoformat(at), "release-sla/availability")
        yield Site(slmo, clock)


def _signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_supplier_its_commitment_credit_claim_and_caused_breach(site: Site) -> None:
    browser = _signed_in(site, "rana", "manager")
    # Before the period is computed the credit is worked out on the spot, and there is no claim.
    page = _text(browser.get("/ui/suppliers?period=2026-08").text)
    assert "GitHub (github) Services that depend on it: release-pipeline" in page
    assert (
        "GitHub Enterprise Cloud contract Monthly uptime of Actions 99.9% 98.770% 5,250.00 USD "
        "not computed yet (worked out now) —" in page
    )
    assert "No claim is due soon or overdue." in page
    # The customer breach GitHub caused: 510 bad minutes, all of them in GitHub's failing.
    assert (
        "release-sla/availability from 2026-08-07 00:00 to 2026-09-01 01:00 release-pipeline 510 510 100.00% GH-1"
        in page
    )
    # Nimbus: the example's cloud contract, without data in August.
    assert "Nimbus Cloud (nimbus-cloud) Services that depend on it: eportal, report-engine" in page
    site.slmo.credits.compute("2026-08", ACTOR)
    answer = browser.get("/ui/suppliers?period=2026-08")
    page = _text(answer.text)
    assert "5,250.00 USD computed due, file by 2026-09-30" in page
    # Due by 30 September, 11 days from 20 September 09:00: among the claims to file.
    assert "Claims to file: due within 14 days, or overdue" in page
    assert "1 github github-uc 2026-08 5,250.00 USD 2026-09-30 (11 day(s) left)" in page
    assert 'href="/ui/suppliers" aria-current="page"' in answer.text


def test_in_arabic(site: Site) -> None:
    site.slmo.credits.compute("2026-08", ACTOR)
    browser = _signed_in(site, "noura", "viewer")
    answer = browser.get("/ui/suppliers?period=2026-08&lang=ar")
    assert '<html lang="ar" dir="rtl">' in answer.text
    page = _text(answer.text)
    assert "المورّدون" in page and "جِت هَب" in page
    assert "٥٬٢٥٠٫٠٠ USD" in page and "بقي ١١ يوم" in page
    assert "إخلالات بحق العملاء تسبّب فيها كليًا أو جزئيًا" in page


def test_a_bad_period_and_the_default_one(site: Site) -> None:
    browser = _signed_in(site, "rana", "admin")
    page = _text(browser.get("/ui/suppliers?period=August").text)
    assert "&#39;August&#39; is not a period; expected YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD" in page
    # Without a period, the month before the clock's: August 2026.
    assert 'value="2026-08"' in browser.get("/ui/suppliers").text


@pytest.mark.parametrize(("role", "party"), [("customer", "ministry"), ("owner", "it-operations")])
def test_suppliers_are_for_staff_who_read_them(site: Site, role: str, party: str) -> None:
    browser = _signed_in(site, "someone", role, party)
    assert browser.get("/ui/suppliers?period=2026-08").status_code == 403
    assert 'href="/ui/suppliers"' not in browser.get("/ui/").text
