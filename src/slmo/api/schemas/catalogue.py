"""Catalogue objects over the API: their slmo/v1 documents, a page of them, a write's result.

Bodies of writes are slmo/v1 documents validated by the same codec as YAML files (so the
messages are the same); the schema here only documents their shape for OpenAPI.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from slmo.services.catalogue import Change


class DocumentIn(BaseModel):
    """A slmo/v1 document: ``apiVersion``, ``kind``, ``metadata``, ``spec``."""

    model_config = ConfigDict(extra="allow")

    apiVersion: str = Field(examples=["slmo/v1"])  # noqa: N815 - the document's own key
    kind: str = Field(examples=["Service"])
    metadata: dict[str, Any]
    spec: dict[str, Any]


class ObjectPage(BaseModel):
    items: list[dict[str, Any]]
    total: int = Field(description="Objects matching the filter, over every page.")
    limit: int
    offset: int


class ChangePublic(BaseModel):
    kind: str
    name: str
    action: str
    revision: int | None = None


def change_public(change: Change, revision: int | None) -> ChangePublic:
    return ChangePublic(kind=change.kind, name=change.name, action=change.action.value, revision=revision)
