"""Reports: a form to pick an agreement, a period, a language and a format, and the download
of the period report that ``ReportService`` lays out (``slmo report``: a PDF, or one HTML
file). The agreement is read through the principal's walls first: a customer reports on its
own agreements only, and another party's is the same 404 page as a missing one."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.core.model import Agreement
from slmo.core.model.report import ReportFormat
from slmo.i18n import SUPPORTED_LANGUAGES
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for, get_slmo

router = APIRouter()
MEDIA_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.HTML: "text/html; charset=utf-8"}


def last_month(today: dt.date) -> str:
    """The calendar month before ``today``'s, as a period (``2026-10``)."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


@router.get("/reports")
def reports(request: Request, signed: SignedInDep) -> Response:
    agreements = [a for a in access_for(request, signed).objects("Agreement") if isinstance(a, Agreement)]
    return render(
        request,
        "reports.html",
        current=signed,
        agreements=agreements,
        period=last_month(get_slmo(request).time.now().date()),
        report_languages=SUPPORTED_LANGUAGES,
        report_lang=lang_of(request),
        formats=[f.value for f in ReportFormat],
    )


@router.get("/reports/download")
def download(request: Request, signed: SignedInDep) -> Response:
    params = request.query_params
    name = params.get("agreement", "")[:255]
    access_for(request, signed).get("Agreement", name)  # the walls: 404 for another party's
    lang = params.get("report_lang", "")
    lang = lang if lang in SUPPORTED_LANGUAGES else lang_of(request)
    fmt = ReportFormat.HTML if params.get("format") == ReportFormat.HTML.value else ReportFormat.PDF
    period = params.get("period", "").strip()[:16] or last_month(get_slmo(request).time.now().date())
    service = get_slmo(request).reports
    report = service.agreement(name, period)
    content = service.render(report, lang, fmt)
    file_name = service.file_name(report, lang, fmt)
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
    )
