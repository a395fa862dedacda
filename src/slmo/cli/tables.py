"""How catalogue objects show as table rows, per kind, with translated headers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table

from slmo.core import model as m
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.procedure import Procedure
from slmo.i18n import gettext

Column = tuple[str, Callable[[CatalogueObject, str], str]]


def _display(obj: CatalogueObject, lang: str) -> str:
    text = obj.display_name
    return text.get(lang) if text is not None else ""


def _service(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, m.Service)
    return [
        obj.owner or "",
        "" if obj.tier is None else str(obj.tier),
        ", ".join(obj.depends_on_services + obj.depends_on_suppliers),
    ]


def _party(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, m.Party)
    return [gettext(f"party_type.{obj.type.value}", lang), str(len(obj.contacts))]


def _calendar(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, m.Calendar)
    hours = "24x7" if obj.always_open else f"{obj.weekly_minutes() / 60:g}"
    holidays = ", ".join(c.country for c in obj.holiday_countries)
    return [obj.time_zone, hours, holidays, str(len(obj.holiday_dates)), str(len(obj.exclusions))]


def _indicator(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, m.Indicator)
    return [
        obj.service or "",
        obj.kind.value,
        f"{obj.bucket_seconds // 60}m" if obj.bucket_seconds % 60 == 0 else f"{obj.bucket_seconds}s",
    ]


def _agreement(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, m.Agreement)
    active = obj.active_version()
    latest = obj.latest_version()
    shown = active or latest
    objectives = "" if shown is None else str(len(shown.objectives))
    version = "" if shown is None else f"v{shown.number} {gettext(f'state.{shown.state.value}', lang)}"
    parties = ", ".join(p.party for p in obj.parties)
    return [gettext(f"agreement_kind.{obj.kind.value}", lang), parties, ", ".join(obj.services), version, objectives]


def _procedure(obj: CatalogueObject, lang: str) -> list[str]:
    assert isinstance(obj, Procedure)
    return [
        gettext(f"procedure_kind.{obj.kind.value}", lang),
        obj.owner,
        ", ".join(obj.services),
        gettext("cli.every_months", lang, months=obj.review.months),
        "" if obj.next_review is None else obj.next_review.isoformat(),
    ]


def _generic(obj: CatalogueObject, lang: str) -> list[str]:
    if isinstance(obj, m.DataSource):
        return [obj.type]
    if isinstance(obj, m.AlertCondition):
        return [obj.severity, f"{obj.operator.value} {obj.threshold:g}"]
    if isinstance(obj, m.NotificationTarget):
        return [obj.target]
    if isinstance(obj, m.AlertPolicy):
        return [", ".join(obj.conditions), ", ".join(obj.notification_targets)]
    return []


HEADERS: dict[str, tuple[str, ...]] = {
    "Service": ("owner", "tier", "depends_on"),
    "Party": ("type", "contacts"),
    "Calendar": ("time_zone", "hours_per_week", "holiday_countries", "holiday_dates", "exclusions"),
    "Indicator": ("service", "kind", "bucket"),
    "Agreement": ("kind", "parties", "services", "version", "objectives"),
    "DataSource": ("type",),
    "AlertCondition": ("severity", "condition"),
    "NotificationTarget": ("target",),
    "AlertPolicy": ("conditions", "notification_targets"),
    "Procedure": ("kind", "owner", "services", "review", "next_review"),
}

ROWS: dict[str, Callable[[CatalogueObject, str], list[str]]] = {
    "Service": _service,
    "Party": _party,
    "Calendar": _calendar,
    "Indicator": _indicator,
    "Agreement": _agreement,
    "Procedure": _procedure,
}


def objects_table(kind: str, objects: Sequence[CatalogueObject], lang: str) -> Table:
    table = Table(title=gettext(f"kind.{kind}", lang), title_justify="left", header_style="bold")
    table.add_column(gettext("column.name", lang), no_wrap=True)
    table.add_column(gettext("column.display_name", lang))
    for header in HEADERS.get(kind, ()):
        table.add_column(gettext(f"column.{header}", lang))
    row_of = ROWS.get(kind, _generic)
    for obj in objects:
        table.add_row(obj.name, _display(obj, lang), *row_of(obj, lang))
    return table
