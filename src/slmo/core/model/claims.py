"""Claims on suppliers: a credit the supplier of an underpinning contract owes for a period, as
it is asked for, accepted and paid.

A claim follows one line of the credits ledger (``core.model.ledger``) of an underpinning
contract whose amount is above zero: it is ``due`` from when the line is computed, must be
``filed`` with the supplier before its ``deadline`` (the contract's ``claims.withinDays`` after
the period's end), and is then ``accepted`` or ``rejected`` by the supplier, and an accepted one
``paid``. A due claim that was not filed in time is ``expired``. The rules are in
``services/claims.py`` and ``docs/formulas.md`` section 20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.ledger import CreditBasis


class ClaimStatus(StrEnum):
    DUE = "due"
    FILED = "filed"
    ACCEPTED = "accepted"
    PAID = "paid"
    REJECTED = "rejected"
    EXPIRED = "expired"


# due -> filed -> accepted -> paid; a filed claim may be rejected, a due one expires. Paid,
# rejected and expired claims are closed: nothing follows them.
CLAIM_STEPS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.DUE: frozenset({ClaimStatus.FILED, ClaimStatus.EXPIRED}),
    ClaimStatus.FILED: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}),
    ClaimStatus.ACCEPTED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.PAID: frozenset(),
    ClaimStatus.REJECTED: frozenset(),
    ClaimStatus.EXPIRED: frozenset(),
}


class Urgency(StrEnum):
    """Where a due claim stands against its deadline, at some instant (``core.engine.claims``)."""

    # Due, and the deadline is more than the warning's days away (or there is none).
    OPEN = "open"
    # Due, and the deadline is within the warning's days.
    SOON = "soon"
    # Due, and the deadline has passed: the claim is lost unless the supplier takes it late.
    OVERDUE = "overdue"
    # Filed, accepted, paid, rejected or expired: the deadline no longer matters.
    SETTLED = "settled"


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One claim, unique per ledger line (``key``: agreement, period, basis, clause).

    ``supplier`` is the contract's provider party; ``amount`` and ``currency`` what is claimed
    (the ledger line's amount while the claim is due; fixed from its filing on). ``deadline`` is
    the instant the filing window closes and ``file_by`` the last day of it in the contract's
    time zone; both ``None`` when the contract names no window. ``reference`` is the supplier's
    case number, given when filing (or later); ``reason`` a rejection's.
    """

    agreement: str
    supplier: str
    period: str
    basis: CreditBasis
    clause: str
    amount: Decimal
    currency: str | None
    deadline: dt.datetime | None
    file_by: dt.date | None
    created_at: dt.datetime
    status: ClaimStatus = ClaimStatus.DUE
    reference: str | None = None
    reason: str | None = None
    filed_at: dt.datetime | None = None
    filed_by: str | None = None
    accepted_at: dt.datetime | None = None
    accepted_by: str | None = None
    paid_at: dt.datetime | None = None
    paid_by: str | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    id: int | None = None
    # Grows with every change of the stored claim: a change based on an older revision is refused.
    revision: int = 0

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.agreement, self.period, self.basis.value, self.clause)

    @property
    def settled(self) -> bool:
        """Anything but due: the claim's amount no longer follows the ledger."""
        return self.status is not ClaimStatus.DUE
