"""Improvement opportunities in words: a slice's item (``sun 09:00`` is "Sunday 09:00–10:00",
"الأحد ٠٩:٠٠–١٠:٠٠"), its dimension, and a proposal's suggested action, in the reader's
language. The keys are those of ``core.model.opportunity`` (a missing label is ``-``)."""

from __future__ import annotations

from collections.abc import Mapping

from slmo.core.model.opportunity import OpportunitySlice, Proposal
from slmo.i18n.catalogue import format_number, gettext
from slmo.i18n.formats import digits, format_percent

NO_LABEL = "-"
_MISSING = {
    "service": "opportunity.no_service",
    "cause": "opportunity.no_cause",
    "ticket_category": "opportunity.no_category",
}


def _hours(start: str) -> str:
    """``09:00`` as the hour it begins: ``09:00–10:00`` (the last hour ends at 24:00)."""
    hour = int(start.split(":", 1)[0])
    return f"{hour:02d}:00–{hour + 1:02d}:00"


def item_label(dimension: str, item: str, lang: str) -> str:
    """The item of a slice of ``dimension`` in words."""
    if item == NO_LABEL and dimension in _MISSING:
        return gettext(_MISSING[dimension], lang)
    if dimension == "week_hour":
        day, _, start = item.partition(" ")
        return digits(f"{gettext(f'weekday.{day}', lang)} {_hours(start)}", lang)
    if dimension == "weekday":
        return gettext(f"weekday.{item}", lang)
    if dimension == "hour":
        return digits(_hours(item), lang)
    return item


def slice_label(dimension: str, item: str, lang: str) -> str:
    """The dimension and the item: "Cause: network"."""
    return gettext(
        "opportunity.slice", lang, dimension=dimension_label(dimension, lang), item=item_label(dimension, item, lang)
    )


def dimension_label(dimension: str, lang: str) -> str:
    return gettext(f"opportunity.dimension_{dimension}", lang)


def action_text(action: str, dimension: str, args: Mapping[str, str], lang: str) -> str:
    """A suggested action (its ``action`` key and ``args``) in words."""
    words = {**args, "item": item_label(dimension, args.get("item", ""), lang)}
    words.setdefault("contracts", "")
    return gettext(action, lang, **words)


def proposal_action(proposal: Proposal, lang: str) -> str:
    return action_text(proposal.action, proposal.slice.dimension.value, proposal.args, lang)


def proposal_slice(proposal: Proposal, lang: str) -> str:
    return slice_label(proposal.slice.dimension.value, proposal.slice.item, lang)


def _count(value: float, lang: str) -> str:
    return format_number(value, lang, 0 if float(value).is_integer() else 2)


def evidence(s: OpportunitySlice, lang: str, *, objectives: int = 3, names: int = 5) -> list[str]:
    """What a slice spent, in words: its first ``objectives`` objectives with their figures,
    the incidents and tickets (the first ``names``), what an even rate would have spent, the
    supplier's contracts."""
    found = []
    for o in s.objectives[:objectives]:
        args = {
            "objective": o.objective,
            "spent": _count(o.spent, lang),
            "unit": gettext(f"opportunity.unit_{o.unit.value}", lang),
            "share": format_percent(o.share, lang, 1),
        }
        if o.minutes is not None:
            found.append(
                gettext("opportunity.evidence_minutes", lang, minutes=_count(round(o.minutes, 2), lang), **args)
            )
        else:
            found.append(gettext("opportunity.evidence_objective", lang, **args))
    if len(s.objectives) > objectives:
        found.append(
            gettext("opportunity.evidence_more", lang, count=digits(str(len(s.objectives) - objectives), lang))
        )
    separator = gettext("report.list_separator", lang)
    if s.incidents:
        found.append(
            gettext("opportunity.evidence_incidents", lang, incidents=separator.join(i.id for i in s.incidents[:names]))
        )
    if s.tickets:
        found.append(gettext("opportunity.evidence_tickets", lang, tickets=separator.join(s.tickets[:names])))
    if s.expected is not None:
        found.append(gettext("opportunity.evidence_expected", lang, expected=format_number(s.expected, lang, 2)))
    if s.contracts:
        found.append(gettext("opportunity.evidence_contracts", lang, contracts=separator.join(s.contracts)))
    return found
