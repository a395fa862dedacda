"""Proposals for change in memory (``memory_revisions``: the SQL store's rules); a proposal is
unique per period, kind, agreement and objective."""

from __future__ import annotations

import builtins
from collections.abc import Collection

from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.store.memory_revisions import Naming, RevisedRows, StoredRows
from slmo.store.proposal_documents import normalised

StoredProposals = StoredRows[Proposal]

PROPOSALS: Naming[Proposal] = Naming(
    taken=lambda p: f"storing the proposal {'/'.join(p.key)}: there is one already",
    meanwhile=lambda p: f"storing the proposal {'/'.join(p.key)}: it was drafted by someone else meanwhile",
    stale=lambda i: (
        f"storing proposal {i}: it was changed or deleted by someone else meanwhile; read it again and retry"
    ),
)


class MemoryProposalRepository(RevisedRows[Proposal]):
    def __init__(self, stored: StoredProposals) -> None:
        super().__init__(stored, PROPOSALS, normalised)

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
