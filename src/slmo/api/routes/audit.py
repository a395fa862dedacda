"""The audit log: who changed what, when, through which interface (staff only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.ingest import AuditEntryPublic, audit_public

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEntryPublic], summary="The audit log, a page from the newest back")
def audit(
    access: AccessDep,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    name: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many of the newest.")] = 0,
    sort: Annotated[Literal["at", "-at"], Query(description="at: oldest first; -at: newest first.")] = "at",
) -> list[AuditEntryPublic]:
    entries = [audit_public(e) for e in access.audit(kind, name, limit, offset)]
    return entries if sort == "at" else entries[::-1]
