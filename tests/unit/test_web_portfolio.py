"""The web UI's portfolio page (``web/routes/portfolio.py``) over the portfolio's hand-worked world
(``tests/portfolio_support.py``): the lines and totals of ``PortfolioService``, sortable headers
as links, the group selector, Arabic right to left, and the walls."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api_support import FixedClock
from tests.portfolio_support import NOW, portfolio_world
from tests.web_support import Browser, Site


@pytest.fixture
def site() -> Iterator[Site]:
    with portfolio_world() as slmo:
        yield Site(slmo, FixedClock(NOW))


def _signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_every_agreement_on_a_line_sorted_and_grouped(site: Site) -> None:
    browser = _signed_in(site, "director", "viewer")
    answer = browser.get("/ui/portfolio?period=2026-Q3&group=supplier&sort=risk&order=desc")
    assert answer.status_code == 200, answer.text
    html, page = answer.text, _text(answer.text)
    assert "Every agreement in Q3 2026" in page
    assert "3 agreements: 2 objectives met, 1 at risk, 1 breached, 0 without data." in page
    assert "Reviews overdue: 1. Highest risk of breach: 60%." in page
    assert "Over the last four periods 0 improving and 1 degrading." in page
    assert (
        "SAR: income 360,000.00, cost 141,000.00, credits paid 13,500.00, credits received 750.00, net 152,250.00."
        in page
    )
    # Grouped by supplier: CloudCo's lines, then those without a supplier; by risk, highest first.
    assert page.index("CloudCo 2 agreements") < page.index("Portal SLA") < page.index("Cloud contract")
    assert page.index("Cloud contract") < page.index("No supplier") < page.index("Payments SLA")
    assert (
        "Portal SLA SLA Ministry CloudCo 1 breached 0 met, 1 at risk, 1 breached, 0 no data degrading "
        "2/2 · 2/2 · 2/2 · 1/2 270,000.00 SAR we provide 60,000.00 SAR 13,500.00 SAR 0.00 SAR 196,500.00 SAR "
        "returns more than it costs 60% latency 2026-09-15 overdue" in page
    )
    assert "Cloud contract UC Operations CloudCo 1 met" in page
    # No closed period in 2025-Q4: a dash, not 0/0.
    assert "stable — · 1/1 · 1/1 · 1/1" in page
    # The risk column is sorted descending: its header turns it ascending; another starts ascending.
    assert (
        'aria-sort="descending"><a href="/ui/portfolio?period=2026-Q3&amp;group=supplier&amp;sort=risk&amp;order=asc">'
        in html
    )
    assert 'href="/ui/portfolio?period=2026-Q3&amp;group=supplier&amp;sort=net&amp;order=asc"' in html
    assert '<option value="supplier" selected>' in html
    assert 'href="/ui/portfolio" aria-current="page"' in html


def test_in_arabic_right_to_left(site: Site) -> None:
    browser = _signed_in(site, "director", "manager")
    answer = browser.get("/ui/portfolio?period=2026-Q3&group=tier&lang=ar")
    assert answer.status_code == 200
    html, page = answer.text, _text(answer.text)
    assert '<html lang="ar" dir="rtl">' in html
    assert "كل الاتفاقيات في الربع ٣ من ٢٠٢٦" in page
    assert "الفئة ١" in page and "الفئة ٢" in page
    assert "اتفاقية البوابة" in page and "يتراجع" in page and "متأخرة" in page
    assert "٢٧٠٬٠٠٠٫٠٠ SAR" in page
    for english in ("Every agreement", "Health", "Credits paid", "degrading", "No grouping"):
        assert english not in page


def test_a_customer_sees_its_own_lines_without_suppliers_or_costs(site: Site) -> None:
    browser = _signed_in(site, "ministry-user", "customer", "ministry")
    answer = browser.get("/ui/portfolio?period=2026-Q3")
    assert answer.status_code == 200
    page = _text(answer.text)
    assert "Portal SLA" in page and "1 agreements" in page
    for hidden in ("Payments SLA", "Cloud contract", "CloudCo", "Suppliers", "Cost", "Net", "60,000.00"):
        assert hidden not in page
    assert '<option value="supplier"' not in answer.text
    refused = browser.get("/ui/portfolio?period=2026-Q3&group=supplier")
    assert refused.status_code == 403


def test_a_bad_period_is_said_on_the_page(site: Site) -> None:
    browser = _signed_in(site, "director", "admin")
    answer = browser.get("/ui/portfolio?period=2026-W40")
    assert answer.status_code == 200
    assert "2026-W40: the portfolio is viewed per month, quarter or year" in _text(answer.text)
    running = _text(browser.get("/ui/portfolio").text)
    assert "Every agreement in Q4 2026 (running: figures to now)" in running
