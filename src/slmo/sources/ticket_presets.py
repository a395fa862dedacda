"""How ticket exports name their columns: built-in presets and mapping files.

A mapping names, for each field slmo knows, the column that holds it; how its times are
written (``None``: ISO 8601; else a ``strptime`` format such as ``%d/%m/%Y %H:%M``); which
values mean "missing"; and, optionally, how source priorities translate (``1 - Critical`` to
``P1``): with such a table, a priority outside it is refused as unknown.

Presets:
- ``servicenow``: an incident export with one row per update, as the UCI "Incident management
  process enriched event log" has it (``number``, ``incident_state``, ``sys_mod_count``,
  ``sys_updated_at``, ``opened_at``, ``resolved_at``, ``closed_at``, ``priority`` such as
  ``3 - Moderate``), day-first times without seconds or zone, ``?`` for missing;
- ``jira``: a Jira Service Management CSV export (``Issue key``, ``Status``, ``Priority``,
  ``Created``, ``Resolved``, ``Updated``, ``Issue Type``, ``Component/s``; Jira's default
  date format ``05/Oct/26 9:15 AM`` without a zone). Such an export has one row per issue and
  no status history: its current status counts from ``Updated``, so pauses before that are
  unknown; for pauses, export the history (or the SLA fields) and use a mapping file;
- ``slmo``: slmo's own columns (``id,service,priority,category,opened,acknowledged,resolved,
  closed,status,at,sequence``), ISO 8601 times.

A mapping file is YAML with the same keys (see docs/tickets.md and docs/mappings/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FIELDS = (
    "id",
    "service",
    "priority",
    "category",
    "opened",
    "acknowledged",
    "resolved",
    "closed",
    "status",
    "at",
    "sequence",
)
TIME_FIELDS = ("opened", "acknowledged", "resolved", "closed", "at")


@dataclass(frozen=True)
class TicketMapping:
    name: str
    columns: Mapping[str, str]
    time_format: str | None = None
    missing: tuple[str, ...] = ("",)
    priorities: Mapping[str, str] = field(default_factory=dict)
    service: str | None = None

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    @classmethod
    def from_document(cls, data: Mapping[str, Any], name: str) -> TicketMapping:
        """A mapping file's content; ValueError says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("a ticket mapping is a YAML mapping with a columns: block")
        columns = data.get("columns")
        if not isinstance(columns, Mapping) or "id" not in columns or not ({"opened", "at"} & set(columns)):
            raise ValueError("columns: must name at least the id column and the opened or at column")
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"columns: unknown field {unknown[0]!r}; fields are {', '.join(FIELDS)}")
        missing = data.get("missing", [""])
        return cls(
            name=name,
            columns={str(k): str(v) for k, v in columns.items()},
            time_format=data.get("timeFormat"),
            missing=tuple(str(m) for m in (missing if isinstance(missing, list) else [missing])),
            priorities={str(k): str(v) for k, v in (data.get("priorities") or {}).items()},
            service=data.get("service"),
        )


SERVICENOW = TicketMapping(
    name="servicenow",
    columns={
        "id": "number",
        "status": "incident_state",
        "sequence": "sys_mod_count",
        "at": "sys_updated_at",
        "opened": "opened_at",
        "resolved": "resolved_at",
        "closed": "closed_at",
        "priority": "priority",
        "category": "category",
    },
    time_format="%d/%m/%Y %H:%M",
    missing=("?", ""),
    priorities={"1 - Critical": "P1", "2 - High": "P2", "3 - Moderate": "P3", "4 - Low": "P4"},
)

JIRA = TicketMapping(
    name="jira",
    columns={
        "id": "Issue key",
        "status": "Status",
        "priority": "Priority",
        "opened": "Created",
        "resolved": "Resolved",
        "at": "Updated",
        "category": "Issue Type",
        "service": "Component/s",
    },
    # Jira's default CSV date format, dd/MMM/yy h:mm a ("05/Oct/26 9:15 AM"), in the
    # exporting user's zone: give --tz.
    time_format="%d/%b/%y %I:%M %p",
    missing=("",),
)

SLMO = TicketMapping(name="slmo", columns={f: f for f in FIELDS})

PRESETS: Mapping[str, TicketMapping] = {m.name: m for m in (SERVICENOW, JIRA, SLMO)}


def load_mapping(text: str, name: str) -> TicketMapping:
    """A mapping file's text (YAML); ValueError says what is wrong, naming the file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise ValueError(f"{name}: not YAML: {exc}") from None
    try:
        return TicketMapping.from_document(data, name)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
