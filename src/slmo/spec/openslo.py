"""OpenSLO as a foreign format: ``slmo import openslo`` reads v1 and v1alpha documents, and
``slmo export --format openslo`` writes v1.

How OpenSLO maps onto slmo's model:
- Service, DataSource, SLI, AlertCondition, AlertNotificationTarget and AlertPolicy become the
  objects of the same names (an AlertNotificationTarget is a NotificationTarget); inline SLIs,
  conditions, targets and policies become objects of their own, referred to by name.
- The SLOs of one service become the objectives of one ``expectation`` agreement named after the
  service, with a single active version 1 and no parties (see ``openslo_slo`` for naming).
- A field slmo has no place for is reported in ``Imported.unrepresented``, by name and line;
  so is a default slmo assumed (no time window: 30 days rolling).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from slmo.core.model.catalogue import Service
from slmo.core.model.kinds import KIND_ORDER, CatalogueObject, kind_of
from slmo.core.model.objective import Objective
from slmo.core.model.text import LocalizedText
from slmo.core.ports import Imported, LoadedObject
from slmo.errors import Location, SpecError
from slmo.spec.openslo_read import (
    Found,
    read_alert_condition,
    read_alert_policy,
    read_data_source,
    read_indicator,
    read_metadata,
    read_notification_target,
    read_service,
)
from slmo.spec.openslo_reader import NAME_RE, OBJECTIVE_NAME_RE, REPLACED, Node, Report
from slmo.spec.openslo_slo import read_slo_v1
from slmo.spec.openslo_v1alpha import read_slo_v1alpha
from slmo.spec.openslo_write import Exported, dump_openslo
from slmo.spec.openslo_write_slo import service_agreement
from slmo.spec.yaml_source import SourceDocument, expand_paths, parse_documents, read_text

logger = logging.getLogger(__name__)

V1 = "openslo/v1"
V1ALPHA = "openslo/v1alpha"
V1_KINDS = ("Service", "DataSource", "SLI", "SLO", "AlertPolicy", "AlertCondition", "AlertNotificationTarget")
# The Go SDK's v1alpha package knows these two kinds only.
V1ALPHA_KINDS = ("Service", "SLO")


class OpenSloFormat:
    """OpenSLO documents (``apiVersion: openslo/v1`` or ``openslo/v1alpha``)."""

    name = "openslo"

    def load_paths(self, paths: Sequence[str]) -> Imported:
        """Objects of every file (directories are walked for .yaml, .yml and .json files).

        Raises SpecError listing every problem of every file, each with file:line:column and field.
        """
        report = Report()
        return self.load_documents(read_files(paths, report), report)

    def load_text(self, text: str, source: str) -> Imported:
        report = Report()
        return self.load_documents(read_text_documents(text, source, report), report)

    def load_documents(self, documents: Sequence[SourceDocument], report: Report) -> Imported:
        found = Found()
        for doc in documents:
            read_document(doc, found, report)
        objects = assemble(found, report)
        if report.errors:
            raise SpecError(report.errors)
        logger.debug("read %d objects from %d OpenSLO documents", len(objects), len(documents))
        return Imported(objects=objects, unrepresented=report.notes)

    def dump(self, objects: Sequence[CatalogueObject]) -> str:
        """OpenSLO v1 documents, ``---`` separated, headed by a comment that lists what OpenSLO
        cannot express and was left out (see ``openslo_write``)."""
        exported = self.export(objects)
        if not exported.left_out:
            return exported.text
        lines = [f"# - {problem}\n" for problem in exported.left_out]
        return "# Left out, for OpenSLO cannot express it:\n" + "".join(lines) + exported.text

    def export(self, objects: Sequence[CatalogueObject]) -> Exported:
        """The OpenSLO text, and each thing left out as a Problem (for warnings)."""
        return dump_openslo(objects)


def read_files(paths: Sequence[str], report: Report) -> list[SourceDocument]:
    """The documents of every file; files that cannot be parsed add their problems to ``report``,
    so that one import lists the problems of all its files."""
    documents: list[SourceDocument] = []
    for path in expand_paths(paths):
        documents.extend(read_text_documents(None, str(path), report))
    return documents


def read_text_documents(text: str | None, source: str, report: Report) -> list[SourceDocument]:
    """The documents of ``text`` (of the file ``source`` when ``text`` is ``None``)."""
    try:
        return parse_documents(read_text(Path(source)) if text is None else text, source)
    except SpecError as exc:
        report.errors.extend(exc.problems)
        return []


def read_document(doc: SourceDocument, found: Found, report: Report) -> None:
    """One document into ``found``; problems into ``report``."""
    root = Node(doc, (), doc.data, report)
    if not root.is_map:
        root.error("expected an OpenSLO document (apiVersion, kind, metadata, spec)")
        return
    api = root.text("apiVersion", required=True)
    if api is None:
        return
    if api not in (V1, V1ALPHA):
        hint = "; slmo's own documents are read by `slmo apply`" if api.startswith("slmo/") else ""
        root.error(f"unsupported apiVersion {api}; slmo reads {V1} and {V1ALPHA}{hint}", "apiVersion")
        return
    kind = root.text("kind", required=True)
    kinds = V1_KINDS if api == V1 else V1ALPHA_KINDS
    if kind is not None and kind not in kinds:
        root.error(f"'{kind}' is not a kind of {api}; expected one of {', '.join(kinds)}", "kind")
        return
    # An SLO's name names objectives only, which may hold '/' (``slo/objective``) and spaces.
    meta = read_metadata(root, rule=OBJECTIVE_NAME_RE if kind == "SLO" else NAME_RE)
    spec = root.map("spec", required=True)
    root.finish()
    if kind is None or meta is None or spec is None:
        return
    obj: CatalogueObject | None = None
    if kind == "Service":
        obj = read_service(meta, spec)
    elif kind == "DataSource":
        obj = read_data_source(meta, spec)
    elif kind == "SLI":
        obj = read_indicator(meta, spec, None)
    elif kind == "AlertCondition":
        obj = read_alert_condition(meta, spec)
    elif kind == "AlertNotificationTarget":
        obj = read_notification_target(meta, spec)
    elif kind == "AlertPolicy":
        obj = read_alert_policy(meta, spec, found)
    elif api == V1:
        read_slo_v1(meta, spec, found)
    else:
        read_slo_v1alpha(meta, spec, found)
    spec.finish()
    if obj is not None:
        found.add(obj, root.location)


def assemble(found: Found, report: Report) -> list[LoadedObject]:
    """The objects found, one per kind and name, and the agreements their objectives make, in
    the order they can be applied (KIND_ORDER). A name defined twice alike counts once; defined
    twice differently, the later definition wins and the earlier is reported as left out."""
    kept: dict[tuple[str, str], LoadedObject] = {}
    for loaded in found.objects:
        _keep(kept, (kind_of(loaded.obj), loaded.obj.name), loaded, report)
    services = {name: lo.obj for (kind, name), lo in kept.items() if kind == "Service"}
    by_service: dict[str, dict[str, tuple[Objective, Location]]] = {}
    for service, objective, location in found.objectives:
        objectives = by_service.setdefault(service, {})
        earlier = objectives.get(objective.name)
        if earlier is not None and earlier[0] != objective:
            report.note(
                earlier[1],
                "",
                f"objective {objective.name} of service {service} is defined again at {location}; "
                "this definition is left out",
                REPLACED,
            )
        objectives[objective.name] = (objective, location)
    for service, objectives in by_service.items():
        defined = services.get(service)
        display = defined.display_name if isinstance(defined, Service) else LocalizedText(en=service)
        agreement = service_agreement(service, display, [o for o, _ in objectives.values()])
        places = tuple(location for _, location in objectives.values())
        loaded = LoadedObject(agreement, places[0], functools.partial(_objective_location, places))
        _keep(kept, ("Agreement", service), loaded, report)
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    return sorted(kept.values(), key=lambda lo: order[kind_of(lo.obj)])


_OBJECTIVE_FIELD = re.compile(r"^versions\[0\]\.objectives\[(\d+)\]")


def _objective_location(places: tuple[Location, ...], spec_field: str) -> Location:
    """Where a field of an agreement read from SLOs is written: in the SLO of its objective."""
    match = _OBJECTIVE_FIELD.match(spec_field)
    index = int(match.group(1)) if match else 0
    return places[index] if index < len(places) else places[0]


def _keep(
    kept: dict[tuple[str, str], LoadedObject], key: tuple[str, str], loaded: LoadedObject, report: Report
) -> None:
    earlier = kept.get(key)
    if earlier is not None and earlier.obj != loaded.obj:
        report.note(
            earlier.location,
            "",
            f"{key[0]} {key[1]} is defined again at {loaded.location}; this definition is left out",
            REPLACED,
        )
    if earlier is None or earlier.obj != loaded.obj:
        # dict order is first insertion, so a redefinition keeps the first one's place.
        kept[key] = loaded
