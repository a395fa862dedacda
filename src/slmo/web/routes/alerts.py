"""Alerts: the open ones (or those of one state), newest first, each firing one with an
Acknowledge button for those who may (admins, managers, the owners of its service). The
button is a form POST with the session's CSRF token; the acknowledgement goes through
``Access.acknowledge`` (``services.alerts``), audited as made through the web."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from slmo.core.model import Service
from slmo.core.model.alerts import Alert, AlertStatus
from slmo.core.model.auth import Role
from slmo.services.access import Access
from slmo.web.pages import render
from slmo.web.security import SignedInDep, access_for, root

router = APIRouter()
STATES = ("open", "firing", "acknowledged", "resolved", "all")
SHOWN = 200


def may_acknowledge(access: Access) -> set[str] | bool:
    """``True`` for roles that may acknowledge any alert, the services an owner may
    acknowledge the alerts of, ``False`` for the others."""
    role = access.principal.role
    if role in (Role.ADMIN, Role.MANAGER):
        return True
    if role is Role.OWNER:
        party = access.principal.party
        return {s.name for s in access.objects("Service") if isinstance(s, Service) and s.owner == party}
    return False


def ackable(alert: Alert, allowed: set[str] | bool) -> bool:
    if alert.state is not AlertStatus.FIRING:
        return False
    return allowed if isinstance(allowed, bool) else alert.service in allowed


@router.get("/alerts")
def alerts(request: Request, signed: SignedInDep) -> Response:
    access = access_for(request, signed)
    state = request.query_params.get("state", "open")
    state = state if state in STATES else "open"
    found = access.alerts(everything=state == "all", state=None if state in ("open", "all") else AlertStatus(state))
    allowed = may_acknowledge(access)
    done = request.query_params.get("acknowledged", "")
    acknowledged = next((a for a in found if str(a.id) == done and a.state is AlertStatus.ACKNOWLEDGED), None)
    return render(
        request,
        "alerts.html",
        current=signed,
        alerts=found[:SHOWN],
        total=len(found),
        state=state,
        states=STATES,
        ackable=lambda alert: ackable(alert, allowed),
        acknowledged=acknowledged,
    )


@router.post("/alerts/{alert_id}/ack")
def acknowledge(request: Request, alert_id: int, signed: SignedInDep) -> Response:
    access_for(request, signed).acknowledge(alert_id)
    return RedirectResponse(f"{root(request)}/alerts?acknowledged={alert_id}", status_code=303)
