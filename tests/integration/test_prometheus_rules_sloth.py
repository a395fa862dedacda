"""`slmo export prometheus-rules` against the rules Sloth generated for its own examples
(../shared/corpus/sloth/examples/_gen): each example spec is imported as `slmo import sloth`
imports it, exported, and both YAML files are parsed. For every SLO whose alerts Sloth wrote,
slmo's alerts have the same severities, the same (long, short) windows and the same
thresholds (factor x error budget, equal within 1e-9); the error-ratio recordings cover the
same windows with the same PromQL; every written file passes `promtool check rules`.

Known differences, asserted as such: an SLO with both alerts disabled, and Sloth's OpenSLO
examples, have no alert policy after the import, so slmo writes its default (the workbook's
page and ticket alerts) where Sloth writes none; SLIs computed by Sloth plugins are skipped
(slmo has no PromQL for them); a plugin chain that rewrites the SLI (the contrib
denominator correction) is not represented, so its SLI expressions differ.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from slmo.bootstrap import in_memory
from slmo.core.engine.burnrate import window_seconds
from slmo.core.model.audit import Actor
from slmo.services.prometheus_rules import RuleFile
from tests.conftest import EXAMPLES, SHARED, require

CORPUS = SHARED / "corpus" / "sloth" / "examples"
GENERATED = CORPUS / "_gen"
ACTOR = Actor(name="test", interface="test")
NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
TERM = re.compile(
    r"slo:sli_error:ratio_rate(?P<window>\w+)\{(?P<labels>[^}]*)\}\s*>\s*"
    r"\((?P<factor>[0-9.e+-]+)\s*\*\s*(?P<budget>[0-9.e+-]+)\)"
)
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
# The selector of an SLO's own series, whose ids differ (slmo's sloth_id is agreement/objective).
IDS = re.compile(r"\{sloth_id=[^}]*\}")
# (SLO, severity) -> {(long, short): (factor, threshold)}
Alerts = dict[tuple[str, str], dict[tuple[int, int], tuple[float, float]]]
DEFAULT_30D = {(3600, 300): 14.4, (21600, 1800): 6.0, (86400, 7200): 3.0, (259200, 21600): 1.0}
SLI_DIFFERS = {"contrib-denominator-corrected.yaml"}
# Its queries are MetricsQL (histogram_share), which VictoriaMetrics reads and promtool does not.
METRICSQL = {"victoria-metrics.yml"}


class FixedClock:
    def now(self) -> dt.datetime:
        return NOW


def _specs() -> list[str]:
    if not GENERATED.is_dir():
        return ["(corpus missing)"]
    return sorted(p.name for p in GENERATED.iterdir() if (CORPUS / p.name).is_file())


def _rules(document: Any) -> Iterator[dict[str, Any]]:
    """Every rule of a rule file (under groups, or spec.groups of a PrometheusRule)."""
    for doc in document if isinstance(document, list) else [document]:
        groups = doc.get("groups") or (doc.get("spec") or {}).get("groups") or []
        for group in groups:
            yield from group["rules"]


def _load(text: str) -> list[Any]:
    return [d for d in YAML(typ="safe").load_all(text) if d]


def alerts(documents: list[Any], slo_label: str) -> Alerts:
    """The alert conditions of a rule file by (SLO, severity): each ``(short > (F * E) and long
    > (F * E))`` group gives its windows and its threshold F x E."""
    found: Alerts = {}
    for rule in (r for d in documents for r in _rules(d)):
        if "alert" not in rule:
            continue
        terms = list(TERM.finditer(str(rule["expr"])))
        assert terms and len(terms) % 2 == 0, rule["expr"]
        for short, long in zip(terms[::2], terms[1::2], strict=True):
            slos = {dict(LABEL.findall(t.group("labels")))[slo_label] for t in (short, long)}
            ((slo,),) = (tuple(slos),)
            figures = {(float(t.group("factor")), float(t.group("budget"))) for t in (short, long)}
            assert len(figures) == 1, rule["expr"]
            ((factor, budget),) = figures
            windows = sorted(window_seconds(t.group("window")) for t in (short, long))
            conditions = found.setdefault((slo, rule["labels"]["sloth_severity"]), {})
            conditions[(windows[1], windows[0])] = (factor, factor * budget)
    return found


def sli_records(documents: list[Any], slo_label: str) -> dict[str, dict[str, str]]:
    """SLO -> window -> the error-ratio expression without white space, the SLO's own selector
    as ``{ids}``."""
    found: dict[str, dict[str, str]] = {}
    for rule in (r for d in documents for r in _rules(d)):
        if str(rule.get("record", "")).startswith("slo:sli_error:ratio_rate"):
            labels = rule["labels"]
            expr = IDS.sub("{ids}", "".join(str(rule["expr"]).split()))
            found.setdefault(labels[slo_label], {})[labels["sloth_window"]] = expr
    return found


def export(*paths: Path) -> RuleFile:
    with in_memory(clock=FixedClock()) as slmo:
        slmo.interchange.import_paths("sloth", [str(p) for p in paths], ACTOR)
        return slmo.prometheus_rules.rule_file()


def promtool_check(path: Path) -> None:
    promtool = shutil.which("promtool")
    require(promtool is not None, "promtool is not installed (Debian package prometheus)")
    assert promtool is not None
    checked = subprocess.run(
        [promtool, "check", "rules", str(path)], check=False, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("name", _specs())
def test_alerts_match_sloths_generated_rules(name: str, tmp_path: Path) -> None:
    require(GENERATED.is_dir(), f"{GENERATED} is missing")
    made = export(CORPUS / name)
    ours = alerts([made.document], "sloth_slo")
    sloth_documents = _load((GENERATED / name).read_text(encoding="utf-8"))
    theirs = alerts(sloth_documents, "sloth_id")
    written = {key.split("/", 1)[1] for key in made.written}
    skipped = {p.field.split("/", 1)[1]: p.key for p in made.skipped}
    assert set(skipped.values()) <= {"export.not_promql"}, made.skipped
    sloth_slos = set(sli_records(sloth_documents, "sloth_id"))
    rules = tmp_path / "rules.yml"
    rules.write_text(made.text, encoding="utf-8")
    if name not in METRICSQL:
        promtool_check(rules)
    if name.startswith("openslo-"):
        # Sloth names the SLOs of OpenSLO documents its own way, and writes no alerts for
        # them: slmo writes its default for each (compared below on the other specs).
        assert (len(written), skipped) == (len(sloth_slos), {})
        assert not theirs and {s for s, _ in ours} == written
        return
    assert written | set(skipped) == sloth_slos
    for slo in written:
        for severity in ("page", "ticket"):
            mine, sloths = ours.get((slo, severity)), theirs.get((slo, severity))
            if sloths is None:
                # No alerts from Sloth: no policy after the import, so slmo's default.
                assert not any(s == slo for s, _ in theirs)
                assert mine is not None and {w: f for w, (f, _) in mine.items()} == pytest.approx(
                    {w: f for w, f in DEFAULT_30D.items() if (w[0] <= 21600) == (severity == "page")}
                ), (slo, severity)
                continue
            assert mine is not None, (slo, severity)
            assert set(mine) == set(sloths), (slo, severity)
            for windows, (factor, threshold) in sloths.items():
                assert mine[windows][0] == factor, (slo, severity, windows)
                assert mine[windows][1] == pytest.approx(threshold, rel=1e-9, abs=0), (slo, severity, windows)
    ours_sli = sli_records([made.document], "sloth_slo")
    theirs_sli = sli_records(sloth_documents, "sloth_id")
    for slo in written:
        assert set(ours_sli[slo]) == set(theirs_sli[slo]), slo
        if name not in SLI_DIFFERS:
            assert ours_sli[slo] == theirs_sli[slo], slo


def test_the_comparison_covers_the_corpus() -> None:
    require(GENERATED.is_dir(), f"{GENERATED} is missing")
    compared = skipped = 0
    for name in _specs():
        made = export(CORPUS / name)
        theirs = alerts(_load((GENERATED / name).read_text(encoding="utf-8")), "sloth_id")
        compared += sum(len(c) for (slo, _), c in theirs.items() if any(k.endswith("/" + slo) for k in made.written))
        skipped += len(made.skipped)
    # 22 SLOs with alerts, four conditions each, less the 2 whose SLI is a Sloth plugin.
    assert (compared, skipped) == (4 * 20, 2)


def test_the_examples_catalogue_exports_rules_promtool_accepts(tmp_path: Path) -> None:
    with in_memory(clock=FixedClock()) as slmo:
        slmo.catalogue.apply(slmo.codec.load_paths([str(EXAMPLES)]), ACTOR)
        made = slmo.prometheus_rules.rule_file()
    assert made.written == ("eportal-sla/success-rate",)
    assert {p.key for p in made.skipped} == {"export.not_ratio"}
    rules = tmp_path / "rules.yml"
    rules.write_text(made.text, encoding="utf-8")
    promtool_check(rules)
