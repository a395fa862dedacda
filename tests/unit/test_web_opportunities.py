"""The web UI's improvement opportunities (``web/routes/opportunities.py``) over the example
catalogue with October 2026 measured and the desk's tickets (``tests/report_support.py``; the
figures are worked in ``test_opportunities``): the proposals with their evidence, the week's
heat map, the breakdowns, Arabic, a customer's walls and a bad period."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest

from slmo.core.model.opportunity import Dimension
from slmo.web.routes.opportunities import heat_map
from tests.api_support import FixedClock
from tests.report_support import ACTOR, NOW, TICKETS, portal_world
from tests.web_support import Browser, Site


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with portal_world() as slmo:
        slmo.tickets.ingest(io.BytesIO(TICKETS.encode()), "tickets.csv", ACTOR)
        yield Site(slmo, FixedClock(NOW))


def _signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def _text(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def test_the_proposals_heat_map_and_breakdowns(site: Site) -> None:
    browser = _signed_in(site, "lead", "manager")
    answer = browser.get("/ui/opportunities?period=2026-10")
    assert answer.status_code == 200
    page = _text(answer.text)
    assert "Improvement opportunities, 2026-10" in page
    assert "65.10 budgets were spent in all" in page
    assert "1 Service: eportal 40.10 61.6%" in page
    assert "3 Supplier: nimbus-cloud 39.42 60.6%" in page
    assert "contracts: nimbus-uc" in page and "incidents: INC-1" in page
    assert "Take nimbus-cloud's performance up with the supplier under nimbus-uc" in page
    assert "slmo action add --opportunity 2026-10:3 --due" in page
    # The week: the outage's two hours are the darkest cells.
    assert answer.text.count('class="heat-5"') == 2
    assert "Hour of the week Item Budgets spent Share At an even rate Friday 00:00–01:00 19.71" in page
    assert "Ticket priority Item Budgets spent Share P1 15.00 23.0% P2 10.00 15.4%" in page
    assert 'href="/ui/opportunities" aria-current="page"' in answer.text


def test_the_heat_map_shades() -> None:
    # Seven rows of 24; the most spent hour is the darkest shade, a fifth of it the lightest.
    with portal_world() as slmo:
        found = slmo.opportunities.find("2026-10")
    rows = heat_map(found)
    assert [day for day, _ in rows] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    shades = {(day, hour): shade for day, cells in rows for hour, (_, shade) in enumerate(cells) if shade}
    # The outage's hours (19.71 budgets each) and the success rate's burst (0.68: 3.5 % of it).
    assert shades == {("thu", 23): 5, ("fri", 0): 5, ("mon", 10): 1}
    assert sum(value for _, cells in rows for value, _ in cells) == pytest.approx(found.spent)
    assert {s.item for s in found.breakdowns[Dimension.WEEK_HOUR]} == {"thu 23:00", "fri 00:00", "mon 10:00"}


def test_in_arabic(site: Site) -> None:
    browser = _signed_in(site, "lead-ar", "admin")
    page = _text(browser.get("/ui/opportunities?period=2026-10&lang=ar").text)
    assert "فرص التحسين، ٢٠٢٦-١٠" in page
    assert "المورّد: nimbus-cloud ٣٩٫٤٢" in page
    assert "ساعة الأسبوع: الجمعة ٠٠:٠٠–٠١:٠٠" in page
    assert "الميزانيات المستهلكة حسب ساعة الأسبوع" in page


def test_a_customer_sees_its_own(site: Site) -> None:
    browser = _signed_in(site, "noura", "customer", "ministry")
    answer = browser.get("/ui/opportunities?period=2026-10")
    assert answer.status_code == 200
    page = _text(answer.text)
    assert "Service: eportal" in page
    assert "nimbus" not in page and "service-desk" not in page
    # Neither owners nor the staff's command.
    assert "slmo action add" not in page and "it-operations" not in page


def test_a_bad_period_and_the_current_windows(site: Site) -> None:
    browser = _signed_in(site, "viewer", "viewer")
    page = _text(browser.get("/ui/opportunities?period=2026-13").text)
    assert "'2026-13' is not a period" in page
    page = _text(browser.get("/ui/opportunities").text)
    assert "Improvement opportunities, the current windows" in page
    assert "No error budget was spent in the current windows." in page
