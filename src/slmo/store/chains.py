"""Hash chains in the database (``core.model.chain``): the head of each chain, and appending
one link under the chain's lock.

Appending takes the chain's lock until the transaction ends: an ``UPDATE`` of the chain's head
row that changes nothing. On PostgreSQL the row lock makes a second writer wait until the first
commits, and its next read (read committed) sees the new head; on SQLite the update begins the
write transaction, which one connection holds at a time (others wait under the busy timeout).
So two transactions never read the same head, and the chain cannot fork; were the lock ever
bypassed, the unique ``seq`` of the chained tables would refuse the second record rather than
keep two records at one position.

The row class lives here, registered on ``Base.metadata`` (the migrations' ``env.py`` imports
this module for it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Integer, String, Table, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.chain import GENESIS, ChainHead, link_hash
from slmo.store.schema import Base

HASH_LENGTH = 64


class ChainHeadRow(Base):
    """The last position written in one chain, and its hash."""

    __tablename__ = "hash_chains"

    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))

    def __repr__(self) -> str:
        return f"ChainHeadRow({self.chain} at {self.seq})"


HEADS: Table = ChainHeadRow.__table__  # type: ignore[assignment]


def read_head(session: Session, chain: str) -> ChainHead:
    found = session.connection().execute(select(HEADS.c.seq, HEADS.c.hash).where(HEADS.c.chain == chain)).first()
    return ChainHead() if found is None else ChainHead(found.seq, found.hash)


def append_link(session: Session, chain: str, content_of: Callable[[int], Mapping[str, Any]]) -> tuple[int, str, str]:
    """Lock ``chain`` (until the transaction ends) and make its next link: the position, the
    hash before it and the new record's hash (of ``content_of(position)``). The head moves to it."""
    connection = session.connection()
    locked = connection.execute(update(HEADS).where(HEADS.c.chain == chain).values(seq=HEADS.c.seq))
    if locked.rowcount == 0:
        # A chain never written (the migration makes the heads; a test's hand-made schema may not).
        connection.execute(HEADS.insert().values(chain=chain, seq=0, hash=GENESIS))
    head = read_head(session, chain)
    seq = head.seq + 1
    digest = link_hash(head.hash, content_of(seq))
    connection.execute(update(HEADS).where(HEADS.c.chain == chain).values(seq=seq, hash=digest))
    return seq, head.hash, digest
