"""slmo's default alert policy against the Prometheus rules Sloth generated for its examples
(../shared/corpus/sloth/examples/_gen): for every SLO of every example spec, the same tiers,
the same long and short windows, the same burn-rate factors and the same thresholds on the
error ratio (``factor * (1 - objective)``), over the period Sloth used. Sloth's alert window
catalogues (``AlertWindows``) check the scaling to other periods.

The specs are read by slmo's Sloth import (``slmo import sloth``); the generated rules are
parsed here: each alert's ``expr`` is ``(short > (F * E) and long > (F * E)) or (...)`` over
``slo:sli_error:ratio_rate<window>``, its severity the ``sloth_severity`` label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from slmo.core import model as m
from slmo.core.engine.alert_policy import condition_from_budget, default_rules, scaled_factor
from slmo.core.engine.budget import allowance
from slmo.core.engine.burnrate import window_seconds
from slmo.spec.sloth import SlothFormat
from tests.conftest import SHARED, require

CORPUS = SHARED / "corpus" / "sloth"
EXAMPLES = CORPUS / "examples"
GENERATED = EXAMPLES / "_gen"
CATALOGUES = [
    "internal/alert/windows/google-28d.yaml",
    "internal/alert/windows/google-30d.yaml",
    "examples/windows/7d.yaml",
]
TERM = re.compile(
    r"slo:sli_error:ratio_rate(?P<window>\w+)\{(?P<labels>[^}]*)\}\s*>\s*\((?P<factor>[0-9.]+)\s*\*\s*(?P<budget>[0-9.e-]+)\)"
)
SLOTH_ID = re.compile(r'sloth_id="([^"]+)"')

Key = tuple[str, str, int, int]  # (SLO id, severity, long window, short window)


def _specs() -> list[str]:
    if not GENERATED.is_dir():
        return ["(corpus missing)"]
    return sorted(p.name for p in GENERATED.iterdir() if (EXAMPLES / p.name).is_file())


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a YAML tree (rules sit under groups, or spec.groups in a PrometheusRule)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _vector(expr: str) -> str:
    found = re.fullmatch(r"vector\(([0-9.]+)\)", expr.strip())
    assert found is not None, expr
    return found.group(1)


def _sloth_id(labels: str) -> str:
    found = SLOTH_ID.search(labels)
    assert found is not None, labels
    return found.group(1)


def sloth_rules(name: str) -> tuple[dict[Key, tuple[float, float]], dict[str, float], dict[str, int]]:
    """From a generated rule file: (factor, error budget) per alert condition, and per SLO its
    objective ratio and period in days (from the ``slo:objective:ratio`` and
    ``slo:time_period:days`` recording rules)."""
    conditions: dict[Key, tuple[float, float]] = {}
    objectives: dict[str, float] = {}
    periods: dict[str, int] = {}
    text = (GENERATED / name).read_text(encoding="utf-8")
    for document in YAML(typ="safe").load_all(text):
        for rule in _nodes(document):
            labels = rule.get("labels") or {}
            expr = str(rule.get("expr", ""))
            if rule.get("record") == "slo:objective:ratio":
                objectives[labels["sloth_id"]] = float(_vector(expr))
            elif rule.get("record") == "slo:time_period:days":
                periods[labels["sloth_id"]] = int(_vector(expr))
            elif "alert" in rule:
                terms = list(TERM.finditer(expr))
                assert terms and len(terms) % 2 == 0, expr
                for short, long in zip(terms[::2], terms[1::2], strict=True):
                    (slo,) = {_sloth_id(t.group("labels")) for t in (short, long)}
                    factors = {(t.group("factor"), t.group("budget")) for t in (short, long)}
                    assert len(factors) == 1, expr  # both windows compare with the same threshold
                    ((factor, budget),) = factors
                    seconds = sorted(window_seconds(t.group("window")) for t in (short, long))
                    key = (slo, labels["sloth_severity"], seconds[1], seconds[0])
                    conditions[key] = (float(factor), float(budget))
    return conditions, objectives, periods


def slmo_conditions(name: str) -> tuple[dict[Key, tuple[float, float]], dict[str, m.Objective]]:
    """slmo's default policy for each objective of the spec, with the tiers the spec enables:
    (factor scaled to the objective's window, threshold on the error ratio) per condition."""
    imported = SlothFormat().load_paths([str(EXAMPLES / name)])
    objects = [lo.obj for lo in imported.objects]
    policies = {o.name: o for o in objects if isinstance(o, m.AlertPolicy)}
    severities = {o.name: o.severity for o in objects if isinstance(o, m.AlertCondition)}
    objectives = {o.name: o for a in objects if isinstance(a, m.Agreement) for v in a.versions for o in v.objectives}
    rules = default_rules()
    found: dict[Key, tuple[float, float]] = {}
    for objective in objectives.values():
        enabled = {severities[c] for p in objective.alert_policies for c in policies[p].conditions}
        length = objective.window.fixed_seconds
        assert length is not None
        for tier in rules.tiers:
            if tier.name not in enabled:
                continue
            for c in tier.conditions:
                assert c.short_seconds is not None
                factor = float(scaled_factor(c, length))
                threshold = factor * float(allowance(objective.target))
                found[(objective.name, tier.name, c.long_seconds, c.short_seconds)] = (factor, threshold)
    return found, objectives


@pytest.mark.parametrize("name", _specs())
def test_default_policy_matches_sloths_generated_alerts(name: str) -> None:
    require(GENERATED.is_dir(), f"{GENERATED} is missing")
    theirs, sloth_objectives, periods = sloth_rules(name)
    ours, objectives = slmo_conditions(name)
    assert set(ours) == set(theirs)
    for key, (factor, threshold) in ours.items():
        sloth_factor, sloth_budget = theirs[key]
        assert factor == sloth_factor, key
        # Sloth's budget is 1 - objective / 100 in binary (0.0009999999999999432 for 99.9);
        # slmo takes 1 - target in decimal (0.001): equal to a few parts in 1e14.
        assert threshold == pytest.approx(sloth_factor * sloth_budget, rel=1e-12), key
    for slo, days in periods.items():
        if slo in objectives:
            assert objectives[slo].window.fixed_seconds == days * 86400
            assert objectives[slo].target == pytest.approx(sloth_objectives[slo], rel=1e-12)


def test_the_corpus_has_alerts_to_compare() -> None:
    require(GENERATED.is_dir(), f"{GENERATED} is missing")
    compared = [key for name in _specs() for key in sloth_rules(name)[0]]
    # 15 specs with alerts: 8 with one SLO and 7 with two, four conditions each; the two
    # OpenSLO examples and no-alerts.yml generate none.
    assert len(compared) == 4 * 22


def _catalogue(path: str) -> tuple[int, list[tuple[str, float, int, int]]]:
    spec = YAML(typ="safe").load((CORPUS / path).read_text(encoding="utf-8"))["spec"]
    period = window_seconds(spec["sloPeriod"])
    rows = []
    for severity in ("page", "ticket"):
        for speed in ("quick", "slow"):
            entry = spec[severity][speed]
            rows.append(
                (
                    severity,
                    float(entry["errorBudgetPercent"]),
                    window_seconds(entry["longWindow"]),
                    window_seconds(entry["shortWindow"]),
                )
            )
    return period, rows


@pytest.mark.parametrize("path", CATALOGUES)
def test_scaling_follows_sloths_alert_window_catalogues(path: str) -> None:
    """Sloth's getBurnRateFactor: errorBudgetPercent x period hours / 100 / long window hours.
    Its google-28d and google-30d catalogues are the workbook's percentages, which slmo's
    default scales to the same factors; 7d.yaml is a custom catalogue with other percentages,
    which ``condition_from_budget`` reads alike."""
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    period, rows = _catalogue(path)
    sloth = [percent * (period / 3600) / 100 / (long / 3600) for _, percent, long, _ in rows]
    read = [condition_from_budget(percent / 100, long, short) for _, percent, long, short in rows]
    assert [float(scaled_factor(c, period)) for c in read] == pytest.approx(sloth, rel=1e-12)
    if "google" in path:
        default = [(tier.name, c) for tier in default_rules().tiers for c in tier.conditions]
        assert [(n, c.long_seconds, c.short_seconds) for n, c in default] == [(s, lw, sw) for s, _, lw, sw in rows]
        assert [float(scaled_factor(c, period)) for _, c in default] == pytest.approx(sloth, rel=1e-12)


def test_twenty_eight_days_from_sloths_own_catalogue() -> None:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    period, _ = _catalogue("internal/alert/windows/google-28d.yaml")
    assert period == 28 * 86400
    factors = [float(scaled_factor(c, period)) for tier in default_rules().tiers for c in tier.conditions]
    assert factors == [13.44, 5.6, 2.8, 0.9333333333333333]


def test_paths_exist() -> None:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    assert all((CORPUS / p).is_file() for p in CATALOGUES)
    assert Path(GENERATED).is_dir()
