"""Which slices of the opportunities' breakdowns are proposed, in which order, and the kind of
action each suggests (``docs/formulas.md``, "Improvement opportunities", ranking).

The families take turns: each offers its best slice not yet taken, and a round's offers go in
by budgets spent. So the first proposals are the worst slice of as many different families,
before any family's second: a proposal is one slice, and its figures are never added to
another's (dimensions overlap).
"""

from __future__ import annotations

from collections.abc import Mapping

from slmo.core.model.opportunity import (
    NO_LABEL,
    TIME_DIMENSIONS,
    Dimension,
    OpportunitySlice,
    Proposal,
)

# The families the proposals take turns from; time is one of ``TIME_DIMENSIONS``.
FAMILIES = ("service", "time", "cause", "ticket_category", "ticket_priority", "supplier")
ACTIONS = {
    Dimension.SERVICE: "opportunity.action_service",
    Dimension.WEEK_HOUR: "opportunity.action_time",
    Dimension.WEEKDAY: "opportunity.action_time",
    Dimension.HOUR: "opportunity.action_time",
    Dimension.CAUSE: "opportunity.action_cause",
    Dimension.TICKET_CATEGORY: "opportunity.action_ticket_category",
    Dimension.TICKET_PRIORITY: "opportunity.action_ticket_priority",
    Dimension.SUPPLIER: "opportunity.action_supplier",
}
# A missing label is proposed as the gap in the records that it is.
UNLABELLED_ACTIONS = {
    Dimension.CAUSE: "opportunity.action_cause_unrecorded",
    Dimension.TICKET_CATEGORY: "opportunity.action_ticket_category_unrecorded",
}


def _excess(s: OpportunitySlice) -> float:
    return s.spent - (s.expected or 0.0)


def time_dimension(breakdowns: Mapping[Dimension, tuple[OpportunitySlice, ...]]) -> Dimension:
    """The view of time the proposals take: the one holding the slice that spent the most
    beyond what an even rate would have (the first of ``TIME_DIMENSIONS`` on a tie)."""
    best, chosen = 0.0, Dimension.WEEK_HOUR
    for dimension in TIME_DIMENSIONS:
        top = max((_excess(s) for s in breakdowns.get(dimension, ())), default=0.0)
        if top > best + 1e-12:
            best, chosen = top, dimension
    return chosen


def rank(breakdowns: Mapping[Dimension, tuple[OpportunitySlice, ...]], top: int) -> tuple[Proposal, ...]:
    """The ``top`` proposals, taken in rounds: each family (``FAMILIES``) offers its best slice
    not yet taken, and a round's offers go in by budget spent, most first. A family's slices
    are ranked by budget spent; time's, in the view ``time_dimension`` chose, by what they
    spent beyond an even rate (only those that spent more than it). A slice of a service not
    named is not proposed."""
    time = time_dimension(breakdowns)
    queues: dict[str, list[OpportunitySlice]] = {
        "service": [s for s in breakdowns.get(Dimension.SERVICE, ()) if s.item != NO_LABEL],
        "time": sorted(
            (s for s in breakdowns.get(time, ()) if _excess(s) > 1e-12), key=lambda s: -round(_excess(s), 9)
        ),
        "cause": list(breakdowns.get(Dimension.CAUSE, ())),
        "ticket_category": list(breakdowns.get(Dimension.TICKET_CATEGORY, ())),
        "ticket_priority": list(breakdowns.get(Dimension.TICKET_PRIORITY, ())),
        "supplier": list(breakdowns.get(Dimension.SUPPLIER, ())),
    }
    chosen: list[OpportunitySlice] = []
    depth = 0
    while len(chosen) < top and any(len(q) > depth for q in queues.values()):
        offers = [queues[f][depth] for f in FAMILIES if len(queues[f]) > depth]
        # Stable, and to a billionth of a budget: a tie (the same minutes reached by two
        # dimensions, summed in another order) keeps the families' order.
        offers.sort(key=lambda s: -round(s.spent, 9))
        chosen.extend(offers[: top - len(chosen)])
        depth += 1
    return tuple(Proposal(rank=i + 1, slice=s, action=_action(s), args=_arguments(s)) for i, s in enumerate(chosen))


def _action(s: OpportunitySlice) -> str:
    if s.item == NO_LABEL and s.dimension in UNLABELLED_ACTIONS:
        return UNLABELLED_ACTIONS[s.dimension]
    return ACTIONS[s.dimension]


def _arguments(s: OpportunitySlice) -> dict[str, str]:
    found = {"item": s.item}
    if s.contracts:
        found["contracts"] = ", ".join(s.contracts)
    return found
