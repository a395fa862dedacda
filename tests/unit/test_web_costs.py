"""The web UI's cost-effectiveness page (``web/routes/costs.py``) over the example catalogue with
October 2026 measured, its credits computed and costs entered (``tests/report_support.py``): the
figures of ``slmo costs report``, the flag, the ledger's lines, Arabic, and the walls."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest

from tests.api_support import FixedClock
from tests.report_support import ACTOR, NOW, portal_world
from tests.web_support import Browser, Site

COSTS = "service,period,amount,currency\neportal,2026-10,240000,SAR\nnetwork,2026-10,30000,SAR\n"


@pytest.fixture
def site() -> Iterator[Site]:
    with portal_world() as slmo:
        slmo.credits.compute("2026-10", ACTOR)
        slmo.costs.import_costs(io.BytesIO(COSTS.encode()), "costs.csv", ACTOR)
        yield Site(slmo, FixedClock(NOW))


def _signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_view_flags_what_costs_more_than_it_returns(site: Site) -> None:
    browser = _signed_in(site, "finance", "viewer")
    answer = browser.get("/ui/costs?period=2026-10")
    assert answer.status_code == 200
    page = _text(answer.text)
    assert "Cost-effectiveness, 2026-10" in page
    assert "costing more than they return: eportal-sla" in page
    # The portal: 250,000 in, 12,500 credited, 240,000 of cost: 2,500 short, 2,406.56 a point.
    assert (
        "eportal-sla we provide 250,000.00 SAR 12,500.00 SAR 0.00 SAR 240,000.00 SAR -2,500.00 SAR 99.728% "
        "2,406.56 SAR costs more than it returns" in page
    )
    assert "nimbus-uc we buy 90,000.00 SAR 9,000.00 SAR 0.00 SAR — -81,000.00 SAR" in page
    assert '<tr class="hot">' in answer.text
    # The ledger's lines of the period.
    assert "Credits ledger, 2026-10" in page
    assert "eportal-sla credit schedule availability 99.728% 12,500.00 SAR computed" in page
    assert 'href="/ui/costs" aria-current="page"' in answer.text


def test_in_arabic(site: Site) -> None:
    browser = _signed_in(site, "finance", "manager")
    page = _text(browser.get("/ui/costs?period=2026-10&lang=ar").text)
    assert "الجدوى من حيث التكلفة، ٢٠٢٦-١٠" in page
    assert "تكلّف أكثر مما تُدرّ" in page and "-٢٬٥٠٠٫٠٠ SAR" in page


def test_a_bad_period_and_the_default_one(site: Site) -> None:
    browser = _signed_in(site, "finance", "admin")
    page = _text(browser.get("/ui/costs?period=2026-W40").text)
    assert "2026-W40: costs are viewed per month, quarter or year" in page
    # Without a period, the month before the clock's: October 2026.
    assert "Cost-effectiveness, 2026-10" in _text(browser.get("/ui/costs").text)


@pytest.mark.parametrize(("role", "party"), [("customer", "ministry"), ("owner", "it-operations")])
def test_costs_are_for_staff_who_read_them(site: Site, role: str, party: str) -> None:
    browser = _signed_in(site, "someone", role, party)
    assert browser.get("/ui/costs?period=2026-10").status_code == 403
    assert 'href="/ui/costs"' not in browser.get("/ui/").text


def test_the_agreement_page_shows_bands_and_penalties(site: Site) -> None:
    browser = _signed_in(site, "finance", "viewer")
    page = _text(browser.get("/ui/agreements/service-desk-ola").text)
    assert (
        "Penalties on late tickets resolution: 50.00 SAR for each 1 h of breach time beyond 10 h free each month; "
        "at most 5,000.00 SAR a period." in page
    )
