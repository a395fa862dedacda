"""The web UI's proposals page (``web/routes/proposals.py``) over the example catalogue in memory at
26 November 2026 with a year of the portal's requests at 99.88 % (``tests/unit/test_proposals.py``
works the figures): drafting, the proposal with its evidence, accepting and rejecting through
CSRF-guarded forms, Arabic, and the walls."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api_support import FixedClock
from tests.negotiation_support import ADMIN, NOW, example_slmo
from tests.proposal_support import portal_requests
from tests.web_support import Browser, Site


@pytest.fixture
def site() -> Iterator[Site]:
    clock = FixedClock(NOW)
    with example_slmo(clock) as slmo:
        portal_requests(slmo, lambda d: 12)
        yield Site(slmo, clock)


def _signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_draft_read_and_accept(site: Site) -> None:
    faisal = _signed_in(site, "faisal", "manager")
    assert "No proposals." in _text(faisal.get("/ui/proposals").text)
    token = faisal.csrf_token()
    drafted = faisal.post("/ui/proposals/draft", data={"csrf_token": token, "period": "2027"})
    assert drafted.status_code == 303
    assert drafted.headers["location"] == "/ui/proposals?period=2027&done=drafted&id=1"
    page = faisal.get(drafted.headers["location"])
    assert page.status_code == 200
    text = _text(page.text)
    assert "The proposals are drafted: 1 held for the period." in text
    assert "relax a target eportal-sla 2027 success-rate: 99.9% → 99.85%" in text
    assert "breaches a year 12.00 → 0.00 (simulation); credits a year 150,000.00 SAR → 0.00 SAR draft" in text
    assert "Evidence, 2025-11..2026-10" in text
    assert "Periods breached: 12 (the past periods, November 2025 – October 2026)" in text
    assert 'href="/ui/proposals" aria-current="page"' in page.text

    # A form sent without its token changes nothing.
    assert faisal.post("/ui/proposals/1/accept", data={"revision": "1"}).status_code == 403
    accepted = faisal.post("/ui/proposals/1/accept", data={"csrf_token": token, "revision": "1"})
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/ui/proposals?done=accepted&id=1")
    text = _text(faisal.get(accepted.headers["location"]).text)
    assert "Proposal 1 is accepted: its version is drafted." in text
    assert "accepted (version 2 drafted)" in text
    (step,) = site.slmo.negotiation.history("eportal-sla", 2)
    assert (step.actor, step.interface, step.party) == ("faisal", "web", "it-operations")
    # Decided: a second decision is refused (409), and no button is offered any more.
    assert faisal.post("/ui/proposals/1/reject", data={"csrf_token": token, "reason": "x"}).status_code == 409
    assert "/ui/proposals/1/accept" not in faisal.get("/ui/proposals").text


def test_rejecting_in_arabic_and_the_walls(site: Site) -> None:
    site.slmo.proposals.draft("2027", ADMIN)
    noura = _signed_in(site, "noura", "customer", "ministry")
    page = noura.get("/ui/proposals?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    text = _text(page.text)
    assert "تخفيف هدف" in text and "success-rate: ٩٩٫٩٪ ← ٩٩٫٨٥٪" in text
    # The ministry reads its agreement's proposal and decides nothing: no form, and 403.
    assert "/ui/proposals/draft" not in page.text and "/ui/proposals/1/accept" not in page.text
    assert noura.post("/ui/proposals/1/accept", data={"csrf_token": noura.csrf_token()}).status_code == 403
    # Nimbus, the cloud supplier, sees none of it.
    nimbus = _signed_in(site, "nimbus", "customer", "nimbus-cloud")
    assert "eportal-sla" not in nimbus.get("/ui/proposals").text

    faisal = _signed_in(site, "faisal", "manager")
    token = faisal.csrf_token()
    assert faisal.post("/ui/proposals/1/reject", data={"csrf_token": token, "reason": " "}).status_code == 400
    done = faisal.post("/ui/proposals/1/reject", data={"csrf_token": token, "reason": "Not this year", "revision": "1"})
    assert done.status_code == 303
    text = _text(faisal.get("/ui/proposals?status=rejected&lang=ar").text)
    assert "رُفض المقترح" not in text  # no notice without done
    assert "مرفوض: Not this year" in text
    assert site.slmo.proposals.proposal(1).decided_by == "faisal"
