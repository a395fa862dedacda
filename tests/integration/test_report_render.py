"""The period report laid out: one self-contained HTML file, and a PDF made from it by WeasyPrint
(Pango, HarfBuzz and the system's fonts, hence the integration tier).

The PDF is read back two ways. pdfminer.six gives the characters of each line in the order the
PDF draws them, which for Arabic is visual (right to left drawn from the left, as every PDF
writer lays out shaped text); the Unicode bidirectional algorithm (python-bidi) turns each
line back into logical order, as bidi-aware extractors do. PDFium's own text extraction
(pypdfium2) applies it itself. Either way the catalogue's Arabic must come back letter for
letter in logical order, from real Arabic letters (U+06xx) rather than presentation forms:
the shaping is done at layout, and the text layer keeps the text. Each page is also rendered to
PNG (``artifacts/reports/``) and must not be blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO

import pytest

from slmo.bootstrap import Slmo
from slmo.core.model.report import AgreementReport, ReportFormat
from slmo.i18n import gettext
from tests.conftest import ROOT, require
from tests.report_support import portal_world

ARTIFACTS = ROOT / "artifacts" / "reports"
SECTIONS = (
    "report.summary",
    "report.objectives",
    "report.downtime",
    "report.maintenance",
    "report.tickets",
    "report.breaches",
    "report.incidents",
    "report.credits",
    "report.trend",
    "report.opportunities",
    "report.actions",
    "report.signoff",
)
# Catalogue phrases without diacritics (a mark's glyph maps to its whole cluster in the PDF).
ARABIC_PHRASES = (*SECTIONS, "report.title", "report.time_zone", "month.10", "report.parties", "report.sign_signature")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Balance(HTMLParser):
    """Every element closed, in order (void elements and self-closed SVG nodes aside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]} at {self.getpos()}")
            return
        self.open.pop()


@pytest.fixture(scope="module")
def world() -> Iterator[Slmo]:
    with portal_world() as handle:
        yield handle


@pytest.fixture(scope="module")
def report(world: Slmo) -> AgreementReport:
    return world.reports.agreement("eportal-sla", "2026-10")


@pytest.fixture(scope="module")
def html(world: Slmo, report: AgreementReport) -> dict[str, str]:
    return {lang: world.reports.render(report, lang, ReportFormat.HTML).decode() for lang in ("en", "ar")}


@pytest.fixture(scope="module")
def pdf(world: Slmo, report: AgreementReport) -> dict[str, bytes]:
    return {lang: world.reports.render(report, lang, ReportFormat.PDF) for lang in ("en", "ar")}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _pdfminer_lines(data: bytes, rtl: bool) -> list[str]:
    from bidi import get_display
    from pdfminer.high_level import extract_text

    lines = extract_text(BytesIO(data)).splitlines()
    return [_nfkc(get_display(line, base_dir="R") if rtl else line) for line in lines]


def _pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return _nfkc("\n".join(document[i].get_textpage().get_text_range() for i in range(len(document))))
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_html_is_well_formed_and_self_contained(html: dict[str, str], lang: str) -> None:
    text = html[lang]
    checker = _Balance()
    checker.feed(text)
    checker.close()
    assert checker.problems == [] and checker.open == []
    # Nothing to fetch: no URL at all, no external stylesheet, script, image or font.
    assert re.search(r"https?:", text) is None
    assert re.search(r"<(link|script|img|iframe|object)\b", text) is None
    assert set(re.findall(r"url\((.)", text)) <= {"#"}  # only the charts' own clip paths
    assert "@import" not in text and "@font-face" not in text
    # The charts are inline SVG, two per objective that has data (availability, success
    # rate), with ids unique in the document.
    assert text.count("<svg ") == 4
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_html_has_every_section_in_its_language(html: dict[str, str], lang: str) -> None:
    text = html[lang]
    expected = 'lang="ar" dir="rtl"' if lang == "ar" else 'lang="en" dir="ltr"'
    assert f"<html {expected}>" in text
    for key in SECTIONS:
        assert f">{gettext(key, lang)}</h" in text, key
    assert gettext("report.actions_none", lang) in text
    # Numbers in the reader's digits: availability's 99.7275 % and the 12,500 SAR credit.
    if lang == "ar":
        assert "٩٩٫٧٢٨٪" in text and "١٢٬٥٠٠٫٠٠ SAR" in text and "١ أكتوبر ٢٠٢٦" in text
    else:
        assert "99.728%" in text and "12,500.00 SAR" in text and "1 October 2026" in text
        # Instants in the agreement's zone: Friday's patching starts at 01:00 in Riyadh.
        assert "<td>2 October 2026 01:00</td>" in text


def test_every_template_key_is_in_both_catalogues() -> None:
    template = (ROOT / "src" / "slmo" / "render" / "templates" / "report.html").read_text(encoding="utf-8")
    keys = set(re.findall(r"t\('([a-z_.]+)'", template))
    assert len(keys) > 50
    for lang in ("en", "ar"):
        missing = [k for k in sorted(keys) if not k.endswith((".", "_")) and gettext(k, lang).startswith("[")]
        assert missing == [], lang


def test_the_arabic_pdf_reads_back_in_logical_order(pdf: dict[str, bytes]) -> None:
    data = pdf["ar"]
    assert data.startswith(b"%PDF-")
    from pdfminer.high_level import extract_text

    raw = extract_text(BytesIO(data))
    # Real Arabic letters in the text layer, not presentation forms drawn in visual order.
    assert _PRESENTATION_FORMS.search(raw) is None
    assert re.search("[\u0621-\u064a]", raw)
    mined = "\n".join(_pdfminer_lines(data, rtl=True))
    pdfium = _pdfium_text(data)
    for key in ARABIC_PHRASES:
        phrase = _nfkc(gettext(key, "ar"))
        assert phrase in mined, f"pdfminer: {key} {phrase}"
    # PDFium reorders by itself; its heuristics stumble on lines that mix directions (a time
    # zone's name beside its label), so it is asked only for the headings, alone on their line.
    for key in (*SECTIONS, "report.title"):
        assert _nfkc(gettext(key, "ar")) in pdfium, f"pdfium: {key}"
    # Numbers and dates, in Arabic-Indic digits, next to their words.
    assert "أكتوبر ٢٠٢٦" in mined
    assert "٩٩٫٧٢٨٪" in mined and "١٢٬٥٠٠٫٠٠" in mined
    assert "صفحة ١ من" in mined


def test_the_english_pdf_reads_back(pdf: dict[str, bytes]) -> None:
    text = "\n".join(_pdfminer_lines(pdf["en"], rtl=False))
    for key in (*SECTIONS, "report.title", "report.actions_none"):
        assert gettext(key, "en") in text, key
    assert "99.728%" in text and "12,500.00 SAR" in text and "October 2026" in text
    assert "Page 1 of" in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_pdf_page_renders_to_a_non_blank_a4_image(pdf: dict[str, bytes], lang: str) -> None:
    import pypdfium2 as pdfium

    out = ARTIFACTS / f"eportal-sla-2026-10-{lang}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out.parent / f"eportal-sla-2026-10-{lang}.pdf").write_bytes(pdf[lang])
    document = pdfium.PdfDocument(pdf[lang])
    try:
        assert len(document) >= 3
        for i in range(len(document)):
            page = document[i]
            width, height = page.get_size()
            assert (round(width), round(height)) == (595, 842)  # A4 in points
            image = page.render(scale=1).to_pil().convert("L")
            image.save(out / f"page-{i + 1}.png")
            dark = sum(image.histogram()[:200])
            assert dark > 0.005 * image.width * image.height, f"page {i + 1} is blank"
    finally:
        document.close()


def _fonts(data: bytes) -> set[str]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    found = set()
    for page in PDFPage.create_pages(PDFDocument(PDFParser(BytesIO(data)))):
        for font in resolve1(page.resources.get("Font", {})).values():
            # Embedded subsets are named ABCDEF+Family-Style.
            found.add(str(resolve1(font).get("BaseFont")).strip("/'").partition("+")[2])
    return found


def test_the_arabic_pdf_embeds_the_arabic_font(pdf: dict[str, bytes]) -> None:
    installed = subprocess.run(["fc-list", ":lang=ar", "family"], capture_output=True, text=True, check=False)
    require("Noto Naskh Arabic" in installed.stdout, "Noto Naskh Arabic is not installed (Debian: fonts-noto-core)")
    assert "Noto-Naskh-Arabic" in _fonts(pdf["ar"])
    assert not any("Arabic" in name for name in _fonts(pdf["en"]))


def test_weasyprint_understands_everything_it_is_given(
    world: Slmo, report: AgreementReport, caplog: pytest.LogCaptureFixture
) -> None:
    # The charts' styling is SVG presentation attributes, not CSS the HTML cascade would
    # refuse; the stylesheet uses nothing WeasyPrint ignores.
    with caplog.at_level("WARNING", logger="weasyprint"):
        world.reports.render(report, "ar", ReportFormat.PDF)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_a_machine_without_pango_is_told_what_to_install(
    world: Slmo, report: AgreementReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    from slmo.errors import ConfigurationError

    real = builtins.__import__

    def without_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without_pango)
    with pytest.raises(ConfigurationError) as raised:
        world.reports.render(report, "en", ReportFormat.PDF)
    assert raised.value.exit_code == 3 and "libpango-1.0-0 libpangoft2-1.0-0" in str(raised.value)
    assert "libpango" in gettext(raised.value.key, "ar", **raised.value.args_for_translation)
