"""Hash chains (``core.model.chain``, ``core.engine.hashchain``): the canonical form, and the
first bad record named for each way a chain can be tampered with."""

from __future__ import annotations

import dataclasses

from slmo.core.engine.hashchain import verify_chain
from slmo.core.model.chain import GENESIS, ChainHead, ChainLink, FaultKind, canonical, link_hash


def chain_of(count: int) -> tuple[list[ChainLink], ChainHead]:
    links: list[ChainLink] = []
    prev = GENESIS
    for seq in range(1, count + 1):
        content = {"seq": seq, "what": f"entry {seq}", "amount": seq * 1.5}
        digest = link_hash(prev, content)
        links.append(ChainLink(seq, 100 + seq, content, prev, digest))
        prev = digest
    return links, ChainHead(count, prev)


def test_the_canonical_form_is_sorted_compact_and_whole_numbers_are_integers() -> None:
    assert canonical({"b": 1.0, "a": [2.5, 1e16], "c": "الوزارة"}) == (
        '{"a":[2.5,10000000000000000],"b":1,"c":"الوزارة"}'.encode()
    )
    # The same content hashes the same however its keys were ordered.
    assert link_hash(GENESIS, {"x": 1, "y": 2}) == link_hash(GENESIS, {"y": 2, "x": 1.0})
    assert len(link_hash(GENESIS, {})) == 64


def test_an_untouched_chain_verifies() -> None:
    links, head = chain_of(5)
    report = verify_chain("audit", links, head)
    assert report.ok and report.records == 5 and report.head == head
    assert verify_chain("audit", [], ChainHead()).ok


def test_an_edited_record_is_named() -> None:
    links, head = chain_of(5)
    links[2] = dataclasses.replace(links[2], content={**links[2].content, "what": "something else"})
    fault = verify_chain("audit", links, head).fault
    assert fault is not None and (fault.kind, fault.seq, fault.record_id) == (FaultKind.EDITED, 3, 103)
    assert fault.detail == "record 103 (position 3) was changed after it was written"


def test_a_record_rewritten_with_a_new_hash_breaks_the_next_link() -> None:
    links, head = chain_of(5)
    content = {**links[1].content, "what": "rewritten"}
    links[1] = dataclasses.replace(links[1], content=content, hash=link_hash(links[1].prev_hash, content))
    fault = verify_chain("audit", links, head).fault
    assert fault is not None and (fault.kind, fault.seq, fault.record_id) == (FaultKind.UNLINKED, 3, 103)
    assert "does not follow record 102" in fault.detail


def test_a_deleted_record_is_named_by_its_position() -> None:
    links, head = chain_of(5)
    del links[1]
    fault = verify_chain("audit", links, head).fault
    assert fault is not None and (fault.kind, fault.seq, fault.record_id) == (FaultKind.MISSING, 2, None)
    assert fault.detail == "the record at position 2 is missing (deleted); the next one is record 103 at position 3"


def test_deleting_the_newest_records_shows_against_the_head() -> None:
    links, head = chain_of(5)
    fault = verify_chain("audit", links[:3], head).fault
    assert fault is not None and (fault.kind, fault.seq) == (FaultKind.MISSING, 4)


def test_reordered_records_are_unlinked() -> None:
    links, head = chain_of(5)
    a, b = links[1], links[2]
    links[1] = dataclasses.replace(b, seq=2)
    links[2] = dataclasses.replace(a, seq=3)
    fault = verify_chain("audit", links, head).fault
    assert fault is not None and (fault.kind, fault.seq, fault.record_id) == (FaultKind.UNLINKED, 2, 103)


def test_a_record_added_past_the_head_is_extra_unless_the_head_moved_meanwhile() -> None:
    links, head = chain_of(5)
    older = ChainHead(4, links[3].hash)
    fault = verify_chain("audit", links, older).fault
    assert fault is not None and (fault.kind, fault.seq, fault.record_id) == (FaultKind.EXTRA, 5, 105)
    # Appended while the chain was read: the head read afterwards names it.
    assert verify_chain("audit", links, older, lambda: head).ok


def test_a_head_that_names_another_hash() -> None:
    links, _ = chain_of(3)
    fault = verify_chain("audit", links, ChainHead(3, "f" * 64)).fault
    assert fault is not None and (fault.kind, fault.seq) == (FaultKind.HEAD, 3)
