"""Credits ledger lines and service costs as the store keeps them. No SQLAlchemy here: the
in-memory fakes use the same functions, so a fake and a database disagree on nothing but speed.

Amounts are kept as their decimal digits in text (``12500.00``), never as floating point; a
line's calculation is kept whole as its plain document (``core.model.plain``), read back by the
line's basis.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from slmo.core.model.credits import CreditCalculation, PenaltyCalculation
from slmo.core.model.ledger import CreditBasis, CreditEntry, ServiceCost
from slmo.core.model.plain import from_plain, to_plain
from slmo.store.documents import as_utc, json_copy


def calculation_document(entry: CreditEntry) -> dict[str, Any]:
    return json_copy(to_plain(entry.calculation), f"credit {entry.agreement}/{entry.period}")


def calculation_of(basis: CreditBasis, document: dict[str, Any]) -> CreditCalculation | PenaltyCalculation:
    if basis is CreditBasis.PENALTY:
        return from_plain(PenaltyCalculation, document)
    return from_plain(CreditCalculation, document)


def normalised(entry: CreditEntry) -> CreditEntry:
    """The line as the store gives it back: instants in UTC, the calculation through JSON."""

    def utc(value: Any) -> Any:
        return None if value is None else as_utc(value)

    return dataclasses.replace(
        entry,
        calculation=calculation_of(entry.basis, calculation_document(entry)),
        computed_at=as_utc(entry.computed_at),
        confirmed_at=utc(entry.confirmed_at),
        paid_at=utc(entry.paid_at),
    )


def normalised_cost(cost: ServiceCost) -> ServiceCost:
    return dataclasses.replace(cost, updated_at=None if cost.updated_at is None else as_utc(cost.updated_at))
