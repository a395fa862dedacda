"""The error-ratio rules of `slmo export prometheus-rules`, evaluated by a real Prometheus (the
Debian package, over TSDB blocks written by promtool), equal slmo's own burn rate times the
error budget for the same data.

Three days and two hours of request counters, one sample a minute on the minute, with a
varying trickle of errors and a burst; slmo is given the same counts per minute as events.
At the last sample both sides see the same minutes: Prometheus 2's ranges are closed, so
``rate(x[1h])`` at ``t`` is the increase from the sample at ``t - 1h`` to the one at ``t``,
and slmo's window holds the buckets that start in ``[t - 1h, t)``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from slmo.bootstrap import in_memory
from slmo.core.model.audit import Actor
from slmo.services.ingest import MeasurementKind
from tests.prometheus_server import prometheus

pytestmark = pytest.mark.xdist_group("prometheus")

T0 = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())
MINUTES = 3 * 1440 + 120
TOTAL = 600
AT = dt.datetime.fromtimestamp(T0 + 60 * MINUTES, dt.UTC)
ACTOR = Actor(name="test", interface="test")
BAD = 'sum(rate(http_requests_total{job="shop",code=~"5.."}[1m]))'
GOOD = 'sum(rate(http_requests_total{job="shop",code!~"5.."}[1m]))'
ALL = 'sum(rate(http_requests_total{job="shop"}[1m]))'
GOOD_COUNTER = 'sum(http_requests_total{job="shop",code!~"5.."})'
ALL_COUNTER = 'sum(http_requests_total{job="shop"})'


def errors() -> np.ndarray:
    minutes = np.arange(MINUTES)
    bad = (minutes * 7919) % 13  # a trickle, 0 to 12 a minute
    bad[MINUTES - 200 : MINUTES - 140] += 120  # a burst of an hour, ending 2 h 20 min before AT
    bad[MINUTES - 3 : MINUTES - 1] += 300  # and a short one just before AT
    return bad


def data() -> str:
    """OpenMetrics text with the counters written in full (``%g`` would round them to six
    digits, which the ratios would show)."""
    bad = errors()
    failed = np.concatenate([[0], np.cumsum(bad)])
    served = np.concatenate([[0], np.cumsum(TOTAL - bad)])
    lines = ["# TYPE http_requests counter"]
    for code, counts in (("200", served), ("500", failed)):
        lines += [
            f'http_requests_total{{job="shop",code="{code}"}} {int(v)} {T0 + 60 * k}' for k, v in enumerate(counts)
        ]
    return "\n".join([*lines, "# EOF"]) + "\n"


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with prometheus(tmp_path_factory.mktemp("prometheus"), data()) as url:
        yield url


class FixedClock:
    def now(self) -> dt.datetime:
        return AT


def catalogue(ratio: str) -> str:
    return f"""\
apiVersion: slmo/v1
kind: Party
metadata: {{name: ops}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: DataSource
metadata: {{name: prom}}
spec: {{type: Prometheus, connection: {{url: "http://127.0.0.1:1"}}}}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: shop}}
spec: {{owner: ops}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: shop-requests}}
spec:
  service: shop
  kind: ratio
  ratio:
{ratio}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: shop-ola}}
spec:
  type: ola
  parties: [{{party: ops, role: provider}}]
  services: [shop]
  versions:
    - version: 1
      state: active
      objectives:
        - {{name: success, indicator: shop-requests, target: 0.999, window: {{rolling: 28d}}}}
"""


RATIOS = {
    "bad-over-total": f"    bad: {{source: prom, spec: {{query: '{BAD}'}}}}\n    total: {{source: prom, spec: {{query: '{ALL}'}}}}",
    "good-over-total": f"    good: {{source: prom, spec: {{query: '{GOOD}'}}}}\n    total: {{source: prom, spec: {{query: '{ALL}'}}}}",
    "counters": (
        "    counter: true\n"
        f"    good: {{source: prom, spec: {{query: '{GOOD_COUNTER}'}}}}\n"
        f"    total: {{source: prom, spec: {{query: '{ALL_COUNTER}'}}}}"
    ),
}


def instant(url: str, expr: str) -> float:
    answer = httpx.post(f"{url}/api/v1/query", data={"query": expr, "time": str(AT.timestamp())}, timeout=30)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["data"]["result"]
    return float(result["value"][1])


@pytest.mark.parametrize("ratio", sorted(RATIOS))
def test_recorded_error_ratios_equal_slmos_burn_rates(prometheus_url: str, ratio: str) -> None:
    bad = errors()
    rows = ["timestamp,good,total"]
    start = dt.datetime.fromtimestamp(T0, dt.UTC)
    rows += [f"{(start + dt.timedelta(minutes=m)).isoformat()},{TOTAL - bad[m]},{TOTAL}" for m in range(MINUTES)]
    with in_memory(clock=FixedClock()) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(catalogue(RATIOS[ratio]), "catalogue.yaml"), ACTOR)
        slmo.ingest.measurements(
            MeasurementKind.EVENTS, "shop-requests", io.BytesIO("\n".join(rows).encode()), "events.csv", ACTOR
        )
        (row,) = slmo.evaluation.status(AT)
        made = slmo.prometheus_rules.rule_file()
    burn = row.evaluation.burn_rates
    records = {
        rule["labels"]["sloth_window"]: rule["expr"]
        for group in made.document["groups"]
        for rule in group["rules"]
        if str(rule.get("record", "")).startswith("slo:sli_error:ratio_rate")
    }
    compared = 0
    for window, expr in records.items():
        if window not in burn:
            continue  # the objective's window: a mean of recorded 5-minute ratios
        theirs = instant(prometheus_url, expr)
        ours = burn[window]
        assert ours is not None
        assert theirs == pytest.approx(ours * 0.001, rel=1e-9, abs=1e-15), window
        compared += 1
    assert compared == 7  # 5m, 30m, 1h, 2h, 6h, 1d, 3d
    # The data is not flat: the windows disagree with one another.
    assert len({round(rate, 6) for rate in burn.values() if rate is not None}) == 7


def test_a_rule_file_promtool_accepts_is_written_by_the_command(tmp_path: Path) -> None:
    """The CLI writes the same text (-o FILE), with the skipped objectives on standard error."""
    from typer.testing import CliRunner

    from slmo.cli.main import app

    database = tmp_path / "slmo.db"
    spec = tmp_path / "catalogue.yaml"
    spec.write_text(catalogue(RATIOS["bad-over-total"]), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(database), "apply", "-f", str(spec)]).exit_code == 0
    out = tmp_path / "rules.yml"
    done = runner.invoke(app, ["--db", str(database), "export", "prometheus-rules", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "slo:sli_error:ratio_rate5m" in out.read_text(encoding="utf-8")
    assert "1 objective(s) written, 0 skipped" in done.output
