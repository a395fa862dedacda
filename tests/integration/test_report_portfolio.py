"""The portfolio as a report (``slmo report --portfolio``): one self-contained HTML file and a
PDF made from it, in English and Arabic, over the portfolio's hand-worked world
(``tests/portfolio_support.py``); the PDF is read back as ``test_report_render`` reads the
period report (pdfminer, with the bidirectional algorithm for Arabic)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from io import BytesIO

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.portfolio import Portfolio
from slmo.core.model.report import ReportFormat
from slmo.i18n import gettext
from tests.conftest import ROOT
from tests.portfolio_support import portfolio_world

ARTIFACTS = ROOT / "artifacts" / "reports"


@pytest.fixture(scope="module")
def world() -> Iterator[Slmo]:
    with portfolio_world() as handle:
        yield handle


@pytest.fixture(scope="module")
def view(world: Slmo) -> Portfolio:
    return world.portfolio.portfolio("2026-Q3", "supplier", "risk", descending=True)


@pytest.fixture(scope="module")
def html(world: Slmo, view: Portfolio) -> dict[str, str]:
    return {lang: world.reports.render(view, lang, ReportFormat.HTML).decode() for lang in ("en", "ar")}


@pytest.fixture(scope="module")
def pdf(world: Slmo, view: Portfolio) -> dict[str, bytes]:
    return {lang: world.reports.render(view, lang, ReportFormat.PDF) for lang in ("en", "ar")}


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_file_is_named_for_the_period(world: Slmo, view: Portfolio) -> None:
    assert world.reports.file_name(view, "ar", ReportFormat.PDF) == "portfolio-2026-Q3-ar.pdf"


def test_the_english_html_holds_the_portfolio_section(html: dict[str, str]) -> None:
    text = html["en"]
    assert '<html lang="en" dir="ltr">' in text and 'id="portfolio"' in text
    assert re.search(r"https?:|<(link|script|img)\b", text) is None
    page = _text(text)
    assert "Service delivery portfolio" in page and "Period: Q3 2026" in page
    assert "Every agreement in force in Q3 2026 on one line" in page and "Q4 2025 – Q3 2026" in page
    assert "3 agreements: 2 objectives met, 1 at risk, 1 breached, 0 without data." in page
    assert "SAR: income 360,000.00, cost 141,000.00" in page and "net 152,250.00." in page
    assert "Sorted by Risk of breach, descending." in page
    assert page.index("CloudCo") < page.index("Portal SLA") < page.index("Cloud contract") < page.index("No supplier")
    assert (
        "Portal SLA portal-sla · SLA Ministry CloudCo 1 breached 0 met, 1 at risk, 1 breached, 0 no data degrading "
        "2/2 · 2/2 · 2/2 · 1/2 270,000.00 SAR we provide 60,000.00 SAR 13,500.00 SAR 0.00 SAR 196,500.00 SAR "
        "returns more than it costs 60% latency 15 September 2026 overdue" in page
    )


def test_the_arabic_html_is_right_to_left_and_translated(html: dict[str, str]) -> None:
    text = html["ar"]
    assert '<html lang="ar" dir="rtl">' in text
    page = _text(text)
    for key in ("portfolio.report_title", "portfolio.title", "portfolio.column_health", "portfolio.trend_degrading"):
        assert gettext(key, "ar") in page, key
    assert "٢٧٠٬٠٠٠٫٠٠ SAR" in page and "اتفاقية البوابة" in page and "كلاودكو" in page
    for english in ("Portfolio", "Health", "degrading", "Credits paid", "Sorted by"):
        assert english not in page


def test_every_template_key_is_in_both_catalogues() -> None:
    template = (ROOT / "src/slmo/render/templates/portfolio.html").read_text(encoding="utf-8")
    keys = set(re.findall(r"t\('([a-z_.]+)'", template))
    assert len(keys) > 20
    for lang in ("en", "ar"):
        missing = [k for k in sorted(keys) if not k.endswith((".", "_")) and gettext(k, lang).startswith("[")]
        assert missing == [], lang


def test_the_pdfs_read_back(pdf: dict[str, bytes]) -> None:
    from bidi import get_display
    from pdfminer.high_level import extract_text

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang, data in pdf.items():
        assert data.startswith(b"%PDF-")
        (ARTIFACTS / f"portfolio-2026-Q3-{lang}.pdf").write_bytes(data)
    english = extract_text(BytesIO(pdf["en"]))
    assert "Service delivery portfolio" in english and "196,500.00 SAR" in english and "Page 1 of" in english
    lines = [
        unicodedata.normalize("NFKC", get_display(x, base_dir="R"))
        for x in extract_text(BytesIO(pdf["ar"])).splitlines()
    ]
    arabic = "\n".join(lines)
    assert unicodedata.normalize("NFKC", gettext("portfolio.report_title", "ar")) in arabic
    assert "١٩٦٬٥٠٠٫٠٠" in arabic
