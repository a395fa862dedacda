"""A period report as PDF: WeasyPrint lays out the same HTML as ``report_html`` with its print
rules (A4, a running header, page numbers in the reader's digits). Pango and HarfBuzz shape
the Arabic and lay it out right to left; fontconfig finds the fonts the stylesheet names
(Noto Naskh Arabic from Debian's ``fonts-noto-core``, then DejaVu Sans, which also covers
Arabic) and WeasyPrint embeds the subsets used, so the file stands alone.
"""

from __future__ import annotations

import logging

from slmo.core.model.report import Report
from slmo.errors import ConfigurationError
from slmo.render.report_html import render_html

logger = logging.getLogger(__name__)


def render_pdf(report: Report, lang: str) -> bytes:
    """The report in ``lang`` as PDF bytes."""
    # Imported here: WeasyPrint loads Pango through cffi, which only the PDF needs.
    try:
        from weasyprint import HTML
    except OSError as exc:  # cffi could not open the Pango library
        raise ConfigurationError(
            f"PDF reports need the Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0): {exc}",
            key="error.report_pango",
            reason=str(exc),
        ) from None

    html = render_html(report, lang)
    pdf = HTML(string=html, base_url=None).write_pdf()
    assert pdf is not None  # without a target, write_pdf returns the bytes
    logger.debug("report PDF: %d bytes from %d characters of HTML", len(pdf), len(html))
    return bytes(pdf)


class WeasyPrintReportRenderer:
    """The ``ReportRenderer`` port: HTML through Jinja2, PDF through WeasyPrint."""

    def html(self, report: Report, lang: str) -> str:
        return render_html(report, lang)

    def pdf(self, report: Report, lang: str) -> bytes:
        return render_pdf(report, lang)
