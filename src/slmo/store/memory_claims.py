"""Claims on suppliers in memory, with the SQL store's rules: nothing is seen by other units of
work until committed; ids are taken like a sequence's; a claim is unique per agreement, period,
basis and clause; and changing or deleting a claim someone else changed since this unit of work
read it (or creating one whose key someone else took) is a ``ConflictError`` at commit, as the
revision check and the unique key make it."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from slmo.core.model.claims import Claim, ClaimStatus
from slmo.errors import ConflictError
from slmo.store.documents import as_utc


@dataclass
class StoredClaims:
    """The committed claims, by id, with their revision."""

    claims: dict[int, tuple[Claim, int]] = field(default_factory=dict)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


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


class MemoryClaimRepository:
    def __init__(self, stored: StoredClaims) -> None:
        self._stored = stored
        self.pending: dict[int, Claim | None] = {}  # None: deleted
        self.bases: dict[int, int | None] = {}  # the revision a change was based on (None: new)

    def _visible(self) -> dict[int, Claim]:
        with self._stored.lock:
            found = {claim_id: claim for claim_id, (claim, _) in self._stored.claims.items()}
        for claim_id, pending in self.pending.items():
            if pending is None:
                found.pop(claim_id, None)
            else:
                found[claim_id] = pending
        return found

    def add(self, claim: Claim) -> Claim:
        if any(c.key == claim.key for c in self._visible().values()):
            raise ConflictError(
                f"storing the claim of {claim.agreement} for {claim.period}: there is one already",
                key="error.store.integrity",
            )
        claim_id = self._stored.next_id()
        stored = _normalised(dataclasses.replace(claim, id=claim_id, revision=1))
        self.bases[claim_id] = None
        self.pending[claim_id] = stored
        return stored

    def replace(self, claim: Claim) -> Claim:
        held = None if claim.id is None else self._visible().get(claim.id)
        if claim.id is None or held is None or held.revision != claim.revision:
            raise ConflictError(
                f"storing claim {claim.id}: it was changed or deleted by someone else meanwhile; "
                "read it again and retry",
                key="error.store.stale",
            )
        stored = _normalised(dataclasses.replace(claim, revision=claim.revision + 1))
        self.bases.setdefault(claim.id, claim.revision)
        self.pending[claim.id] = stored
        return stored

    def get(self, claim_id: int) -> Claim | None:
        return self._visible().get(claim_id)

    def delete(self, claim_id: int) -> None:
        held = self._visible().get(claim_id)
        if held is not None:
            self.bases.setdefault(claim_id, held.revision)
            self.pending[claim_id] = None

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

    def check(self) -> None:
        """Refuse the commit when a claim this unit of work changed was changed by someone else
        since it was read, or a new claim's key was taken (the caller holds the store's lock)."""
        with self._stored.lock:
            committed = dict(self._stored.claims)
        keys = {claim.key for claim, _ in committed.values()}
        for claim_id, base in self.bases.items():
            pending = self.pending.get(claim_id)
            if base is None:
                if pending is not None and pending.key in keys:
                    raise ConflictError(
                        f"storing the claim of {pending.agreement} for {pending.period}: it was made by "
                        "someone else meanwhile",
                        key="error.store.integrity",
                    )
                continue
            held = committed.get(claim_id)
            if held is None or held[1] != base:
                raise ConflictError(
                    f"storing claim {claim_id}: it was changed by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )

    def commit(self) -> None:
        with self._stored.lock:
            for claim_id, claim in self.pending.items():
                if claim is None:
                    self._stored.claims.pop(claim_id, None)
                else:
                    self._stored.claims[claim_id] = (claim, claim.revision)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.bases.clear()
