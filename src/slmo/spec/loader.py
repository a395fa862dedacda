"""Reading slmo/v1 documents into model objects, with every problem found at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from slmo.core.model.kinds import KIND_CLASSES
from slmo.core.ports import LoadedObject
from slmo.errors import Problem, SpecError
from slmo.spec.convert import to_model
from slmo.spec.documents import API_VERSION, DOCUMENT_CLASSES
from slmo.spec.problems import did_you_mean, format_path, parse_path, problem_from_error
from slmo.spec.yaml_source import SourceDocument, iter_source_documents, parse_documents, to_plain_data


def load_documents(documents: Iterable[SourceDocument]) -> list[LoadedObject]:
    """Validate and convert every document; raise one SpecError with all problems of all of them."""
    problems: list[Problem] = []
    loaded: list[LoadedObject] = []
    first_seen: dict[tuple[str, str], LoadedObject] = {}
    try:
        for document in documents:
            result = _load_one(document, problems)
            if result is None:
                continue
            key = (type(result.obj).__name__, result.obj.name)
            earlier = first_seen.get(key)
            if earlier is not None:
                problems.append(
                    Problem(
                        document.location(("metadata", "name")),
                        "metadata.name",
                        f"{key[0]} {key[1]!r} is defined twice; first at {earlier.location}",
                        key="spec.duplicate",
                        args={"kind": key[0], "name": key[1], "first": str(earlier.location)},
                    )
                )
                continue
            first_seen[key] = result
            loaded.append(result)
    except SpecError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return loaded


def _load_one(document: SourceDocument, problems: list[Problem]) -> LoadedObject | None:
    data = document.data
    if not isinstance(data, dict):
        problems.append(
            Problem(
                document.location(),
                "",
                "expected a mapping with apiVersion, kind, metadata and spec",
                key="spec.not_mapping",
            )
        )
        return None
    api_version = data.get("apiVersion")
    if api_version != API_VERSION:
        hint = ""
        if isinstance(api_version, str) and api_version.startswith("openslo/"):
            hint = "; OpenSLO documents are read by `slmo import openslo`"
        message = (
            "required field is missing" if api_version is None else f"{api_version!r} is not {API_VERSION!r}{hint}"
        )
        problems.append(
            Problem(
                document.location(("apiVersion",)),
                "apiVersion",
                message,
                key="spec.api_version",
                args={"value": repr(api_version), "hint": hint},
            )
        )
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in DOCUMENT_CLASSES:
        hint = did_you_mean(str(kind), list(KIND_CLASSES)) if kind is not None else ""
        message = "required field is missing" if kind is None else f"unknown kind {kind!r}{hint}"
        problems.append(
            Problem(
                document.location(("kind",)),
                "kind",
                message,
                key="spec.unknown_kind",
                args={"kind": repr(kind), "hint": hint, "kinds": ", ".join(KIND_CLASSES)},
            )
        )
        return None
    model = DOCUMENT_CLASSES[kind]
    try:
        validated = model.model_validate(to_plain_data(data))
    except ValidationError as exc:
        problems.extend(problem_from_error(error, document, model) for error in exc.errors())
        return None
    obj, findings = to_model(validated)
    for finding in findings:
        problems.append(
            Problem(
                document.location(finding.path),
                format_path(finding.path),
                finding.message.format(**finding.args),
                key=f"spec.{finding.key}",
                args=finding.args,
            )
        )
    if findings:
        return None
    return LoadedObject(
        obj,
        document.location(("metadata", "name")),
        locate=lambda spec_field: document.location(("spec", *parse_path(spec_field))),
    )


def load_paths(paths: Sequence[str | Path]) -> list[LoadedObject]:
    return load_documents(iter_source_documents(paths))


def load_text(text: str, source: str) -> list[LoadedObject]:
    return load_documents(parse_documents(text, source))
