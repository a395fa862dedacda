"""The data of the pages' charts, from stored evaluations: embedded in the page as JSON (a
``<script type="application/json">`` block, which the content security policy allows since it
never runs) and drawn by ``static/slmo.js`` with uPlot (``static/vendor``), zoomable by
dragging across a chart.

A chart is times (epoch seconds, UTC) and one or more series of percentages over them; a
missing value (no data) is ``null``, which uPlot draws as a gap. Labels come translated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation
from slmo.i18n import gettext

# Stored evaluations a chart reads (the newest): the scheduler stores one a minute, so about
# three days of an objective at that pace, and every record of one evaluated less often.
HISTORY = 4000


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    # A reference line (a target) is drawn dashed.
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    times: list[int]
    series: list[Series] = field(default_factory=list)

    def data(self, lang: str) -> dict[str, Any]:
        """The JSON the page embeds for ``static/slmo.js``."""
        return {
            "lang": lang,
            "times": self.times,
            "series": [{"label": s.label, "values": s.values, "dashed": s.dashed} for s in self.series],
            "time_label": gettext("web.chart_time", lang),
        }


def _percent(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value * 100, 4)


def _at(record: ObjectiveEvaluation) -> int:
    return int(record.evaluation.at.timestamp())


def objective_charts(records: Sequence[ObjectiveEvaluation], lang: str) -> list[Chart]:
    """Attainment against target, and the share of the error budget left, over ``records``
    (oldest first)."""
    if not records:
        return []
    times = [_at(r) for r in records]
    attainment = [_percent(r.evaluation.attainment) for r in records]
    target = [_percent(r.evaluation.target) for r in records]
    budget = [
        None if r.evaluation.status is EvaluationStatus.NO_DATA else _percent(r.evaluation.budget_left) for r in records
    ]
    return [
        Chart(
            "attainment",
            gettext("web.chart_attainment", lang),
            times,
            [
                Series(gettext("column.attainment", lang), attainment),
                Series(gettext("column.objective_target", lang), target, dashed=True),
            ],
        ),
        Chart(
            "budget", gettext("web.chart_budget", lang), times, [Series(gettext("column.budget_left", lang), budget)]
        ),
    ]


def agreement_chart(
    histories: Mapping[str, Sequence[ObjectiveEvaluation]], titles: Mapping[str, str], lang: str
) -> Chart | None:
    """Each objective's attainment on one time axis (the union of their instants)."""
    times = sorted({_at(r) for records in histories.values() for r in records})
    if not times:
        return None
    position = {t: i for i, t in enumerate(times)}
    series = []
    for name, records in histories.items():
        values: list[float | None] = [None] * len(times)
        for r in records:
            values[position[_at(r)]] = _percent(r.evaluation.attainment)
        series.append(Series(titles.get(name, name), values))
    return Chart("agreement", gettext("web.chart_agreement", lang), times, series)
