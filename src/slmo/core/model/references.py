"""References between catalogue objects, and the ones that point at nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from slmo.core.model.agreement import Agreement
from slmo.core.model.alerting import AlertPolicy
from slmo.core.model.catalogue import Party, PartyType, Service
from slmo.core.model.indicator import Indicator, MetricQuery
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.core.model.procedure import Procedure


@dataclass(frozen=True)
class Reference:
    """``field`` of object ``kind/name`` names ``target_kind/target``."""

    kind: str
    name: str
    field: str
    target_kind: str
    target: str


@dataclass(frozen=True)
class BrokenReference:
    reference: Reference
    reason: str


def references_of(obj: CatalogueObject) -> Iterator[Reference]:
    kind = kind_of(obj)
    name = obj.name

    def ref(path: str, target_kind: str, target: str | None) -> Iterator[Reference]:
        if target:
            yield Reference(kind, name, path, target_kind, target)

    if isinstance(obj, Service):
        yield from ref("owner", "Party", obj.owner)
        for i, s in enumerate(obj.depends_on_services):
            yield from ref(f"dependsOn.services[{i}]", "Service", s)
        for i, s in enumerate(obj.depends_on_suppliers):
            yield from ref(f"dependsOn.suppliers[{i}]", "Party", s)
    elif isinstance(obj, Indicator):
        yield from ref("service", "Service", obj.service)
        queries: list[tuple[str, MetricQuery | None]] = []
        if obj.ratio:
            queries += [("ratio.good", obj.ratio.good), ("ratio.bad", obj.ratio.bad), ("ratio.total", obj.ratio.total)]
            queries.append(("ratio.raw", obj.ratio.raw))
        if obj.threshold:
            queries.append(("threshold.metric", obj.threshold.metric))
        for path, query in queries:
            if query is not None:
                yield from ref(f"{path}.source", "DataSource", query.source)
    elif isinstance(obj, AlertPolicy):
        for i, c in enumerate(obj.conditions):
            yield from ref(f"conditions[{i}]", "AlertCondition", c)
        for i, t in enumerate(obj.notification_targets):
            yield from ref(f"notificationTargets[{i}]", "NotificationTarget", t)
    elif isinstance(obj, Agreement):
        for i, p in enumerate(obj.parties):
            yield from ref(f"parties[{i}].party", "Party", p.party)
        for i, s in enumerate(obj.services):
            yield from ref(f"services[{i}]", "Service", s)
        for vi, version in enumerate(obj.versions):
            yield from ref(f"versions[{vi}].calendar", "Calendar", version.calendar)
            for oi, objective in enumerate(version.objectives):
                base = f"versions[{vi}].objectives[{oi}]"
                yield from ref(f"{base}.indicator", "Indicator", objective.indicator)
                yield from ref(f"{base}.calendar", "Calendar", objective.calendar)
                for ai, policy in enumerate(objective.alert_policies):
                    yield from ref(f"{base}.alertPolicies[{ai}]", "AlertPolicy", policy)
    elif isinstance(obj, Procedure):
        yield from ref("owner", "Party", obj.owner)
        for i, s in enumerate(obj.services):
            yield from ref(f"services[{i}]", "Service", s)


def broken_references(
    objects: Iterable[CatalogueObject], known: Mapping[tuple[str, str], CatalogueObject]
) -> list[BrokenReference]:
    """References of ``objects`` that ``known`` (every object by kind and name) cannot satisfy,
    including suppliers that are not supplier parties."""
    broken: list[BrokenReference] = []
    for obj in objects:
        for reference in references_of(obj):
            target = known.get((reference.target_kind, reference.target))
            if target is None:
                broken.append(BrokenReference(reference, "missing"))
            elif (
                reference.field.startswith("dependsOn.suppliers")
                and isinstance(target, Party)
                and target.type != PartyType.SUPPLIER
            ):
                broken.append(BrokenReference(reference, "not_supplier"))
    return broken


def referrers(target_kind: str, target: str, objects: Iterable[CatalogueObject]) -> list[Reference]:
    """Every reference among ``objects`` that points at ``target_kind/target``."""
    return [r for obj in objects for r in references_of(obj) if r.target_kind == target_kind and r.target == target]
