"""Services, parties, calendars, indicators, agreements and procedures: one router each, made alike.

- ``GET /{resource}``: a page of documents (``limit``, ``offset``), filtered by ``q`` (part
  of the name) and, where the kind has one, ``owner``/``party``/``service``, sorted by
  ``sort=name`` or ``sort=-name``;
- ``GET /{resource}/{name}``: the document, with its revision as the ``ETag``;
- ``POST /{resource}``: create from a slmo/v1 document sent as JSON (409 when it exists);
- ``PUT /{resource}/{name}``: replace, with ``If-Match`` (428 without, 412 when stale).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from slmo.api.deps import AccessDep, json_text
from slmo.api.schemas.catalogue import ChangePublic, DocumentIn, ObjectPage, change_public
from slmo.core.model.kinds import CatalogueObject
from slmo.errors import PreconditionFailedError

RESOURCES: dict[str, str] = {
    "services": "Service",
    "parties": "Party",
    "calendars": "Calendar",
    "indicators": "Indicator",
    "agreements": "Agreement",
    "procedures": "Procedure",
}

# Documented for OpenAPI only: the body is read raw (its media type and size checked first)
# and validated by the document codec, so its messages are those of YAML files.
DOCUMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A slmo/v1 document, as JSON.",
        "content": {"application/json": {"schema": DocumentIn.model_json_schema()}},
    }
}


def etag(revision: int) -> str:
    return f'"{revision}"'


def parse_if_match(value: str | None) -> int:
    if value is None:
        raise HTTPException(428, "send If-Match with the ETag of the object you read, so no change is overwritten")
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise PreconditionFailedError(f"If-Match {value!r} is not an ETag of this object", key="error.stale_revision")
    return int(text)


def _matches(obj: CatalogueObject, q: str | None, owner: str | None, party: str | None, service: str | None) -> bool:
    if q and q.lower() not in obj.name.lower():
        return False
    if owner is not None and getattr(obj, "owner", None) != owner:
        return False
    if party is not None and party not in [p.party for p in getattr(obj, "parties", ())]:
        return False
    if service is None:
        return True
    return service == getattr(obj, "service", None) or service in getattr(obj, "services", ())


def router_for(resource: str, kind: str) -> APIRouter:
    router = APIRouter(prefix=f"/{resource}", tags=[resource])

    @router.get("", response_model=ObjectPage, summary=f"List {resource}")
    def list_objects(
        access: AccessDep,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        q: Annotated[str | None, Query(max_length=255, description="Part of the name.")] = None,
        owner: Annotated[str | None, Query(max_length=255)] = None,
        party: Annotated[str | None, Query(max_length=255)] = None,
        service: Annotated[str | None, Query(max_length=255)] = None,
        sort: Literal["name", "-name"] = "name",
    ) -> ObjectPage:
        found = [o for o in access.objects(kind) if _matches(o, q, owner, party, service)]
        found.sort(key=lambda o: o.name, reverse=sort == "-name")
        page = found[offset : offset + limit]
        return ObjectPage(items=[access.document(o) for o in page], total=len(found), limit=limit, offset=offset)

    @router.get("/{name}", summary=f"Read one of the {resource}")
    def read_object(name: str, access: AccessDep, response: Response) -> dict[str, Any]:
        obj, revision = access.get(kind, name)
        response.headers["ETag"] = etag(revision)
        return access.document(obj)

    @router.post(
        "",
        status_code=201,
        response_model=ChangePublic,
        summary=f"Create one of the {resource}",
        openapi_extra=DOCUMENT_BODY,
    )
    async def create_object(request: Request, access: AccessDep, response: Response) -> ChangePublic:
        text = await json_text(request)
        change = await run_in_threadpool(access.create, kind, text)
        _, revision = await run_in_threadpool(access.get, kind, change.name)
        response.headers["ETag"] = etag(revision)
        response.headers["Location"] = f"{request.url.path}/{change.name}"
        return change_public(change, revision)

    @router.put(
        "/{name}", response_model=ChangePublic, summary=f"Replace one of the {resource}", openapi_extra=DOCUMENT_BODY
    )
    async def replace_object(
        name: str,
        request: Request,
        access: AccessDep,
        response: Response,
        if_match: Annotated[str | None, Header()] = None,
    ) -> ChangePublic:
        revision = parse_if_match(if_match)
        text = await json_text(request)
        change = await run_in_threadpool(access.replace, kind, name, text, revision)
        _, now = await run_in_threadpool(access.get, kind, name)
        response.headers["ETag"] = etag(now)
        return change_public(change, now)

    return router


def routers() -> list[APIRouter]:
    return [router_for(resource, kind) for resource, kind in RESOURCES.items()]
