"""slmo's own document format behind the ``SpecCodec`` port: read, write, and its JSON Schema."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from ruamel.yaml import YAML

from slmo.core.model.kinds import KIND_ORDER, CatalogueObject, kind_of
from slmo.core.ports import LoadedObject
from slmo.spec import loader
from slmo.spec.documents import AnyDocument
from slmo.spec.write import to_document


class YamlSpecCodec:
    """Reads and writes ``apiVersion: slmo/v1`` documents."""

    def load_paths(self, paths: Sequence[str]) -> list[LoadedObject]:
        return loader.load_paths(paths)

    def load_text(self, text: str, source: str) -> list[LoadedObject]:
        return loader.load_text(text, source)

    def dump_one(self, obj: CatalogueObject) -> dict[str, Any]:
        return to_document(obj)

    def dump(self, objects: Sequence[CatalogueObject]) -> str:
        ordered = sorted(objects, key=lambda o: (KIND_ORDER.index(kind_of(o)), o.name))
        return dump_yaml([to_document(o) for o in ordered])

    def json_schema(self) -> dict[str, Any]:
        schema = TypeAdapter(AnyDocument).json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://slmo.dev/schemas/slmo-v1.json"
        schema["title"] = "slmo/v1 document"
        return schema


def dump_yaml(documents: Sequence[Any]) -> str:
    """Documents as multi-document YAML, keys in the order given, Arabic left as it is."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 120
    stream = io.StringIO()
    yaml.dump_all(list(documents), stream)
    return stream.getvalue()
