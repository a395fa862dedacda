"""A supplier in the example catalogue: GitHub, whose Actions run the portal's build and release
pipeline, under an underpinning contract with published monthly credit tiers; and an SLA with
the ministry on that pipeline, which therefore depends on GitHub.

- ``github-uc``: GitHub promises 99.9 % monthly uptime of Actions (in UTC, every minute counts),
  with credits of 10 % of the month's charge below 99.9 %, 25 % below 99 % and 100 % below 95 %,
  the tiers as public clouds publish them; the charge is 21,000 USD a month (1,000 seats at
  21 USD); a credit is claimed within 30 days after the month ends. slmo measures Actions by
  the incidents recorded on the ``github-actions`` service: outages count as down, degraded
  incidents do not.
- ``release-sla``: IT Operations promises the ministry 99.5 % of the minutes of each month with
  the release pipeline working (measured by its own incident log, and probes when there are).

``PIPELINE_LOG`` is the pipeline's own incident log, as on-call keeps it: it is slmo's record of
the dependent service, not GitHub's, and its times are its own (deploys began to fail a quarter
of an hour after GitHub's window opened, and worked again before GitHub closed it).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

from slmo.bootstrap import Slmo, in_memory
from tests.conftest import EXAMPLES
from tests.report_support import ACTOR, FixedClock

GITHUB = """\
apiVersion: slmo/v1
kind: Party
metadata:
  name: github
  displayName: {en: GitHub, ar: جِت هَب}
spec:
  type: supplier
  description: {en: Hosts the portal's code and runs its build and release workflows., ar: تستضيف شيفرة البوابة وتشغّل مسارات بنائها وإصدارها.}
  contacts:
    - {name: GitHub Enterprise support, role: supplier support, email: support@github.example}
---
apiVersion: slmo/v1
kind: Service
metadata:
  name: github-actions
  displayName: {en: GitHub Actions, ar: إجراءات جِت هَب}
spec:
  owner: github
  tier: 2
---
apiVersion: slmo/v1
kind: Service
metadata:
  name: release-pipeline
  displayName: {en: Release pipeline, ar: مسار الإصدار}
spec:
  owner: it-operations
  tier: 2
  description: {en: "Builds, tests and deploys the portal's fixes.", ar: يبني إصلاحات البوابة ويختبرها وينشرها.}
  dependsOn:
    suppliers: [github]
---
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: actions-uptime
  displayName: {en: GitHub Actions uptime, ar: زمن تشغيل إجراءات جِت هَب}
spec:
  service: github-actions
  kind: availability
  availability: {probes: false, incidents: true, degradedIsDown: false}
---
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: pipeline-availability
  displayName: {en: Release pipeline availability, ar: إتاحة مسار الإصدار}
spec:
  service: release-pipeline
  kind: availability
  availability: {probes: true, incidents: true, degradedIsDown: false}
---
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: github-uc
  displayName: {en: GitHub Enterprise Cloud contract, ar: عقد جِت هَب للمؤسسات}
spec:
  type: uc
  parties:
    - {party: github, role: provider}
    - {party: it-operations, role: customer}
  services: [github-actions]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      charge: {amount: 21000, currency: USD, period: month}
      claims: {withinDays: 30}
      credits:
        cap: 1.0
        tiers:
          - {below: 0.999, credit: 0.10}
          - {below: 0.99, credit: 0.25}
          - {below: 0.95, credit: 1.0}
      objectives:
        - name: uptime
          displayName: {en: Monthly uptime of Actions, ar: زمن التشغيل الشهري للإجراءات}
          indicator: actions-uptime
          targetPercent: 99.9
          window: {calendar: month}
          budgeting: timeslices
          timeSlice: {size: 1m, target: 1.0}
---
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: release-sla
  displayName: {en: Release pipeline SLA, ar: اتفاقية مستوى خدمة مسار الإصدار}
spec:
  type: sla
  parties:
    - {party: it-operations, role: provider}
    - {party: ministry, role: customer}
  services: [release-pipeline]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      objectives:
        - name: availability
          displayName: {en: Minutes the pipeline works, ar: الدقائق التي يعمل فيها المسار}
          indicator: pipeline-availability
          targetPercent: 99.5
          window: {calendar: month}
          budgeting: timeslices
          timeSlice: {size: 1m, target: 1.0}
"""

# The pipeline's own incident log (slmo ingest incidents). PIPE-0 starts the record in July;
# PIPE-2 was the pipeline's own fault.
PIPELINE_LOG = """\
id,service,start,end,impact,title
PIPE-0,release-pipeline,2026-07-14T10:00:00Z,2026-07-14T10:20:00Z,outage,Runner disk full
PIPE-1,release-pipeline,2026-08-06T15:20:00Z,2026-08-06T23:50:00Z,outage,Deploys failing: workflows do not start
PIPE-2,release-pipeline,2026-08-12T09:00:00Z,2026-08-12T10:30:00Z,outage,Release job broken by our runner image
PIPE-3,release-pipeline,2026-08-17T13:40:00Z,2026-08-17T18:03:00Z,outage,Deploys failing: Actions degraded
"""

GITHUB_DATA = "data/github-status-incident-history/incidents.jsonl.gz"
# GitHub's impact levels as slmo's: major and critical are outages; minor and none degraded
# service; maintenance is planned and agreed, not an incident.
IMPACTS = {"critical": "outage", "major": "outage", "minor": "degraded", "none": "degraded"}


def github_incidents(shared: Path, component: str = "Actions") -> Iterator[dict[str, str]]:
    """GitHub's incidents that list ``component`` on their page, as slmo's incident rows on
    ``github-actions``: the window the history's parser derived (the post-incident summary's
    when it gives one, else first post to resolution). Maintenance is left out, and so are the
    incidents whose components a language model guessed (PROVENANCE.md)."""
    with gzip.open(shared / GITHUB_DATA, "rt", encoding="utf-8") as lines:
        for line in lines:
            incident = json.loads(line)
            if incident["impact"] == "maintenance" or incident.get("components_source"):
                continue
            if component not in (incident.get("components") or []):
                continue
            yield {
                "id": f"GH-{incident['id']}",
                "service": "github-actions",
                "start": incident["downtime_start"],
                "end": incident["downtime_end"],
                "impact": IMPACTS[incident["impact"]],
                "title": incident["title"],
            }


def incidents_csv(rows: Iterator[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["id", "service", "start", "end", "impact", "title"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def supplier_world(clock: FixedClock, github: str = GITHUB) -> Slmo:
    """The example catalogue and GitHub's part (``github``), on the in-memory store, with nothing
    measured."""
    handle = in_memory(clock=clock)
    handle.catalogue.apply(handle.catalogue.load([str(EXAMPLES)]), ACTOR)
    handle.catalogue.apply(handle.codec.load_text(github, "github.yaml"), ACTOR)
    return handle
