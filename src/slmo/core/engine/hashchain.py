"""Verifying a hash chain (``core.model.chain``): walk the records in order of position,
recompute each hash, and stop at the first record that is wrong.

Rules, checked at each position in this order:

1. a position with no record (the next record has a greater ``seq``) is ``missing``: a record
   was deleted (the first missing position is named, with the id of the record after it);
2. a record whose stored ``prev_hash`` is not the stored hash of the record before it (or
   ``GENESIS`` for the first) is ``unlinked``: records were reordered, or one of the two was
   rewritten with a new hash;
3. a record whose content does not give its stored hash is ``edited``;
4. the record at the head's position must have the head's hash (else ``head``); positions up
   to the head without a record are ``missing`` (the newest records were deleted); a record
   past the head is ``extra`` (added behind slmo's back).

Records are appended while a chain is verified: the head is read before the records and again
after them (``head_after``), and only a record past the second reading is ``extra``, since
slmo moves the head in the transaction that adds the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from slmo.core.model.chain import GENESIS, ChainFault, ChainHead, ChainLink, ChainReport, FaultKind, link_hash


def verify_chain(
    chain: str, links: Iterable[ChainLink], head: ChainHead, head_after: Callable[[], ChainHead] | None = None
) -> ChainReport:
    """The report of ``chain`` from its records (in order of ``seq``) and its head as read
    before them (``head``) and after them (``head_after``, the same head when not given)."""
    expected_seq = 1
    prev = GENESIS
    prev_id: int | None = None
    count = 0
    beyond: list[ChainLink] = []
    for link in links:
        fault = _check(link, expected_seq, prev, prev_id)
        if fault is None and link.seq == head.seq and link.hash != head.hash:
            fault = ChainFault(
                FaultKind.HEAD,
                link.seq,
                link.record_id,
                f"record {link.record_id} (position {link.seq}) is not the record the chain's head names",
            )
        if fault is not None:
            if link.seq > head.seq:
                # Past the head read before the walk: appended meanwhile, or added behind slmo's back.
                after = head_after() if head_after is not None else head
                if link.seq > after.seq:
                    fault = _extra(link, after)
            return ChainReport(chain, count, head, fault)
        if link.seq > head.seq:
            beyond.append(link)
        count += 1
        expected_seq = link.seq + 1
        prev = link.hash
        prev_id = link.record_id
    last = expected_seq - 1
    after = head_after() if head_after is not None else head
    fault = None
    if last < head.seq:
        fault = ChainFault(
            FaultKind.MISSING,
            last + 1,
            None,
            f"records at positions {last + 1} to {head.seq} are missing (deleted); the chain's head is at {head.seq}",
        )
    elif last > after.seq:
        fault = _extra(next(link for link in beyond if link.seq > after.seq), after)
    return ChainReport(chain, count, after, fault)


def _extra(link: ChainLink, head: ChainHead) -> ChainFault:
    return ChainFault(
        FaultKind.EXTRA,
        link.seq,
        link.record_id,
        f"record {link.record_id} (position {link.seq}) is past the chain's head ({head.seq}): "
        "it was added behind slmo's back",
    )


def _check(link: ChainLink, expected_seq: int, prev: str, prev_id: int | None) -> ChainFault | None:
    if link.seq != expected_seq:
        return ChainFault(
            FaultKind.MISSING,
            expected_seq,
            None,
            f"the record at position {expected_seq} is missing (deleted); the next one is record "
            f"{link.record_id} at position {link.seq}",
        )
    if link.prev_hash != prev:
        before = "the start of the chain" if prev_id is None else f"record {prev_id}"
        return ChainFault(
            FaultKind.UNLINKED,
            link.seq,
            link.record_id,
            f"record {link.record_id} (position {link.seq}) does not follow {before}: "
            "records were reordered, or one of the two was rewritten with a new hash",
        )
    if link_hash(link.prev_hash, link.content) != link.hash:
        return ChainFault(
            FaultKind.EDITED,
            link.seq,
            link.record_id,
            f"record {link.record_id} (position {link.seq}) was changed after it was written",
        )
    return None
