"""The scheduler's jobs and their recorded runs (staff: admin, manager, viewer)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from slmo.api.deps import AccessDep
from slmo.api.queries import Limit, Offset
from slmo.api.schemas.jobs import JobPage, JobRunPage, job_public, run_public

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("", response_model=JobPage, summary="Scheduled jobs: due, leased to, last run and error")
def jobs(
    access: AccessDep,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=255, description="Part of the key.")] = None,
    failing: Annotated[bool, Query(description="Only jobs whose last run failed.")] = False,
    sort: Literal["id", "due_at", "-due_at"] = "id",
    limit: Limit = 100,
    offset: Offset = 0,
) -> JobPage:
    found = [
        j
        for j in access.jobs()
        if (kind is None or j.kind == kind)
        and (q is None or q.lower() in j.key.lower())
        and (not failing or j.last_error is not None)
    ]
    if sort != "id":
        found.sort(key=lambda j: (j.due_at, j.id), reverse=sort == "-due_at")
    page = found[offset : offset + limit]
    return JobPage(items=[job_public(j) for j in page], total=len(found), limit=limit, offset=offset)


@router.get("/{job_id}/runs", response_model=JobRunPage, summary="One job's recorded runs, newest first by default")
def runs(
    job_id: int,
    access: AccessDep,
    sort: Literal["due_at", "-due_at"] = "-due_at",
    limit: Limit = 100,
    offset: Offset = 0,
) -> JobRunPage:
    found = access.job_runs(job_id)
    found.sort(key=lambda r: r.due_at, reverse=sort == "-due_at")
    page = found[offset : offset + limit]
    return JobRunPage(items=[run_public(r) for r in page], total=len(found), limit=limit, offset=offset)
