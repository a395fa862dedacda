"""``GET /metrics`` passes ``promtool check metrics`` (Prometheus's own parser and linter)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

from tests.api_support import api_over
from tests.conftest import require


def test_promtool_accepts_the_exposition() -> None:
    promtool = shutil.which("promtool")
    require(promtool is not None, "promtool is not installed (Debian package prometheus)")
    assert promtool is not None
    with api_over() as api:
        admin = api.token("admin")
        start = api.clock.at - dt.timedelta(hours=1)
        rows = [
            {"timestamp": (start + dt.timedelta(minutes=i)).isoformat(), "good": 99, "total": 100} for i in range(60)
        ]
        assert api.request("POST", "/api/v1/ingest/events?indicator=portal-requests", token=admin, json=rows).is_success
        api.slmo.evaluation.evaluate()
        text = api.request("GET", "/metrics", token=api.token("viewer")).text
    assert "slmo_objective_burn_rate{" in text
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=text, check=False, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == checked.stderr.strip() == ""
