"""Sloth SLO specs as a foreign format: ``slmo import sloth`` reads ``version: prometheus/v1``
specs, their Kubernetes form (``apiVersion: sloth.slok.dev/v1``, ``kind: PrometheusServiceLevel``)
and the OpenSLO v1alpha documents Sloth also reads.

How a Sloth spec maps onto slmo's model:
- the spec's ``service`` becomes a Service (Sloth has no other way to declare one), and its SLOs
  the objectives of that service's ``expectation`` agreement, as OpenSLO SLOs do;
- each SLO is an objective named by Sloth's SLO id, ``<service>-<slo name>``, over Sloth's
  default period (30 days, rolling), budgeted by occurrences; its indicator has the same name;
- ``sli.events``: bad events (``error_query``) over ``total_query``; ``sli.raw``: a precomputed
  failure ratio (``RatioSpec.raw``); ``sli.plugin``: a raw failure ratio whose query is
  ``MetricQuery(type="sloth-plugin", spec={"id", "options"})``, for the plugin computes it;
- labels of the spec and of the SLO are merged into the objective's labels (the SLO's win), as
  Sloth merges them into every rule; values are text, as Prometheus labels are;
- ``alerting`` becomes an alert policy named after the SLO (display name: the alert's name) with
  Sloth's multiwindow burn-rate alerts as conditions (see SLOTH_CONDITIONS, long and short
  windows), page and ticket unless disabled. The per-severity labels and annotations and the
  plugin chains have no place in slmo and are reported as unrepresented.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from slmo.core.engine.burnrate import window_seconds
from slmo.core.model.alerting import AlertCondition, AlertPolicy
from slmo.core.model.catalogue import Service
from slmo.core.model.indicator import Indicator, IndicatorKind, MetricQuery, Operator, RatioSpec
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.objective import Objective
from slmo.core.model.text import LocalizedText
from slmo.core.ports import Imported
from slmo.errors import Location, SlmoError, SpecError
from slmo.spec.openslo import assemble, read_document, read_files, read_text_documents
from slmo.spec.openslo_read import Found
from slmo.spec.openslo_reader import NAME_RE, NAME_RULE, UNREPRESENTED, Node, Report, plain
from slmo.spec.openslo_slo import DEFAULT_WINDOW
from slmo.spec.yaml_source import SourceDocument

PROMETHEUS_V1 = "prometheus/v1"
K8S_API = "sloth.slok.dev/v1"
# Sloth's validation (pkg/common/conventions): names and ids.
SLOTH_NAME_RE = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$")
WINDOW_VARIABLE = re.compile(r"{{ *\.window *}}")

# Sloth's default alert windows for its default 30-day period (internal/alert/windows/
# google-30d.yaml, from the SRE workbook, "Alerting on SLOs", table 5-8): page when 2 % of the
# budget burns in 1 h or 5 % in 6 h, ticket when 10 % burns in 1 d or in 3 d. The burn rate is
# that share of the budget times the period over the long window: 0.02 x 720 h / 1 h = 14.4.
# Sloth compares with ">" and fires without a hold time.
SLOTH_CONDITIONS = (
    ("sloth-page-quick", "page", 14.4, 3600, "5m"),
    ("sloth-page-slow", "page", 6.0, 6 * 3600, "30m"),
    ("sloth-ticket-quick", "ticket", 3.0, 86400, "2h"),
    ("sloth-ticket-slow", "ticket", 1.0, 3 * 86400, "6h"),
)

# The same fields, spelt as the plain spec and as the Kubernetes resource spell them.
_PLAIN_KEYS = {"error": "error_query", "total": "total_query", "ratio": "error_ratio_query"}
_PLAIN_KEYS |= {"page": "page_alert", "ticket": "ticket_alert"}
_K8S_KEYS = {"error": "errorQuery", "total": "totalQuery", "ratio": "errorRatioQuery"}
_K8S_KEYS |= {"page": "pageAlert", "ticket": "ticketAlert"}


class SlothFormat:
    """Sloth SLO specs (``version: prometheus/v1`` and ``kind: PrometheusServiceLevel``)."""

    name = "sloth"

    def load_paths(self, paths: Sequence[str]) -> Imported:
        """Objects of every file; raises SpecError listing every problem of every file."""
        report = Report()
        return self.load_documents(read_files(paths, report), report)

    def load_text(self, text: str, source: str) -> Imported:
        report = Report()
        return self.load_documents(read_text_documents(text, source, report), report)

    def load_documents(self, documents: Sequence[SourceDocument], report: Report) -> Imported:
        found = Found()
        for doc in documents:
            _read_document(doc, found, report)
        _refuse_duplicates(found, report)
        objects = assemble(found, report)
        if report.errors:
            raise SpecError(report.errors)
        return Imported(objects=objects, unrepresented=report.notes)

    def dump(self, objects: Sequence[CatalogueObject]) -> str:
        raise SlmoError("slmo does not write Sloth specs; export --format openslo instead", key="error.sloth_export")


def _refuse_duplicates(found: Found, report: Report) -> None:
    """Sloth refuses an SLO id given twice in what it reads together, so slmo does too."""
    first: dict[tuple[str, str], Location] = {}
    for service, objective, location in found.objectives:
        key = (service, objective.name)
        if key in first:
            report.error(
                location, "", f"SLO {objective.name} of service {service} is defined twice (first at {first[key]})"
            )
        first.setdefault(key, location)


def _read_document(doc: SourceDocument, found: Found, report: Report) -> None:
    root = Node(doc, (), doc.data, report)
    if not root.is_map:
        root.error("expected a Sloth spec (version: prometheus/v1, service, slos)")
        return
    api = root.value.get("apiVersion")
    kind = root.value.get("kind")
    if "version" in root.value:
        version = root.text("version")
        if version != PROMETHEUS_V1:
            root.error(f"unsupported version {version}; slmo reads Sloth's {PROMETHEUS_V1}", "version")
            return
        _read_spec(root, found, _PLAIN_KEYS, "slo_plugins")
        root.finish()
    elif api == K8S_API and kind == "PrometheusServiceLevel":
        root.mark("apiVersion", "kind")
        spec = root.map("spec", required=True)
        if spec is not None:
            _read_spec(spec, found, _K8S_KEYS, "sloPlugins")
            spec.finish()
        root.finish()
    elif isinstance(api, str) and api.startswith("openslo/"):
        read_document(doc, found, report)
    elif api == K8S_API and kind == "AlertWindows":
        root.error("a Sloth AlertWindows catalogue, not an SLO spec; slmo uses Sloth's default 30-day windows", "kind")
    elif "groups" in root.value or kind == "PrometheusRule":
        root.error("a Prometheus rule file (as Sloth generates from a spec), not a Sloth SLO spec")
    else:
        root.error(f"not a Sloth spec: expected version: {PROMETHEUS_V1} or apiVersion: {K8S_API}")


def _read_spec(spec: Node, found: Found, keys: dict[str, str], plugins: str) -> None:
    """The body of a spec (the plain document, or ``spec`` of the Kubernetes resource)."""
    service = spec.text("service", required=True)
    if service is not None and not NAME_RE.match(service):
        spec.error(f"'{service}' is not a name slmo can keep: {NAME_RULE}", "service")
        service = None
    labels = _labels(spec)
    slos = spec.items("slos", required=True, what="at least one SLO") or []
    if plugins in spec.value:
        spec.note("Sloth SLO plugins are not represented by slmo, left out", plugins, UNREPRESENTED)
        spec.mark(plugins)
    if service is None:
        return
    found.add(Service(name=service, display_name=LocalizedText(en=service)), spec.location)
    if slos:
        spec.note(f"Sloth's default SLO period; slmo takes {DEFAULT_WINDOW}", "slos")
    for slo in slos:
        if not slo.is_map:
            slo.error("expected an SLO (name, objective, sli, alerting)")
            continue
        _read_slo(slo, service, labels, found, keys)
        slo.finish()


def _labels(node: Node) -> dict[str, str]:
    """Label values as text: Sloth writes ``tier: 2`` as the label ``tier="2"``."""
    labels = node.map("labels")
    if labels is None:
        return {}
    out: dict[str, str] = {}
    for key in labels.fields():
        value = plain(labels.value[key])
        if isinstance(value, dict | list) or value is None:
            labels.error("expected a text, number or true/false", key)
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def _read_slo(slo: Node, service: str, spec_labels: dict[str, str], found: Found, keys: dict[str, str]) -> None:
    name = slo.text("name", required=True)
    if name is not None and not SLOTH_NAME_RE.match(name):
        slo.error(f"'{name}' is not a Sloth name: letters, digits, '.', '_' and '-'", "name")
        name = None
    objective = slo.number("objective", required=True)
    if objective is not None and not 0 < objective < 100:
        why = "slmo needs a target below 100 %" if objective == 100 else "expected a percentage above 0 and up to 100"
        slo.error(f"{objective:g}: {why}", "objective")
        objective = None
    text = slo.text("description")
    labels = {**spec_labels, **_labels(slo)}
    if "plugins" in slo.value:
        slo.note("Sloth SLO plugins are not represented by slmo, left out", "plugins", UNREPRESENTED)
        slo.mark("plugins")
    sli = slo.map("sli", required=True)
    ratio = _sli(sli, keys) if sli is not None else None
    if sli is not None:
        sli.finish()
    alerting = slo.map("alerting")
    if name is None:
        return
    slo_id = f"{service}-{name}"
    short = object_name(slo_id)
    policy = _alerting(alerting, short, keys, found) if alerting is not None else None
    if ratio is None or objective is None:
        return
    display = LocalizedText(en=name)
    description = LocalizedText(en=text) if text else None
    found.add(
        Indicator(name=short, display_name=display, service=service, kind=IndicatorKind.RATIO, ratio=ratio),
        sli.location if sli is not None else slo.location,
    )
    item = Objective(
        name=slo_id,
        display_name=display,
        indicator=short,
        # 99.9 / 100 is 0.9990000000000001 in binary floating point; twelve places are plenty.
        target=round(objective / 100, 12),
        window=DEFAULT_WINDOW,
        alert_policies=(policy,) if policy else (),
        description=description,
        labels=labels,
    )
    found.objectives.append((service, item, slo.location))


def object_name(slo_id: str) -> str:
    """The name of the indicator and alert policy of an SLO: its id, or, past the 63 characters
    of a slmo name, the id's first 54 characters and 8 hex digits of its SHA-1."""
    if NAME_RE.match(slo_id):
        return slo_id
    digest = hashlib.sha1(slo_id.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{slo_id[:54].rstrip('-._')}-{digest}"


def _sli(sli: Node, keys: dict[str, str]) -> RatioSpec | None:
    given = [k for k in ("events", "raw", "plugin") if sli.has(k)]
    if len(given) != 1:
        sli.error("expected exactly one of events, raw and plugin")
        sli.mark("events", "raw", "plugin")
        return None
    part = sli.map(given[0], required=True)
    if part is None:
        return None
    spec: RatioSpec | None = None
    if given[0] == "events":
        error, total = _query(part, keys["error"]), _query(part, keys["total"])
        if error is not None and error == total:
            part.error("the error and total queries are the same")
        elif error is not None and total is not None:
            spec = RatioSpec(bad=_prometheus(error), total=_prometheus(total))
    elif given[0] == "raw":
        ratio = _query(part, keys["ratio"])
        spec = RatioSpec(raw=_prometheus(ratio), raw_type="failure") if ratio is not None else None
    else:
        plugin_id = part.text("id", required=True)
        options = _labels_of(part, "options")
        if plugin_id is not None:
            query = MetricQuery(type="sloth-plugin", spec={"id": plugin_id, "options": options})
            spec = RatioSpec(raw=query, raw_type="failure")
    part.finish()
    return spec


def _labels_of(node: Node, key: str) -> dict[str, str]:
    options = node.map(key)
    if options is None:
        return {}
    return {k: str(plain(options.value[k])) for k in options.fields()}


def _query(node: Node, key: str) -> str | None:
    query = node.text(key, required=True)
    if query is not None and not WINDOW_VARIABLE.search(query):
        node.error("expected the {{.window}} variable in the query", key)
        return None
    return query


def _prometheus(query: str) -> MetricQuery:
    return MetricQuery(type="Prometheus", spec={"query": query})


def _alerting(node: Node, slo_id: str, keys: dict[str, str], found: Found) -> str | None:
    """The SLO's alert policy (its name), or ``None`` when both alerts are disabled."""
    name = node.text("name")
    labels = _labels(node)
    annotations = node.string_map("annotations")
    enabled = [severity for severity in ("page", "ticket") if _alert(node, keys[severity])]
    if not enabled:
        for key in ("name", "labels", "annotations"):
            if key in node.value:
                node.note("not represented by slmo (both alerts are disabled), left out", key, UNREPRESENTED)
        node.finish()
        return None
    if not name:
        node.error("required unless the page and ticket alerts are both disabled", "name")
    node.finish()
    if not name:
        return None
    conditions = []
    for condition_name, severity, burn_rate, lookback, short in SLOTH_CONDITIONS:
        if severity in enabled:
            found.add(_condition(condition_name, severity, burn_rate, lookback, short), node.location)
            conditions.append(condition_name)
    policy = AlertPolicy(
        name=slo_id,
        display_name=LocalizedText(en=name),
        conditions=tuple(conditions),
        labels=labels,
        annotations=annotations,
    )
    found.add(policy, node.location)
    return policy.name


def _alert(alerting: Node, key: str) -> bool:
    """Whether the page (or ticket) alert is on; its own labels and annotations are noted."""
    alert = alerting.map(key)
    if alert is None:
        return True
    disabled = alert.flag("disable")
    for part in ("labels", "annotations"):
        if part in alert.value and not disabled:
            alert.note(f"Sloth's per-severity alert {part} are not represented by slmo, left out", part, UNREPRESENTED)
            alert.mark(part)
    alert.finish()
    return not disabled


def _condition(name: str, severity: str, burn_rate: float, lookback: int, short: str) -> AlertCondition:
    long = f"{lookback // 3600}h" if lookback < 86400 else f"{lookback // 86400}d"
    text = f"Sloth's {severity} alert: burn rate above {burn_rate:g} over {long} (and {short}), 30-day period"
    return AlertCondition(
        name=name,
        display_name=LocalizedText(en=f"Sloth {severity} ({long})"),
        severity=severity,
        operator=Operator.GT,
        threshold=burn_rate,
        lookback_seconds=lookback,
        short_lookback_seconds=window_seconds(short),
        description=LocalizedText(en=text),
    )
