"""Hash chains: the tamper-evident form of the audit log and of the closed period evaluations.

Every record of a chain holds its position ``seq`` (1, 2, 3 ... with no gap), the hash of the
record before it (``prev_hash``; ``GENESIS`` for the first) and its own ``hash``:

    hash = SHA-256( prev_hash  "\\n"  canonical(content) )  as 64 hex digits

where ``content`` is the record's own fields with ``seq`` among them (``audit_content``,
``close_content``) and ``canonical`` is JSON with sorted keys, no spaces, UTF-8, and every
float that is a whole number written as an integer (PostgreSQL's JSONB gives ``1e+16`` back
as ``10000000000000000``: the same number must hash the same on every database). Each chain
also has a head (the last ``seq`` and ``hash``), written with every record, so that deleting
the newest records shows too.

The format is part of what is stored: changing it would make every stored chain fail, so a
new format would need a new chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slmo.core.model.audit import AuditEntry

GENESIS = "0" * 64
AUDIT_CHAIN = "audit"
CLOSES_CHAIN = "periods"
CHAINS = (AUDIT_CHAIN, CLOSES_CHAIN)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _whole(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_whole(v) for v in value]
    return value


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes a record's content is hashed as."""
    text = json.dumps(_whole(content), sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def link_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(content))
    return digest.hexdigest()


def instant_text(at: dt.datetime) -> str:
    """An instant as hashed: UTC, to the microsecond (what both databases keep)."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def audit_content(entry: AuditEntry, seq: int) -> dict[str, Any]:
    """What an audit entry's hash covers: everything but its database id."""
    return {
        "seq": seq,
        "at": instant_text(entry.at),
        "actor": entry.actor,
        "interface": entry.interface,
        "action": str(entry.action),
        "kind": entry.kind,
        "name": entry.name,
        "before": None if entry.before is None else dict(entry.before),
        "after": None if entry.after is None else dict(entry.after),
    }


def close_content(
    seq: int, agreement: str, objective: str, period: str, closed_at: dt.datetime, record: Mapping[str, Any]
) -> dict[str, Any]:
    """What a closed period's hash covers: its names, when it was closed, and the evaluation
    record as stored (its plain document)."""
    return {
        "seq": seq,
        "agreement": agreement,
        "objective": objective,
        "period": period,
        "closed_at": instant_text(closed_at),
        "record": dict(record),
    }


@dataclass(frozen=True)
class ChainHead:
    """The last position written and its hash (0 and ``GENESIS`` for an empty chain)."""

    seq: int = 0
    hash: str = GENESIS


@dataclass(frozen=True)
class ChainLink:
    """One stored record as read back: its position, its id in its table (how people name it),
    the content its hash covers, recomputed from the stored columns, and the stored hashes."""

    seq: int
    record_id: int
    content: Mapping[str, Any]
    prev_hash: str
    hash: str


class FaultKind(StrEnum):
    EDITED = "edited"  # the record's content no longer gives its hash
    UNLINKED = "unlinked"  # its prev_hash is not the hash of the record before it
    MISSING = "missing"  # a position has no record: deleted
    EXTRA = "extra"  # a record past the head: added behind slmo's back
    HEAD = "head"  # the head names a hash no record has


@dataclass(frozen=True)
class ChainFault:
    """The first thing wrong with a chain: which kind, at which position, and the id of the
    record there (``None`` when the record is gone)."""

    kind: FaultKind
    seq: int
    record_id: int | None
    detail: str


@dataclass(frozen=True)
class ChainReport:
    """What verifying one chain found: how many records, the head's hash (to note elsewhere:
    a chain recomputed whole by someone who can write the database verifies again, but its
    head changes), and the first fault, if any."""

    chain: str
    records: int
    head: ChainHead
    fault: ChainFault | None

    @property
    def ok(self) -> bool:
        return self.fault is None
