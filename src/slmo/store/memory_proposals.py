"""Proposals for change in memory, with the SQL store's rules: nothing is seen by other units of
work until committed; ids are taken like a sequence's; a proposal is unique per period, kind,
agreement and objective; and changing or deleting one someone else changed since this unit of
work read it (or creating one whose key someone else took) is a ``ConflictError`` at commit,
as the revision check and the unique key make it."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Collection
from dataclasses import dataclass, field

from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.errors import ConflictError
from slmo.store.proposal_documents import normalised


@dataclass
class StoredProposals:
    """The committed proposals, by id, with their revision."""

    proposals: dict[int, tuple[Proposal, int]] = field(default_factory=dict)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


class MemoryProposalRepository:
    def __init__(self, stored: StoredProposals) -> None:
        self._stored = stored
        self.pending: dict[int, Proposal | None] = {}  # None: deleted
        self.bases: dict[int, int | None] = {}  # the revision a change was based on (None: new)

    def _committed(self) -> dict[int, tuple[Proposal, int]]:
        with self._stored.lock:
            return dict(self._stored.proposals)

    def _visible(self) -> dict[int, Proposal]:
        found = {proposal_id: proposal for proposal_id, (proposal, _) in self._committed().items()}
        for proposal_id, pending in self.pending.items():
            if pending is None:
                found.pop(proposal_id, None)
            else:
                found[proposal_id] = pending
        return found

    def add(self, proposal: Proposal) -> Proposal:
        if any(p.key == proposal.key for p in self._visible().values()):
            raise ConflictError(
                f"storing the proposal {'/'.join(proposal.key)}: there is one already", key="error.store.integrity"
            )
        proposal_id = self._stored.next_id()
        stored = normalised(dataclasses.replace(proposal, id=proposal_id, revision=1))
        self.bases[proposal_id] = None
        self.pending[proposal_id] = stored
        return stored

    def replace(self, proposal: Proposal) -> Proposal:
        held = None if proposal.id is None else self._visible().get(proposal.id)
        if proposal.id is None or held is None or held.revision != proposal.revision:
            raise ConflictError(
                f"storing proposal {proposal.id}: it was changed or deleted by someone else meanwhile; "
                "read it again and retry",
                key="error.store.stale",
            )
        stored = normalised(dataclasses.replace(proposal, revision=proposal.revision + 1))
        self.bases.setdefault(proposal.id, proposal.revision)
        self.pending[proposal.id] = stored
        return stored

    def get(self, proposal_id: int) -> Proposal | None:
        return self._visible().get(proposal_id)

    def delete(self, proposal_id: int) -> None:
        held = self._visible().get(proposal_id)
        if held is not None:
            self.bases.setdefault(proposal_id, held.revision)
            self.pending[proposal_id] = None

    def list(
        self,
        *,
        period: str | None = None,
        statuses: Collection[ProposalStatus] | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[Proposal]:
        return sorted(
            (
                p
                for p in self._visible().values()
                if (period is None or p.period == period)
                and (statuses is None or p.status in statuses)
                and (agreements is None or p.agreement in agreements)
            ),
            key=lambda p: p.id or 0,
        )

    def check(self) -> None:
        """Refuse the commit when a proposal this unit of work changed was changed by someone
        else since it was read, or a new proposal's key was taken (the caller holds no lock)."""
        committed = self._committed()
        keys = {proposal.key for proposal, _ in committed.values()}
        for proposal_id, base in self.bases.items():
            pending = self.pending.get(proposal_id)
            if base is None:
                if pending is not None and pending.key in keys:
                    raise ConflictError(
                        f"storing the proposal {'/'.join(pending.key)}: it was drafted by someone else meanwhile",
                        key="error.store.integrity",
                    )
                continue
            held = committed.get(proposal_id)
            if held is None or held[1] != base:
                raise ConflictError(
                    f"storing proposal {proposal_id}: it was changed by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )

    def commit(self) -> None:
        with self._stored.lock:
            for proposal_id, proposal in self.pending.items():
                if proposal is None:
                    self._stored.proposals.pop(proposal_id, None)
                else:
                    self._stored.proposals[proposal_id] = (proposal, proposal.revision)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.bases.clear()
