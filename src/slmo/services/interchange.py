"""Importing from and exporting to other formats (OpenSLO, Sloth) through the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from slmo.core.model.audit import Actor
from slmo.core.ports import ForeignFormat
from slmo.errors import ConfigurationError, Problem
from slmo.services.catalogue import CatalogueService, Change


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
        changes = self._catalogue.apply(imported.objects, actor, dry_run=dry_run)
        return ImportResult(changes, imported.unrepresented)

    def export(self, format_name: str) -> str:
        return self._format(format_name).dump(self._catalogue.get())
