"""The audit log: who changed what, when, through which interface (staff only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.schemas.ingest import AuditEntryPublic, audit_public

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEntryPublic], summary="The audit log, oldest first")
def audit(
    access: AccessDep,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    name: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> list[AuditEntryPublic]:
    return [audit_public(e) for e in access.audit(kind, name, limit)]
