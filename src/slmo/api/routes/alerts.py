"""Alerts: the list (customers see their agreements' only), acknowledging one (admins,
managers, and owners of the alert's service), and the notifications of one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.schemas.alerts import (
    AlertPage,
    AlertPublic,
    NotificationPage,
    alert_public,
    notification_public,
)
from slmo.core.model.alerts import AlertStatus

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("", response_model=AlertPage, summary="Alerts, newest first: the open ones unless a state is asked for")
def alerts(
    access: AccessDep,
    state: Annotated[
        Literal["open", "firing", "acknowledged", "resolved", "all"],
        Query(description="open: firing or acknowledged; all: every alert."),
    ] = "open",
    objective: Annotated[str | None, Query(max_length=255, description="NAME or AGREEMENT/NAME")] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AlertPage:
    one = None if state in ("open", "all") else AlertStatus(state)
    found = access.alerts(everything=state == "all", state=one, objective=objective, agreement=agreement)
    return AlertPage(
        items=[alert_public(a) for a in found[offset : offset + limit]], total=len(found), limit=limit, offset=offset
    )


@router.post("/{alert_id}/ack", response_model=AlertPublic, summary="Acknowledge an alert: it stops escalating")
def acknowledge(alert_id: int, access: AccessDep) -> AlertPublic:
    return alert_public(access.acknowledge(alert_id))


@router.get(
    "/{alert_id}/notifications",
    response_model=NotificationPage,
    summary="The notifications of one alert, with their delivery status and attempts",
)
def notifications(alert_id: int, access: AccessDep, limit: Limit = 100, offset: Offset = 0) -> NotificationPage:
    found = access.alert_notifications(alert_id)
    return NotificationPage(
        items=[notification_public(n) for n in found[offset : offset + limit]],
        total=len(found),
        limit=limit,
        offset=offset,
    )
