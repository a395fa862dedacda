"""slo-generator, used as a package: its configuration for the cross-check and one run of it.

slo-generator computes one report per step of an error budget policy; each step's ``window``
(seconds) is the window its backend sums over, ending at the query time. Nothing here
reimplements its maths: the reports are what ``slo_generator.compute.compute`` returns.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slo_generator.compute import compute

# The fields compared with slmo, in the order the tables show them.
FIELDS = (
    "sli_measurement",
    "gap",
    "error_budget_target",
    "error_budget_measurement",
    "error_budget_burn_rate",
    "error_budget_minutes",
    "error_budget_remaining_minutes",
    "events_count",
)


@dataclass(frozen=True)
class PeerRun:
    """slo-generator's reports by step name, and the instants around the run: every backend
    query happened between ``began`` and ``ended``."""

    reports: Mapping[str, Mapping[str, Any]]
    began: float
    ended: float


def shared_config(backend_key: str, backend: Mapping[str, Any], windows: Mapping[str, int]) -> dict[str, Any]:
    """slo-generator's shared configuration: one backend and one error budget policy with a
    step per window. The thresholds and messages only drive its alert flag, not compared."""
    steps = [
        {
            "name": label,
            "window": seconds,
            "burn_rate_threshold": 2,
            "alert": False,
            "message_alert": "Burning too fast",
            "message_ok": "Within budget",
        }
        for label, seconds in windows.items()
    ]
    return {
        "backends": {backend_key: dict(backend)},
        "exporters": {},
        "error_budget_policies": {"default": {"steps": steps}},
    }


def slo_config(name: str, backend_key: str, method: str, indicator: Mapping[str, Any], goal: float) -> dict[str, Any]:
    """An slo-generator v2 SLO configuration."""
    return {
        "apiVersion": "sre.google.com/v2",
        "kind": "ServiceLevelObjective",
        "metadata": {"name": name, "labels": {"service_name": "nab", "feature_name": "elb"}},
        "spec": {
            "description": "NAB ELB requests outside the labelled anomaly windows",
            "backend": backend_key,
            "method": method,
            "exporters": [],
            "service_level_indicator": dict(indicator),
            "goal": goal,
            "error_budget_policy": "default",
        },
    }


def run(slo: Mapping[str, Any], shared: Mapping[str, Any]) -> PeerRun:
    """Compute every step's report now, as ``slo-generator compute`` would (no export)."""
    logging.getLogger("slo_generator").setLevel(logging.WARNING)
    began = time.time()
    # The Prometheus backend queries at the client's "now" whatever timestamp is given; the
    # timestamp passed here only stamps the reports (and is what the custom backend uses).
    reports = compute(dict(slo), dict(shared), timestamp=int(began), do_export=False)
    ended = time.time()
    found: dict[str, Mapping[str, Any]] = {}
    for report in reports:
        step = report["error_budget_policy_step_name"]
        if not report.get("valid", False):
            raise RuntimeError(f"slo-generator gave no valid report for step {step}: {report.get('errors')}")
        found[step] = report
    return PeerRun(reports=found, began=began, ended=ended)
