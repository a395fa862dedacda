"""Agreements written as OpenSLO v1 SLOs: the inverse of ``openslo_slo``'s naming, so that the
objectives read back equal to the ones written.

A run of neighbouring objectives named ``<slo>/<suffix>`` that share everything an SLO holds
(service, window, budgeting, alert policies, description, labels, annotations) and whose names
``objective_names`` would give again is written as one SLO with several objectives; every other
objective is an SLO of its own, named after the objective.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slmo.core.model.agreement import Agreement, AgreementKind, AgreementVersion, VersionState
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective
from slmo.core.model.text import LocalizedText
from slmo.spec.openslo_reader import NAME_RE, seconds_shorthand
from slmo.spec.openslo_slo import OBJECTIVE_DISPLAY_ANNOTATION, SLO_DISPLAY_ANNOTATION, objective_names

if TYPE_CHECKING:
    from slmo.spec.openslo_write import Writer

BUDGETING_NAMES = {
    BudgetingMethod.OCCURRENCES: "Occurrences",
    BudgetingMethod.TIMESLICES: "Timeslices",
    BudgetingMethod.RATIO_TIMESLICES: "RatioTimeslices",
}


@dataclass(frozen=True)
class Entry:
    """An objective to write, with the service its SLO belongs to."""

    objective: Objective
    service: str
    inline: bool  # its indicator is written inside the SLO
    path: str

    @property
    def prefix(self) -> str | None:
        head, slash, _ = self.objective.name.partition("/")
        return head if slash and NAME_RE.match(head) else None

    def slo_fields(self) -> tuple[Any, ...]:
        o = self.objective
        return (self.service, o.window, o.budgeting, o.alert_policies, o.description, o.labels, o.annotations)


def service_agreement(service: str, display: LocalizedText, objectives: Sequence[Objective]) -> Agreement:
    """The informal agreement that holds the objectives of one service's SLOs."""
    return Agreement(
        name=service,
        display_name=display,
        kind=AgreementKind.EXPECTATION,
        parties=(),
        services=(service,),
        versions=(AgreementVersion(number=1, state=VersionState.ACTIVE, objectives=tuple(objectives)),),
    )


def yaml_number(value: float) -> float | int:
    """``2`` rather than ``2.0``: reads back as the same float."""
    return int(value) if math.isfinite(value) and value.is_integer() else value


def label_value(value: Any) -> Any:
    """OpenSLO label values are texts or lists of texts (Sloth's may be numbers or booleans)."""
    if isinstance(value, list | tuple):
        return [label_value(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def agreement_slos(writer: Writer, agreement: Agreement) -> list[dict[str, Any]]:
    version = agreement.active_version() or agreement.latest_version()
    if version is None:
        return []
    number = agreement.versions.index(version)
    if len(agreement.services) != 1 or agreement != service_agreement(
        agreement.services[0], agreement.display_name, version.objectives
    ):
        writer.leave_out(
            agreement,
            "",
            f"OpenSLO has no agreements: the objectives of version {version.number} are written as SLOs; "
            "kind, parties, other versions and terms are left out",
        )
    entries: list[Entry] = []
    for i, objective in enumerate(version.objectives):
        entry = _entry(writer, agreement, objective, f"versions[{number}].objectives[{i}]")
        if entry is not None:
            entries.append(entry)
    docs: list[dict[str, Any]] = []
    for run in _runs(entries):
        if len(run) > 1 and _displays(run) is not None:
            docs.append(_slo(writer, agreement, run))
        else:
            docs.extend(_slo(writer, agreement, [entry]) for entry in run)
    return docs


def _entry(writer: Writer, agreement: Agreement, objective: Objective, path: str) -> Entry | None:
    for field, why in _unexpressed(objective):
        writer.leave_out(agreement, f"{path}.{field}", why)
    indicator = writer.indicators.get(objective.indicator)
    if indicator is not None and writer.sli_specs[indicator.name] is None:
        writer.leave_out(agreement, path, f"its indicator {indicator.name} cannot be written in OpenSLO")
        return None
    if indicator is not None and indicator.service is not None:
        return Entry(objective, indicator.service, True, path)
    if not agreement.services:
        writer.leave_out(agreement, path, "an OpenSLO SLO needs a service; the agreement names none")
        return None
    return Entry(objective, agreement.services[0], False, path)


def _unexpressed(objective: Objective) -> list[tuple[str, str]]:
    out = []
    if objective.calendar is not None:
        out.append(("calendar", "OpenSLO objectives count in a time zone, not a business calendar"))
    if objective.maintenance != MaintenancePolicy.EXCLUDE:
        out.append(("maintenance", "OpenSLO has no maintenance policy"))
    for field, text in (("displayName", objective.display_name), ("description", objective.description)):
        if text is not None and text.ar:
            out.append((f"{field}.ar", "OpenSLO texts are in one language"))
    return out


def _runs(entries: list[Entry]) -> list[list[Entry]]:
    """Neighbouring entries that could be one SLO."""
    runs: list[list[Entry]] = []
    for entry in entries:
        last = runs[-1][0] if runs else None
        if (
            last is not None
            and entry.prefix is not None
            and entry.prefix == last.prefix
            and entry.slo_fields() == last.slo_fields()
            and OBJECTIVE_DISPLAY_ANNOTATION not in entry.objective.annotations
        ):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


def _displays(run: list[Entry]) -> list[str | None] | None:
    """The objectives' displayName entries that read back to the same names and display names,
    or ``None`` when no such entries exist."""
    prefix = run[0].prefix or ""
    slo_display = run[0].objective.annotations.get(SLO_DISPLAY_ANNOTATION)
    displays: list[str | None] = []
    for entry in run:
        suffix = entry.objective.name.partition("/")[2]
        shown = entry.objective.display_name.en
        if shown == suffix:
            displays.append(shown)
        elif shown == (slo_display or prefix):
            displays.append(None)
        else:
            return None
    if objective_names(prefix, displays) != [e.objective.name for e in run]:
        return None
    return displays


def _slo(writer: Writer, agreement: Agreement, run: list[Entry]) -> dict[str, Any]:
    first = run[0].objective
    annotations = dict(first.annotations)
    if len(run) > 1:
        name = run[0].prefix or first.name
        display = annotations.pop(SLO_DISPLAY_ANNOTATION, None)
        displays = _displays(run) or []
    else:
        name = first.name
        own = annotations.pop(OBJECTIVE_DISPLAY_ANNOTATION, None)
        shown = first.display_name.en
        display = shown if shown != name or own is not None else None
        displays = [own]
    metadata: dict[str, Any] = {"name": name}
    if display is not None:
        metadata["displayName"] = display
    if first.labels:
        metadata["labels"] = {str(k): label_value(v) for k, v in first.labels.items()}
    if annotations:
        metadata["annotations"] = annotations
    spec: dict[str, Any] = {}
    if first.description is not None:
        spec["description"] = first.description.en
    spec["service"] = run[0].service
    shared = len({e.objective.indicator for e in run}) == 1
    if shared:
        spec.update(_indicator(writer, run[0]))
    spec["timeWindow"] = [writer.window(agreement, f"{run[0].path}.window", first.window)]
    spec["budgetingMethod"] = BUDGETING_NAMES[first.budgeting]
    objectives = []
    for entry, shown_name in zip(run, displays, strict=True):
        item = _objective(entry.objective, shown_name)
        if not shared:
            item.update(_indicator(writer, entry))
        objectives.append(item)
    spec["objectives"] = objectives
    policies = writer.policy_names(first.alert_policies)
    if policies:
        spec["alertPolicies"] = policies
    return {"apiVersion": "openslo/v1", "kind": "SLO", "metadata": metadata, "spec": spec}


def _indicator(writer: Writer, entry: Entry) -> dict[str, Any]:
    """``indicator`` (inline, with its name) or ``indicatorRef``."""
    name = entry.objective.indicator
    indicator = writer.indicators.get(name)
    spec = writer.sli_specs.get(name)
    if not entry.inline or indicator is None or spec is None:
        return {"indicatorRef": name}
    writer.inline.add(name)
    body = {**writer.description(indicator, indicator.description), **spec}
    return {"indicator": {"metadata": writer.metadata(indicator), "spec": body}}


def _objective(objective: Objective, display: str | None) -> dict[str, Any]:
    """One entry of an SLO's ``objectives``."""
    out: dict[str, Any] = {} if display is None else {"displayName": display}
    if objective.operator is not None:
        out["op"] = objective.operator.value
    if objective.value is not None:
        out["value"] = yaml_number(objective.value)
    out["target"] = objective.target
    if objective.time_slice is not None:
        if objective.time_slice.target is not None:
            out["timeSliceTarget"] = objective.time_slice.target
        seconds = objective.time_slice.seconds
        # A number is minutes (OpenSLO v1, timeSliceWindow), so a slice of seconds stays exact.
        out["timeSliceWindow"] = seconds_shorthand(seconds) if seconds % 60 == 0 else seconds / 60
    return out
