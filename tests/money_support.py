"""Lines of the credits ledger and costs for the API's walls (``tests/unit/test_api_wall_matrix.py``):
a line of a side's agreement made on demand, so that every request has one to read or settle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from slmo.bootstrap import Slmo
from slmo.core.engine.credits import service_credit
from slmo.core.model import Agreement, Charge, CreditSchedule, CreditTier
from slmo.core.model.ledger import CreditBasis, CreditEntry

MISSING_ID = 999_999
_SCHEDULE = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))


def line_of(slmo: Slmo, names: Mapping[str, str], clause: str = "matrix") -> int:
    """The id of a computed line of the side's agreement for October 2026 (made once per clause);
    an id no line has for an agreement that does not exist."""
    agreement = names["agreement"]
    if agreement not in {a.name for a in slmo.catalogue.get("Agreement") if isinstance(a, Agreement)}:
        return MISSING_ID
    with slmo.credits._uow() as uow:
        held = [e for e in uow.credits.list(agreement=agreement) if e.clause == clause]
        if held and held[0].id is not None:
            return held[0].id
        calculation = service_credit(_SCHEDULE, 0.99, Charge(amount=1000, currency="SAR"))
        made = uow.credits.add(
            CreditEntry(
                agreement=agreement,
                period="2026-10",
                basis=CreditBasis.SCHEDULE,
                clause=clause,
                version=1,
                objective="success",
                attainment=0.99,
                amount=calculation.amount,
                currency="SAR",
                calculation=calculation,
                computed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            )
        )
        uow.commit()
    assert made.id is not None
    return made.id


def costs_csv(names: Mapping[str, str]) -> str:
    return f"service,period,amount,currency\n{names['service']},2026-10,1000,SAR\n"
