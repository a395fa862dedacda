"""Claims on suppliers for the API's walls (``tests/unit/test_api_wall_matrix.py``): a due claim on
the side's agreement, made on demand, one per clause, so that every request has one to read or
move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from slmo.bootstrap import Slmo
from slmo.core.model.claims import Claim
from slmo.core.model.ledger import CreditBasis


def claim_of(slmo: Slmo, names: Mapping[str, str], clause: str = "matrix") -> int:
    """The id of a due claim on the side's agreement for October 2026, without a deadline (made
    once per clause)."""
    agreement = names["agreement"]
    with slmo.claims._uow() as uow:
        held = [c for c in uow.claims.list(agreement=agreement) if c.clause == clause]
        if held and held[0].id is not None:
            return held[0].id
        made = uow.claims.add(
            Claim(
                agreement=agreement,
                supplier=names["party"],
                period="2026-10",
                basis=CreditBasis.PENALTY,
                clause=clause,
                amount=Decimal("100.00"),
                currency="SAR",
                deadline=None,
                file_by=None,
                created_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            )
        )
        uow.commit()
    assert made.id is not None
    return made.id
