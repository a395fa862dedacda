"""Who sees what of the portfolio (``services.portfolio``), as ``services.access`` asks: every
role reads it; a customer only its own agreements' lines, with no underpinning contract and no
supplier; costs and nets only for those who may read costs (``services.money_access``)."""

from __future__ import annotations

from slmo.core.model.auth import Principal, Role
from slmo.services.money_access import READERS
from slmo.services.portfolio import Reader


def portfolio_reader(principal: Principal, reach: set[tuple[str, str]] | None) -> Reader:
    """``reach`` is ``customer_reach`` for a customer, ``None`` for every other role."""
    agreements = None if reach is None else frozenset(name for kind, name in reach if kind == "Agreement")
    return Reader(
        agreements=agreements,
        customer=principal.role is Role.CUSTOMER,
        costs=principal.role in READERS,
    )
