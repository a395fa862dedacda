"""A service, an agreement and an objective, each on its page: what the catalogue says of it,
where its objectives stand on the status board, and charts of its stored evaluations.

Every object is read through the principal's walls (``Access.get``): another party's
agreement, service or objective is the same 404 page as a missing one.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.core.model import Agreement, AgreementVersion, Objective, Service
from slmo.core.model.results import ObjectiveEvaluation
from slmo.errors import NotFoundError
from slmo.services.access import Access
from slmo.web.charts import HISTORY, agreement_chart, objective_charts
from slmo.web.pages import lang_of, render
from slmo.web.routes.negotiation import negotiation_context
from slmo.web.security import SignedInDep, access_for, get_slmo
from slmo.web.status_rows import fastest, status_rows

router = APIRouter()
# Breaches and alerts an objective's page lists, newest first.
LISTED = 20


def _shown_version(agreement: Agreement, today: dt.date) -> AgreementVersion | None:
    """The version in force, else the newest."""
    return agreement.active_version(today) or agreement.latest_version()


@router.get("/services/{name}")
def service(request: Request, name: str, signed: SignedInDep) -> Response:
    access = access_for(request, signed)
    found, _ = access.get("Service", name)
    assert isinstance(found, Service)
    lang = lang_of(request)
    rows = [r for r in status_rows(request).rows(access.current_status(), lang) if r.service == name]
    agreements = [a for a in access.objects("Agreement") if isinstance(a, Agreement) and name in a.services]
    return render(request, "service.html", current=signed, service=found, rows=rows, agreements=agreements)


def _history(access: Access, key: str) -> list[ObjectiveEvaluation]:
    return access.evaluations(key, HISTORY)


@router.get("/agreements/{name}")
def agreement(request: Request, name: str, signed: SignedInDep) -> Response:
    access = access_for(request, signed)
    found, _ = access.get("Agreement", name)
    assert isinstance(found, Agreement)
    lang = lang_of(request)
    version = _shown_version(found, get_slmo(request).time.now().date())
    rows = [r for r in status_rows(request).rows(access.current_status(), lang) if r.agreement == name]
    objectives = version.objectives if version else ()
    titles = {o.name: o.display_name.get(lang) for o in objectives}
    chart = agreement_chart({o.name: _history(access, f"{name}/{o.name}") for o in objectives}, titles, lang)
    return render(
        request,
        "agreement.html",
        current=signed,
        agreement=found,
        version=version,
        versions=sorted(found.versions, key=lambda v: v.number, reverse=True),
        rows=rows,
        charts=[] if chart is None else [chart],
        **negotiation_context(
            access, found, lang, request.query_params.get("done"), request.query_params.get("version")
        ),
    )


def _objective(agreement: Agreement, name: str, today: dt.date) -> tuple[AgreementVersion, Objective]:
    """The objective in the version in force, else in the newest version that has it."""
    shown = _shown_version(agreement, today)
    versions = [shown] if shown else []
    versions += sorted(agreement.versions, key=lambda v: v.number, reverse=True)
    for version in versions:
        for objective in version.objectives:
            if objective.name == name:
                return version, objective
    raise NotFoundError(
        f"no objective {agreement.name}/{name}", key="error.objective_not_found", name=f"{agreement.name}/{name}"
    )


@router.get("/agreements/{agreement_name}/objectives/{name}")
def objective(request: Request, agreement_name: str, name: str, signed: SignedInDep) -> Response:
    access = access_for(request, signed)
    found, _ = access.get("Agreement", agreement_name)
    assert isinstance(found, Agreement)
    lang = lang_of(request)
    version, chosen = _objective(found, name, get_slmo(request).time.now().date())
    key = f"{agreement_name}/{name}"
    current = access.current_status()
    record = next((r.record for r in current.rows() if r.record.key == key), None)
    row = next((r for r in status_rows(request).rows(current, lang) if r.key == key), None)
    history = _history(access, key)
    breaches = sorted(access.breaches(objective=key), key=lambda e: e.start, reverse=True)[:LISTED]
    alerts = access.alerts(everything=True, objective=key)[:LISTED]
    return render(
        request,
        "objective.html",
        current=signed,
        agreement=found,
        version=version,
        objective=chosen,
        row=row,
        record=record,
        fastest=None if record is None else fastest(record),
        charts=objective_charts(history, lang),
        history=len(history),
        breaches=breaches,
        alerts=alerts,
    )
