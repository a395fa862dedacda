"""``slmo export prometheus-rules``: slmo's objectives and alert policies as a Prometheus rule
file, in the shape Sloth (``github.com/slok/sloth``) generates, so that dashboards and alert
routes built for Sloth work with it.

For every objective in force whose indicator is a ratio of PromQL queries (bad or good over
total, or a raw ratio), three groups:

- ``slo:sli_error:ratio_rate<w>``: the error ratio over each window the objective's alert
  rules read (and 5m, for the current burn rate), the queries taken over the window
  (``promql.over_window``); and over the objective's window as Sloth writes it: the mean of
  the 5-minute ratios (``sum_over_time / count_over_time``), which weighs every 5 minutes
  alike where slmo's own attainment weighs every event alike;
- Sloth's meta rules: ``slo:objective:ratio``, ``slo:error_budget:ratio``,
  ``slo:time_period:days``, ``slo:current_burn_rate:ratio``, ``slo:period_burn_rate:ratio``,
  ``slo:period_error_budget_remaining:ratio`` and ``sloth_slo_info``;
- one alert per tier of the objective's rules (``alert_catalogue.objective_rules``): a
  multiwindow condition fires when the error ratio exceeds ``factor x (1 - target)`` over its
  short window and over its long one, the factor scaled to the objective's window
  (``scaled_factor``), as ``(short > (F * E) and long > (F * E)) or (...)``; labels
  ``severity`` and ``sloth_severity`` are the tier's name.

Every series carries ``sloth_id`` (``agreement/objective``), ``sloth_service`` (the
indicator's service, else the agreement), ``sloth_slo`` (the objective) and the objective's
labels. Objectives that PromQL cannot express from slmo's catalogue (threshold,
availability and ticket indicators, pushed measurements, Sloth plugins, time-slice
budgeting) are skipped with the reason; what the rules approximate (calendar windows as
rolling ones, service hours) is noted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slmo.core.engine.alert_catalogue import objective_policies, objective_rules
from slmo.core.engine.alert_policy import scaled_factor
from slmo.core.model import AlertCondition, AlertPolicy, DataSource, IndicatorKind, MetricQuery
from slmo.core.model.alerting import AlertRules, BurnCondition
from slmo.core.model.objective import BudgetingMethod, Window, WindowUnit
from slmo.core.ports import Clock, UnitOfWorkFactory
from slmo.errors import Problem
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.promql import duration, is_metric_name, label_name, over_window, selector

logger = logging.getLogger(__name__)

# Query types (of the query, or of the DataSource it names) that speak PromQL.
PROMQL_TYPES = frozenset({"prometheus", "thanos", "mimir", "cortex", "victoriametrics"})
# The window of Sloth's current burn rate (slo:current_burn_rate:ratio).
CURRENT_WINDOW = 300
# A calendar window has no fixed length; its rules take it as a rolling window this long.
NOMINAL_SECONDS = {WindowUnit.MONTH: 30 * 86400, WindowUnit.QUARTER: 90 * 86400, WindowUnit.YEAR: 365 * 86400}
DEFAULT_ALERT = "SlmoErrorBudgetBurn"
SLI_RECORD = "slo:sli_error:ratio_rate{window}"
NOT_PROMQL = "its queries are not PromQL (measurements pushed, or a plugin); left out"

Rule = dict[str, Any]
Annotate = Callable[[str], Mapping[str, str]]
# Lays out the rule file (``render.prometheus_rules.rule_file_text``, wired by bootstrap).
RuleWriter = Callable[[Mapping[str, Any]], str]


def english_annotations(tier: str) -> Mapping[str, str]:
    """Sloth's annotations, with Alertmanager's templates for the service and objective."""
    who = "{{$labels.sloth_service}} {{$labels.sloth_slo}}"
    return {
        "title": f"({tier}) {who} SLO error budget burn rate is too fast.",
        "summary": f"{who} SLO error budget burn rate is over expected.",
    }


@dataclass(frozen=True)
class RuleFile:
    """The rule file as plain values (``{"groups": [...]}``) and as text, the objectives
    written, and what was skipped or approximated, as problems to show (``export.*`` keys)."""

    document: dict[str, Any]
    text: str
    written: tuple[str, ...]
    skipped: tuple[Problem, ...]
    notes: tuple[Problem, ...]


def _number(value: float) -> str:
    text = repr(float(value))
    return text.removesuffix(".0")


def _allowance(target: float) -> str:
    """``1 - target`` in decimal, as slmo's budgets take it (0.001 for 99.9 %)."""
    return _number(float(1 - Decimal(repr(float(target)))))


def window_seconds(window: Window) -> int:
    """The objective window's length, a calendar window's nominal one (a month is 30 days)."""
    fixed = window.fixed_seconds
    return fixed if fixed is not None else NOMINAL_SECONDS[window.unit] * window.length


def _skip(target: Target, key: str, message: str, **args: object) -> Problem:
    return Problem(None, target.key, message, key=f"export.{key}", args={"objective": target.key, **args})


class PrometheusRulesService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock, write: RuleWriter) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self._write = write

    def rule_file(self, objective: str | None = None, *, annotate: Annotate = english_annotations) -> RuleFile:
        """Rules for every objective in force (or the one named, ``agreement/objective`` or a
        bare name); ``annotate`` gives each tier's alert annotations."""
        now = self._clock.now()
        with self._uow() as uow:
            targets = self._evaluation.targets(uow, now, objective)
            sources = {o.name: o for o in uow.catalogue.list("DataSource") if isinstance(o, DataSource)}
            policies = {o.name: o for o in uow.catalogue.list("AlertPolicy") if isinstance(o, AlertPolicy)}
            conditions = {o.name: o for o in uow.catalogue.list("AlertCondition") if isinstance(o, AlertCondition)}
        groups: list[Rule] = []
        written: list[str] = []
        skipped: list[Problem] = []
        notes: list[Problem] = []
        for target in targets:
            sli = _sli(target, sources)
            if isinstance(sli, Problem):
                skipped.append(sli)
                continue
            try:
                rules: AlertRules | None = objective_rules(target.objective, policies, conditions)
            except ValueError as error:
                rules = None
                notes.append(_skip(target, "no_alerts", f"alerts left out: {error}", reason=str(error)))
            notes += _approximations(target, rules)
            made = _Objective(target, sli, rules, objective_policies(target.objective, policies), annotate)
            groups += made.groups()
            written.append(target.key)
        logger.info("prometheus rules for %d objectives, %d skipped", len(written), len(skipped))
        document = {"groups": groups}
        return RuleFile(document, self._write(document), tuple(written), tuple(skipped), tuple(notes))


@dataclass(frozen=True)
class _Sli:
    """The error ratio of an indicator over a window, as PromQL."""

    bad: str | None
    good: str | None
    total: str | None
    raw: str | None
    raw_is_failure: bool
    counter: bool
    resolution: str

    def over(self, window: str) -> str:
        def w(query: str) -> str:
            return over_window(query, window, counter=self.counter, resolution=self.resolution)

        if self.raw is not None:
            return f"({w(self.raw)})\n" if self.raw_is_failure else f"1 - ({w(self.raw)})\n"
        assert self.total is not None
        if self.bad is not None:
            return f"({w(self.bad)})\n/\n({w(self.total)})\n"
        assert self.good is not None
        return f"1 - (\n  ({w(self.good)})\n  /\n  ({w(self.total)})\n)\n"


def _promql(query: MetricQuery | None, sources: Mapping[str, DataSource]) -> str | None:
    if query is None:
        return None
    kind = query.type
    if kind is None and query.source is not None and query.source in sources:
        kind = sources[query.source].type
    text = query.spec.get("query", query.spec.get("promql"))
    if kind is None or kind.lower() not in PROMQL_TYPES or not isinstance(text, str) or not text.strip():
        return None
    return text


def _sli(target: Target, sources: Mapping[str, DataSource]) -> _Sli | Problem:
    indicator = target.indicator
    if indicator.kind is not IndicatorKind.RATIO:
        return _skip(
            target,
            "not_ratio",
            f"the indicator is of kind {indicator.kind.value}, which has no PromQL in slmo's catalogue; left out",
            kind=indicator.kind.value,
        )
    if target.objective.budgeting is not BudgetingMethod.OCCURRENCES:
        method = target.objective.budgeting.value
        return _skip(target, "timeslices", f"budgeted by {method}; the rules count events; left out", method=method)
    ratio = indicator.ratio
    if ratio is None:
        return _skip(target, "not_promql", NOT_PROMQL)
    resolution = duration(indicator.bucket_seconds)
    counter = bool(ratio.counter)
    if ratio.raw is not None:
        raw = _promql(ratio.raw, sources)
        if raw is not None:
            return _Sli(None, None, None, raw, ratio.raw_type != "success", counter, resolution)
    else:
        total, bad, good = (_promql(q, sources) for q in (ratio.total, ratio.bad, ratio.good))
        if total is not None and (bad is not None or good is not None):
            return _Sli(bad, good if bad is None else None, total, None, True, counter, resolution)
    return _skip(target, "not_promql", NOT_PROMQL)


def _approximations(target: Target, rules: AlertRules | None) -> list[Problem]:
    found: list[Problem] = []
    window = target.objective.window
    if window.fixed_seconds is None:
        days = window_seconds(window) // 86400
        found.append(
            _skip(
                target,
                "calendar_window",
                f"the calendar window {window} is written as a rolling {days}d window",
                window=str(window),
                days=days,
            )
        )
    if target.calendar is not None and not target.calendar.always_open:
        found.append(
            _skip(
                target,
                "service_hours",
                f"service hours of calendar {target.calendar.name} are not in the rules; they count every hour",
                calendar=target.calendar.name,
            )
        )
    if rules is not None and (rules.budget_thresholds or rules.at_risk or rules.no_data):
        found.append(_skip(target, "other_signals", "only burn-rate conditions are written as alerts"))
    return found


@dataclass(frozen=True)
class _Objective:
    target: Target
    sli: _Sli
    rules: AlertRules | None
    policies: Sequence[AlertPolicy]
    annotate: Annotate

    @property
    def ids(self) -> dict[str, str]:
        t = self.target
        return {
            "sloth_id": t.key,
            "sloth_service": t.indicator.service or t.agreement.name,
            "sloth_slo": t.objective.name,
        }

    @property
    def labels(self) -> dict[str, str]:
        """The objective's labels as Prometheus labels, then the ids (which win)."""
        made: dict[str, str] = {}
        for key, value in self.target.objective.labels.items():
            name = label_name(str(key))
            if name is not None:
                made[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return made | self.ids

    @property
    def period(self) -> int:
        return window_seconds(self.target.objective.window)

    def windows(self) -> list[int]:
        seconds = {CURRENT_WINDOW}
        for tier in self.rules.tiers if self.rules is not None else ():
            for c in tier.conditions:
                seconds.add(c.long_seconds)
                if c.short_seconds is not None:
                    seconds.add(c.short_seconds)
        return sorted(seconds)

    def groups(self) -> list[Rule]:
        key = self.target.key.replace("/", "-")
        found = [
            {"name": f"slmo-slo-sli-recordings-{key}", "rules": self.recordings()},
            {"name": f"slmo-slo-meta-recordings-{key}", "rules": self.meta()},
        ]
        alerts = self.alerts()
        if alerts:
            found.append({"name": f"slmo-slo-alerts-{key}", "rules": alerts})
        return found

    def sli_rule(self, window: str, expr: str) -> Rule:
        return {
            "record": SLI_RECORD.format(window=window),
            "expr": expr,
            "labels": self.labels | {"sloth_window": window},
        }

    def recordings(self) -> list[Rule]:
        rules = [self.sli_rule(duration(s), self.sli.over(duration(s))) for s in self.windows()]
        period = duration(self.period)
        five = SLI_RECORD.format(window=duration(CURRENT_WINDOW)) + selector(self.ids)
        mean = f"sum_over_time({five}[{period}])\n/ ignoring (sloth_window)\ncount_over_time({five}[{period}])\n"
        if period not in {duration(s) for s in self.windows()}:
            rules.append(self.sli_rule(period, mean))
        return rules

    def meta(self) -> list[Rule]:
        o = self.target.objective
        ids, labels = selector(self.ids), self.labels
        join = "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
        budget = f"slo:error_budget:ratio{ids}"
        period = SLI_RECORD.format(window=duration(self.period))
        current = SLI_RECORD.format(window=duration(CURRENT_WINDOW))
        days = self.period / 86400
        info = labels | {
            "sloth_mode": "slmo-export",
            "sloth_objective": _number(float(Decimal(repr(o.target)) * 100)),
            "sloth_spec": "slmo/v1",
        }
        return [
            {"record": "slo:objective:ratio", "expr": f"vector({_number(o.target)})", "labels": labels},
            {"record": "slo:error_budget:ratio", "expr": f"vector({_allowance(o.target)})", "labels": labels},
            {"record": "slo:time_period:days", "expr": f"vector({_number(days)})", "labels": labels},
            {"record": "slo:current_burn_rate:ratio", "expr": f"{current}{ids}\n{join}{budget}\n", "labels": labels},
            {"record": "slo:period_burn_rate:ratio", "expr": f"{period}{ids}\n{join}{budget}\n", "labels": labels},
            {
                "record": "slo:period_error_budget_remaining:ratio",
                "expr": f"1 - slo:period_burn_rate:ratio{ids}",
                "labels": labels,
            },
            {"record": "sloth_slo_info", "expr": "vector(1)", "labels": info},
        ]

    def alert_name(self) -> str:
        for policy in self.policies:
            if policy.display_name is not None and is_metric_name(policy.display_name.en):
                return policy.display_name.en
        return DEFAULT_ALERT

    def condition(self, c: BurnCondition) -> str:
        factor = _number(float(scaled_factor(c, self.period)))
        threshold = f"({factor} * {_allowance(self.target.objective.target)})"
        ids = selector(self.ids)
        terms = [
            f"max({SLI_RECORD.format(window=duration(s))}{ids} > {threshold}) without (sloth_window)"
            for s in (c.short_seconds, c.long_seconds)
            if s is not None
        ]
        return "(\n    " + "\n    and\n    ".join(terms) + "\n)"

    def alerts(self) -> list[Rule]:
        if self.rules is None:
            return []
        labels: dict[str, str] = {}
        annotations: dict[str, str] = {}
        for policy in self.policies:
            labels |= {n: str(v) for k, v in policy.labels.items() if (n := label_name(str(k))) is not None}
            annotations |= {k: str(v) for k, v in policy.annotations.items() if label_name(k) == k}
        found: list[Rule] = []
        for tier in self.rules.tiers:
            if not tier.conditions:
                continue
            expr = "\nor\n".join(self.condition(c) for c in tier.conditions) + "\n"
            found.append(
                {
                    "alert": self.alert_name(),
                    "expr": expr,
                    "labels": labels | {"severity": tier.name, "sloth_severity": tier.name},
                    "annotations": dict(self.annotate(tier.name)) | annotations,
                }
            )
        return found
