"""Ingestion: events, samples and probes of an indicator, incidents, and service-desk tickets.

A body is CSV (``text/csv``), JSON lines (``application/x-ndjson``) or a JSON batch
(``application/json``: an array of row objects, or ``{"rows": [...]}``), which is turned
into JSON lines so every form goes through the same reader. Bodies are streamed into a
spooled file, never held whole in memory past a few megabytes.

``Idempotency-Key``: the first answer to a key is kept (per process, the newest 10,000
keys) and given again for a repeat of the same body; the same key with another body is 409.
The store replaces buckets per source, so even a replay the cache has forgotten changes
nothing.
"""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, BinaryIO, Literal, TypeVar, cast

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from slmo.api.deps import AccessDep, parse_json, require_media, spooled
from slmo.api.schemas.ingest import IngestResult, ingest_result
from slmo.api.schemas.tickets import TicketIngestResult, ticket_ingest_result
from slmo.errors import ConflictError, IngestError, Location, Problem, SpecError
from slmo.services.ingest import MeasurementKind, OnError

router = APIRouter(prefix="/ingest", tags=["ingestion"])

MEDIA = ("text/csv", "application/x-ndjson", "application/jsonl", "application/json")
KEEP_KEYS = 10_000
BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}


class Replays:
    """Answers by idempotency key, with the fingerprint of the request they answered."""

    def __init__(self) -> None:
        self._answers: OrderedDict[str, tuple[str, BaseModel]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, fingerprint: str) -> BaseModel | None:
        with self._lock:
            held = self._answers.get(key)
        if held is None:
            return None
        if held[0] != fingerprint:
            raise ConflictError(
                "this Idempotency-Key was used for another request", key="error.idempotency_reused", name=key
            )
        return held[1]

    def put(self, key: str, fingerprint: str, result: BaseModel) -> None:
        with self._lock:
            self._answers[key] = (fingerprint, result)
            while len(self._answers) > KEEP_KEYS:
                self._answers.popitem(last=False)


def _as_json_lines(stream: BinaryIO) -> BinaryIO:
    batch = parse_json(stream.read())
    if isinstance(batch, dict) and set(batch) == {"rows"}:
        batch = batch["rows"]
    if not isinstance(batch, list) or not all(isinstance(row, dict) for row in batch):
        raise SpecError(
            [Problem(Location("request body"), "", 'send an array of row objects, or {"rows": [...]}', key="api.batch")]
        )
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch)
    return io.BytesIO(lines.encode("utf-8"))


# The ticket reader names the command line's options; here they are query parameters.
QUERY_FIELDS = {"--preset": "preset", "--mapping": "mapping"}


def _as_query(problems: list[Problem]) -> list[Problem]:
    return [dataclasses.replace(p, field=QUERY_FIELDS.get(p.field, p.field)) for p in problems]


IdempotencyKey = Annotated[str | None, Header(max_length=255)]
SourceQuery = Annotated[str, Query(max_length=255, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
TzQuery = Annotated[str | None, Query(max_length=64)]


Result = TypeVar("Result", bound=BaseModel)


async def _ingest(request: Request, key: str | None, run: Callable[[BinaryIO], Result]) -> Result:
    media = require_media(request, *MEDIA)
    stream, digest = await spooled(request)
    fingerprint = f"{request.url.path}?{request.url.query}|{media}|{digest}"
    replays: Replays = request.app.state.replays
    try:
        if key is not None and (earlier := replays.get(key, fingerprint)) is not None:
            # The fingerprint holds the path, so the answer kept is of this endpoint's model.
            return cast(Result, earlier)
        body = _as_json_lines(stream) if media == "application/json" else stream
        result = await run_in_threadpool(run, body)
    finally:
        stream.close()
    if key is not None:
        replays.put(key, fingerprint, result)
    return result


@router.post("/incidents", response_model=IngestResult, summary="Incidents, by id", openapi_extra=BODY)
async def incidents(
    request: Request,
    access: AccessDep,
    tz: TzQuery = None,
    on_error: OnError = OnError.ABORT,
    idempotency_key: IdempotencyKey = None,
) -> IngestResult:
    def run(body: BinaryIO) -> IngestResult:
        return ingest_result(access.incidents(body, "request body", tz=tz, on_error=on_error))

    return await _ingest(request, idempotency_key, run)


@router.post(
    "/tickets",
    response_model=TicketIngestResult,
    summary="Service-desk tickets, merged by id and update sequence",
    openapi_extra=BODY,
)
async def tickets(
    request: Request,
    access: AccessDep,
    preset: Annotated[
        str | None, Query(max_length=64, description="servicenow, jira or slmo (the default) columns.")
    ] = None,
    mapping: Annotated[
        str | None,
        Query(max_length=16384, description="A mapping document (YAML or JSON text) for any other export."),
    ] = None,
    service: Annotated[str | None, Query(max_length=255, description="The service of every ticket.")] = None,
    tz: TzQuery = None,
    on_error: OnError = OnError.ABORT,
    idempotency_key: IdempotencyKey = None,
) -> TicketIngestResult:
    def run(body: BinaryIO) -> TicketIngestResult:
        try:
            report = access.ingest_tickets(
                body, "request body", preset=preset, mapping=mapping, tz=tz, service=service, on_error=on_error
            )
        except IngestError as error:
            error.problems = _as_query(error.problems)
            raise
        report.problems = _as_query(report.problems)
        return ticket_ingest_result(report)

    return await _ingest(request, idempotency_key, run)


@router.post("/{kind}", response_model=IngestResult, summary="Events, samples or probes", openapi_extra=BODY)
async def measurements(
    kind: Literal["events", "samples", "probes"],
    request: Request,
    access: AccessDep,
    indicator: Annotated[str, Query(max_length=255)],
    source: SourceQuery = "api",
    tz: TzQuery = None,
    on_error: OnError = OnError.ABORT,
    idempotency_key: IdempotencyKey = None,
) -> IngestResult:
    def run(body: BinaryIO) -> IngestResult:
        return ingest_result(
            access.measurements(
                MeasurementKind(kind), indicator, body, "request body", source=source, tz=tz, on_error=on_error
            )
        )

    return await _ingest(request, idempotency_key, run)
