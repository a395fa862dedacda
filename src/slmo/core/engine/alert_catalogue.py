"""The alert rules of one objective, from the catalogue: the workbook default for an objective
that names no alert policy, else the burn-rate conditions of the policies it names
(``docs/alerting.md`` section 6).
"""

from __future__ import annotations

from collections.abc import Mapping

from slmo.core.engine.alert_policy import default_rules, rules_from_conditions
from slmo.core.model.alerting import AlertCondition, AlertPolicy, AlertRules, NoDataRule
from slmo.core.model.objective import Objective


def objective_policies(objective: Objective, policies: Mapping[str, AlertPolicy]) -> list[AlertPolicy]:
    """The alert policies ``objective`` names, in its order (names the catalogue lacks are
    left out: ``apply`` refuses broken references, so only a stale read can miss one)."""
    return [policies[name] for name in objective.alert_policies if name in policies]


def objective_rules(
    objective: Objective, policies: Mapping[str, AlertPolicy], conditions: Mapping[str, AlertCondition]
) -> AlertRules:
    """The rules that decide when ``objective`` alerts: ``default_rules()`` (page and ticket,
    scaled to the objective's window) when it names no alert policy; otherwise one tier per
    severity of the conditions of its policies, each condition once, thresholds as written
    (``rules_from_conditions``), and the no-data rule when a policy alerts on no data. Raises ``ValueError`` for a condition the engine cannot
    evaluate (not a burn rate above a threshold)."""
    if not objective.alert_policies:
        return default_rules()
    named: dict[str, AlertCondition] = {}
    chosen = objective_policies(objective, policies)
    for policy in chosen:
        for name in policy.conditions:
            if name in conditions:
                named.setdefault(name, conditions[name])
    no_data = NoDataRule() if any(p.alert_when_no_data for p in chosen) else None
    return rules_from_conditions(list(named.values()), no_data=no_data)
