"""The rows of the status board as the pages show them (the overview, a service's page, an
agreement's page): each objective's newest stored evaluation, from the same source as
``GET /api/v1/status`` (``Access.current_status``), never an evaluation of everything.

A row is formatted and rendered to HTML (``_status_row.html``) once per board row and language,
and kept by the row's stamp (unique to one record in the process), as the API keeps each
row's JSON: when the scheduler stores a new evaluation of one objective, one row is rendered
again, not a thousand, and a page of a thousand rows is mostly one join of kept strings. The
names shown (display names of agreements, objectives and services) are read again only when
the catalogue changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import jinja2
from fastapi import Request
from markupsafe import Markup

from slmo.core.model import Agreement, Service
from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation
from slmo.i18n import gettext
from slmo.services.access import CurrentStatus
from slmo.services.catalogue import CatalogueService
from slmo.web.formats import DASH, Formats
from slmo.web.security import get_slmo

STATUSES = tuple(s.value for s in EvaluationStatus)
# Rows kept formatted, per language: more than the largest board, so that a new version
# formats only its new rows.
ROWS_KEPT = 20_000


@dataclass(frozen=True)
class StatusRow:
    """One objective on the board, formatted for one language."""

    stamp: int
    agreement: str
    agreement_title: str
    objective: str
    objective_title: str
    service: str | None
    service_title: str
    status: str
    status_label: str
    attainment: str
    target: str
    budget_left: str
    fastest_burn: str
    # Where the window will end, the chance of breach, and the 80 % interval for the tooltip;
    # risk is "high" at even odds or worse, "some" from one in five (for the cell's colour).
    forecast: str
    breach_chance: str
    forecast_interval: str
    forecast_risk: str
    at: str
    reason: str | None
    # Lower-cased names and display names in both languages, for the search box.
    haystack: str

    @property
    def key(self) -> str:
        return f"{self.agreement}/{self.objective}"

    @property
    def agreement_path(self) -> str:
        return "/agreements/" + quote(self.agreement, safe="")

    @property
    def objective_path(self) -> str:
        return f"{self.agreement_path}/objectives/{quote(self.objective, safe='')}"

    @property
    def service_path(self) -> str | None:
        return None if self.service is None else "/services/" + quote(self.service, safe="")


@dataclass(frozen=True)
class Filters:
    """What the overview's form asks for (query parameters, so it works without scripts)."""

    q: str = ""
    status: str = ""
    service: str = ""
    agreement: str = ""

    @classmethod
    def of(cls, params: dict[str, str]) -> Filters:
        status = params.get("status", "")
        return cls(
            q=params.get("q", "").strip()[:200],
            status=status if status in STATUSES else "",
            service=params.get("service", "")[:255],
            agreement=params.get("agreement", "")[:255],
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.service or self.agreement)

    def keep(self, row: StatusRow) -> bool:
        if self.status and row.status != self.status:
            return False
        if self.service and row.service != self.service:
            return False
        if self.agreement and row.agreement != self.agreement:
            return False
        return not self.q or all(word in row.haystack for word in self.q.lower().split())


@dataclass(frozen=True)
class Names:
    """Display names of the objects the board names, both languages."""

    agreements: dict[str, Agreement]
    objectives: dict[tuple[str, str], tuple[str, str]]
    services: dict[str, Service]

    @classmethod
    def of(cls, agreements: Iterable[Agreement], services: Iterable[Service]) -> Names:
        objectives: dict[tuple[str, str], tuple[str, str]] = {}
        found = {a.name: a for a in agreements}
        for agreement in found.values():
            # Every version's objectives, the newest last, then the version in force over them.
            versions = sorted(agreement.versions, key=lambda v: v.number)
            active = agreement.active_version()
            for version in [*versions, *([active] if active else [])]:
                for objective in version.objectives:
                    title = objective.display_name
                    objectives[(agreement.name, objective.name)] = (
                        (title.en, title.ar or title.en) if title else (objective.name, objective.name)
                    )
        return cls(found, objectives, {s.name: s for s in services})

    def agreement(self, name: str, lang: str) -> str:
        found = self.agreements.get(name)
        return found.display_name.get(lang) if found else name

    def objective(self, agreement: str, name: str, lang: str) -> str:
        both = self.objectives.get((agreement, name))
        return name if both is None else both[1 if lang == "ar" else 0]

    def service(self, name: str | None, lang: str) -> str:
        if name is None:
            return ""
        found = self.services.get(name)
        return found.display_name.get(lang) if found else name

    def haystack(self, record: ObjectiveEvaluation) -> str:
        words = [record.agreement, record.evaluation.objective, record.service or "", record.indicator]
        for lang in ("en", "ar"):
            words += [
                self.agreement(record.agreement, lang),
                self.objective(record.agreement, record.evaluation.objective, lang),
                self.service(record.service, lang),
            ]
        return " ".join(words).lower()


def fastest(record: ObjectiveEvaluation) -> tuple[str, float] | None:
    rates = [(label, rate) for label, rate in record.evaluation.burn_rates.items() if rate is not None]
    return max(rates, key=lambda pair: pair[1], default=None)


def _forecast_cells(record: ObjectiveEvaluation, f: Formats, lang: str) -> dict[str, str]:
    forecast = record.forecast
    if forecast is None or forecast.expected is None or forecast.breach_probability is None:
        return {"forecast": DASH, "breach_chance": "", "forecast_interval": "", "forecast_risk": ""}
    chance = forecast.breach_probability
    interval = forecast.interval_80
    return {
        "forecast": f.percent(forecast.expected, 3),
        "breach_chance": gettext("web.breach_chance", lang, chance=f.percent(chance, 0)),
        "forecast_interval": ""
        if interval is None
        else gettext(
            "web.forecast_interval",
            lang,
            low=f.percent(interval.low, 3),
            high=f.percent(interval.high, 3),
            end=f.when(forecast.window_end),
        ),
        "forecast_risk": "high" if chance >= 0.5 else "some" if chance >= 0.2 else "low",
    }


def status_row(stamp: int, record: ObjectiveEvaluation, names: Names, lang: str) -> StatusRow:
    e = record.evaluation
    f = Formats(lang)
    quickest = fastest(record)
    return StatusRow(
        stamp=stamp,
        agreement=record.agreement,
        agreement_title=names.agreement(record.agreement, lang),
        objective=e.objective,
        objective_title=names.objective(record.agreement, e.objective, lang),
        service=record.service,
        service_title=names.service(record.service, lang),
        status=e.status.value,
        status_label=gettext(f"status.{e.status.value}", lang),
        attainment=f.percent(e.attainment, 3),
        target=f.percent(e.target),
        budget_left=DASH if e.status is EvaluationStatus.NO_DATA else f.percent(e.budget_left, 1),
        fastest_burn=DASH if quickest is None else f"{f.rate(quickest[1])} ({f.digits(quickest[0])})",
        **_forecast_cells(record, f, lang),
        at=f.when(e.at),
        reason=record.reason,
        haystack=names.haystack(record),
    )


class StatusRows:
    """Formatted board rows, kept by stamp and language; names by board version. Thread-safe."""

    def __init__(self, catalogue: CatalogueService, kept: int = ROWS_KEPT) -> None:
        self._catalogue = catalogue
        self._kept = kept
        self._lock = threading.Lock()
        self._rows: dict[tuple[int, str], StatusRow] = {}
        self._html: dict[tuple[int, str, str], Markup] = {}
        self._version: int | None = None
        self._mark: tuple[int | None, int] | None = None
        self._names: tuple[tuple[int | None, int] | None, Names] | None = None

    def _names_for(self, current: CurrentStatus) -> Names:
        if current.version != self._version:
            # A new board: let go of the rows of records it no longer holds.
            self._version = current.version
            self._rows = {k: r for k, r in self._rows.items() if k[0] in current.stamps}
            self._html = {k: h for k, h in self._html.items() if k[0] in current.stamps}
            # Every change of the catalogue is audited: the names are read again only when the
            # newest audit entry moved (one indexed look-up), not at each new evaluation.
            newest = self._catalogue.audit(limit=1)
            self._mark = (newest[-1].id if newest else None, len(current.standing.agreements))
        held = self._names
        if held is not None and held[0] == self._mark:
            return held[1]
        services = [s for s in self._catalogue.get("Service") if isinstance(s, Service)]
        names = Names.of(current.standing.agreements, services)
        self._names = (self._mark, names)
        # The rows kept show the old names.
        self._rows.clear()
        self._html.clear()
        return names

    def rows(self, current: CurrentStatus, lang: str) -> list[StatusRow]:
        """The rows this principal may see (``current`` is already behind its walls)."""
        board = current.rows()
        with self._lock:
            names = self._names_for(current)
            found: list[StatusRow] = []
            for row in board:
                key = (row.stamp, lang)
                made = self._rows.get(key)
                if made is None:
                    made = self._rows[key] = status_row(row.stamp, row.record, names, lang)
                found.append(made)
            if len(self._rows) > self._kept:
                self._rows.clear()
                self._html.clear()
            return found

    def html(self, rows: Sequence[StatusRow], lang: str, root: str, templates: jinja2.Environment) -> Markup:
        """The rows as table rows (``<tr>``), each rendered once and kept."""
        macro = templates.get_template("_status_row.html").module.status_row  # type: ignore[attr-defined]
        parts = []
        with self._lock:
            for row in rows:
                key = (row.stamp, lang, root)
                made = self._html.get(key)
                if made is None:
                    made = self._html[key] = Markup(macro(row, root))
                parts.append(made)
        return Markup("\n").join(parts)

    def names(self, current: CurrentStatus) -> Names:
        with self._lock:
            return self._names_for(current)


def counts(rows: Sequence[StatusRow]) -> dict[str, int]:
    """How many rows of each status, in the order of ``STATUSES``."""
    found = dict.fromkeys(STATUSES, 0)
    for row in rows:
        found[row.status] += 1
    return found


_LOCK = threading.Lock()


def status_rows(request: Request) -> StatusRows:
    """The app's formatted board rows (one per app, made on first use)."""
    state = request.app.state
    with _LOCK:
        found = getattr(state, "status_rows", None)
        if not isinstance(found, StatusRows):
            found = state.status_rows = StatusRows(get_slmo(request).catalogue)
        return found
