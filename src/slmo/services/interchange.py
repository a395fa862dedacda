"""Importing from and exporting to other formats (OpenSLO, Sloth) through the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from slmo.core.model import LocalizedText, Service
from slmo.core.model.audit import Actor
from slmo.core.model.references import references_of
from slmo.core.ports import ForeignFormat, LoadedObject
from slmo.errors import ConfigurationError, Problem
from slmo.services.catalogue import CatalogueService, Change, ChangeAction


@dataclass(frozen=True)
class ImportResult:
    changes: list[Change]
    unrepresented: list[Problem]


class InterchangeService:
    def __init__(self, catalogue: CatalogueService, formats: Mapping[str, Callable[[], ForeignFormat]]) -> None:
        self._catalogue = catalogue
        self._formats = dict(formats)
        self._built: dict[str, ForeignFormat] = {}

    @property
    def format_names(self) -> list[str]:
        return sorted(self._formats)

    def _format(self, name: str) -> ForeignFormat:
        try:
            factory = self._formats[name]
        except KeyError:
            raise ConfigurationError(
                f"unknown format {name!r}; known: {', '.join(self.format_names)}",
                key="error.unknown_format",
                name=name,
                known=", ".join(self.format_names),
            ) from None
        if name not in self._built:
            self._built[name] = factory()
        return self._built[name]

    def import_paths(
        self, format_name: str, paths: Sequence[str], actor: Actor, *, dry_run: bool = False
    ) -> ImportResult:
        """Read foreign documents and apply what they hold, in one transaction."""
        imported = self._format(format_name).load_paths(paths)
        # Other tools know a service by name only; the catalogue's Service (owner, tier,
        # dependencies, Arabic names) is richer, so an existing one is never replaced.
        existing = {s.name for s in self._catalogue.get("Service")}
        objects = [
            item for item in imported.objects if not (isinstance(item.obj, Service) and item.obj.name in existing)
        ]
        kept = [
            Change("Service", item.obj.name, ChangeAction.UNCHANGED) for item in imported.objects if item not in objects
        ]
        notes = list(imported.unrepresented)
        objects += self._named_services(objects, existing, notes)
        changes = self._catalogue.apply(objects, actor, dry_run=dry_run)
        return ImportResult(kept + changes, notes)

    @staticmethod
    def _named_services(
        objects: Sequence[LoadedObject], existing: set[str], notes: list[Problem]
    ) -> list[LoadedObject]:
        """Services the documents name without defining (an OpenSLO SLO's ``service``), created
        bare so that the import stands on its own; each is noted."""
        defined = existing | {item.obj.name for item in objects if isinstance(item.obj, Service)}
        created: dict[str, LoadedObject] = {}
        for item in objects:
            for ref in references_of(item.obj):
                if ref.target_kind != "Service" or ref.target in defined or ref.target in created:
                    continue
                where = item.location_of(ref.field)
                created[ref.target] = LoadedObject(
                    Service(name=ref.target, display_name=LocalizedText(en=ref.target)), where
                )
                notes.append(
                    Problem(
                        where,
                        f"spec.{ref.field}",
                        f"Service {ref.target!r} is named but not defined; created with its name only",
                        key="import.assumed",
                        args={"name": ref.target},
                    )
                )
        return list(created.values())

    def export(self, format_name: str) -> str:
        return self._format(format_name).dump(self._catalogue.get())
