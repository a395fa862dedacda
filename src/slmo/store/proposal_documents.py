"""Proposals as their stored documents, the same for the SQL and the in-memory store."""

from __future__ import annotations

import dataclasses
from typing import Any

from slmo.core.model.plain import from_plain, to_plain
from slmo.core.model.proposal import Proposal
from slmo.store.documents import as_utc


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    """The proposal as its stored document: everything but its id and revision, which are columns."""
    document: dict[str, Any] = to_plain(dataclasses.replace(proposal, id=None, revision=0))
    return document


def normalised(proposal: Proposal) -> Proposal:
    """The proposal as a store gives it back: through its document (instants in UTC)."""
    plain = proposal_document(proposal)
    found = from_plain(Proposal, plain)
    return dataclasses.replace(
        found,
        id=proposal.id,
        revision=proposal.revision,
        drafted_at=as_utc(found.drafted_at),
        decided_at=None if found.decided_at is None else as_utc(found.decided_at),
    )
