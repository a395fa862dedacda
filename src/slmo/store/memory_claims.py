"""Claims on suppliers in memory (``memory_revisions``: the SQL store's rules); a claim is unique
per agreement, period, basis and clause."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Collection
from typing import Any

from slmo.core.model.claims import Claim, ClaimStatus
from slmo.store.documents import as_utc
from slmo.store.memory_revisions import Naming, RevisedRows, StoredRows

StoredClaims = StoredRows[Claim]


def _normalised(claim: Claim) -> Claim:
    """The claim as the store gives it back: instants in UTC."""

    def utc(value: Any) -> Any:
        return None if value is None else as_utc(value)

    return dataclasses.replace(
        claim,
        deadline=utc(claim.deadline),
        created_at=as_utc(claim.created_at),
        filed_at=utc(claim.filed_at),
        accepted_at=utc(claim.accepted_at),
        paid_at=utc(claim.paid_at),
        closed_at=utc(claim.closed_at),
    )


CLAIMS: Naming[Claim] = Naming(
    taken=lambda c: f"storing the claim of {c.agreement} for {c.period}: there is one already",
    meanwhile=lambda c: f"storing the claim of {c.agreement} for {c.period}: it was made by someone else meanwhile",
    stale=lambda i: f"storing claim {i}: it was changed or deleted by someone else meanwhile; read it again and retry",
)


class MemoryClaimRepository(RevisedRows[Claim]):
    def __init__(self, stored: StoredClaims) -> None:
        super().__init__(stored, CLAIMS, _normalised)

    def list(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        supplier: str | None = None,
    ) -> builtins.list[Claim]:
        return sorted(
            (
                c
                for c in self._visible().values()
                if (statuses is None or c.status in statuses)
                and (periods is None or c.period in periods)
                and (agreement is None or c.agreement == agreement)
                and (supplier is None or c.supplier == supplier)
            ),
            key=lambda c: (c.period, c.agreement, c.basis.value, c.clause),
        )
