"""The audit log, staff only (a customer gets the 403 page, as from the API): who changed
what, when, through which interface, a page at a time from the newest back; each entry's
before and after are shown on demand."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.web.pages import render
from slmo.web.security import SignedInDep, access_for

router = APIRouter()
PAGE = 50
# What the audit log records: the catalogue's kinds, then the other things slmo audits.
KINDS = (
    *("Party", "Calendar", "Service", "DataSource", "Indicator", "AlertCondition", "NotificationTarget"),
    *("AlertPolicy", "Agreement", "Measurements", "Tickets", "Alert", "Token", "User"),
    *("Credit", "Costs", "Procedure", "Review", "ImprovementAction", "Negotiation"),
    "Claim",
    "Proposal",
)
_LIMIT = 10_000_000


def _offset(text: str | None) -> int:
    return min(int(text), _LIMIT) if text and text.isdigit() else 0


@router.get("/audit")
def audit(request: Request, signed: SignedInDep) -> Response:
    params = request.query_params
    kind = params.get("kind", "").strip()[:64] or None
    name = params.get("name", "").strip()[:255] or None
    offset = _offset(params.get("offset"))
    # One more than a page: whether there is an older page.
    found = access_for(request, signed).audit(kind, name, PAGE + 1, offset)
    older = len(found) > PAGE
    entries = list(reversed(found[-PAGE:]))
    return render(
        request,
        "audit.html",
        current=signed,
        entries=entries,
        kind=kind or "",
        name=name or "",
        offset=offset,
        page=PAGE,
        older=older,
        kinds=KINDS,
        pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True),
    )
