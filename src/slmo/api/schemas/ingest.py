"""What an ingestion request gave back, and the audit entries."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from slmo.api.problems import problem_item
from slmo.core.model.audit import AuditEntry
from slmo.services.ingest import IngestReport


class IngestResult(BaseModel):
    kind: str
    indicator: str | None
    source: str
    rows: int
    rejected: int
    written: int
    duplicates: int
    problems: list[dict[str, Any]]


def ingest_result(report: IngestReport) -> IngestResult:
    return IngestResult(
        kind=report.kind.value,
        indicator=report.indicator,
        source=report.source,
        rows=report.rows,
        rejected=report.rejected,
        written=report.written,
        duplicates=report.duplicates,
        problems=[problem_item(p) for p in report.problems],
    )


class AuditEntryPublic(BaseModel):
    id: int | None
    at: str
    actor: str
    interface: str
    action: str
    kind: str
    name: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_public(entry: AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic(
        id=entry.id,
        at=entry.at.isoformat(),
        actor=entry.actor,
        interface=entry.interface,
        action=entry.action.value,
        kind=entry.kind,
        name=entry.name,
        before=None if entry.before is None else dict(entry.before),
        after=None if entry.after is None else dict(entry.after),
    )
