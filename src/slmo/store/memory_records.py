"""In-memory reviews, improvement actions, closed periods and the audit log's chain, with the
SQL store's rules: nothing is visible to other units of work until commit; a change of an
action based on a revision someone else has since committed is a ``ConflictError``; a period
is closed once; chained records get their positions and hashes in commit order, as the chain's
lock gives them in the database (``store.chains``)."""

from __future__ import annotations

import builtins
import dataclasses
import functools
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slmo.core.model.audit import AuditEntry
from slmo.core.model.chain import (
    AUDIT_CHAIN,
    CLOSES_CHAIN,
    ChainHead,
    ChainLink,
    audit_content,
    close_content,
    link_hash,
)
from slmo.core.model.improvement import ActionStatus, ImprovementAction
from slmo.core.model.period_close import ClosedFigure, ClosedPeriod
from slmo.core.model.review import Review
from slmo.errors import ConflictError
from slmo.store.documents import as_utc, evaluation_document, evaluation_from


@dataclass
class StoredRecords:
    """What the units of work share: committed reviews, actions, closed periods, and each
    chain's links by record id (position, hash before, hash) with its head."""

    reviews: dict[int, Review] = field(default_factory=dict)
    actions: dict[int, ImprovementAction] = field(default_factory=dict)
    closes: dict[int, ClosedPeriod] = field(default_factory=dict)
    links: dict[str, dict[int, tuple[int, str, str]]] = field(
        default_factory=lambda: {AUDIT_CHAIN: {}, CLOSES_CHAIN: {}}
    )
    heads: dict[str, ChainHead] = field(default_factory=lambda: {AUDIT_CHAIN: ChainHead(), CLOSES_CHAIN: ChainHead()})
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id

    def link(self, chain: str, record_id: int, content_of: Callable[[int], Mapping[str, Any]]) -> int:
        """Chain one record (the caller holds the store's lock); its position."""
        head = self.heads[chain]
        seq = head.seq + 1
        digest = link_hash(head.hash, content_of(seq))
        self.links[chain][record_id] = (seq, head.hash, digest)
        self.heads[chain] = ChainHead(seq, digest)
        return seq

    def link_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Chain audit entries just committed, in the order recorded."""
        for entry in entries:
            assert entry.id is not None
            self.link(AUDIT_CHAIN, entry.id, functools.partial(_audit_content, entry))

    def audit_chain(self, entries: Sequence[AuditEntry]) -> Iterator[ChainLink]:
        links = self.links[AUDIT_CHAIN]
        found = sorted((links[e.id][0], e) for e in entries if e.id in links)
        for seq, entry in found:
            _, prev, digest = links[entry.id]  # type: ignore[index]
            yield ChainLink(seq, entry.id or 0, audit_content(entry, seq), prev, digest)


def _audit_content(entry: AuditEntry, seq: int) -> dict[str, Any]:
    return audit_content(entry, seq)


def _utc(action: ImprovementAction) -> ImprovementAction:
    return dataclasses.replace(
        action,
        created_at=as_utc(action.created_at),
        updated_at=as_utc(action.updated_at),
        done_at=None if action.done_at is None else as_utc(action.done_at),
    )


class MemoryReviewRepository:
    def __init__(self, stored: StoredRecords) -> None:
        self._stored = stored
        self.pending: dict[int, Review] = {}

    def add(self, review: Review) -> Review:
        made = dataclasses.replace(review, id=self._stored.next_id(), recorded_at=as_utc(review.recorded_at))
        assert made.id is not None
        self.pending[made.id] = made
        return made

    def get(self, review_id: int) -> Review | None:
        with self._stored.lock:
            found = self._stored.reviews.get(review_id)
        return self.pending.get(review_id, found)

    def list(self, *, subject_kind: str | None = None, subject: str | None = None) -> builtins.list[Review]:
        with self._stored.lock:
            everything = {**self._stored.reviews, **self.pending}
        found = [
            r
            for r in everything.values()
            if (subject_kind is None or r.subject_kind == subject_kind) and (subject is None or r.subject == subject)
        ]
        return sorted(found, key=lambda r: (r.date, r.id or 0))

    def commit(self) -> None:
        self._stored.reviews.update(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


class MemoryActionRepository:
    def __init__(self, stored: StoredRecords) -> None:
        self._stored = stored
        # id -> (the revision the change was based on, None for a new action; the action)
        self.pending: dict[int, tuple[int | None, ImprovementAction]] = {}

    def add(self, action: ImprovementAction) -> ImprovementAction:
        made = _utc(dataclasses.replace(action, id=self._stored.next_id(), revision=1))
        assert made.id is not None
        self.pending[made.id] = (None, made)
        return made

    def update(self, action: ImprovementAction) -> ImprovementAction:
        if action.id is None:
            raise ValueError("an action must be stored before it is changed")
        current = self.get(action.id)
        if current is None or current.revision != action.revision:
            raise _stale(action.id)
        base = self.pending[action.id][0] if action.id in self.pending else action.revision
        made = _utc(dataclasses.replace(action, revision=action.revision + 1))
        self.pending[action.id] = (base, made)
        return made

    def get(self, action_id: int) -> ImprovementAction | None:
        if action_id in self.pending:
            return self.pending[action_id][1]
        with self._stored.lock:
            return self._stored.actions.get(action_id)

    def list(self, *, statuses: Collection[ActionStatus] | None = None) -> builtins.list[ImprovementAction]:
        with self._stored.lock:
            everything = dict(self._stored.actions)
        everything.update({i: a for i, (_, a) in self.pending.items()})
        return [a for _, a in sorted(everything.items()) if statuses is None or a.status in statuses]

    def check(self) -> None:
        for action_id, (base, _) in self.pending.items():
            committed = self._stored.actions.get(action_id)
            if base is not None and (committed is None or committed.revision != base):
                raise _stale(action_id)

    def commit(self) -> None:
        self._stored.actions.update({i: a for i, (_, a) in self.pending.items()})
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


def _stale(action_id: int) -> ConflictError:
    return ConflictError(
        f"action {action_id} was changed by someone else meanwhile; read it again and retry", key="error.store.stale"
    )


def _closed_key(closed: ClosedPeriod) -> tuple[str, str, str]:
    return (closed.agreement, closed.objective, closed.period)


class MemoryPeriodCloseRepository:
    def __init__(self, stored: StoredRecords) -> None:
        self._stored = stored
        self.pending: list[ClosedPeriod] = []

    def _visible(self) -> list[ClosedPeriod]:
        with self._stored.lock:
            committed = sorted(self._stored.closes.values(), key=lambda c: c.seq)
        return [*committed, *self.pending]

    def add(self, closed: ClosedPeriod) -> ClosedPeriod | None:
        if any(_closed_key(c) == _closed_key(closed) for c in self._visible()):
            return None
        with self._stored.lock:
            provisional = self._stored.heads[CLOSES_CHAIN].seq + len(self.pending) + 1
        made = dataclasses.replace(
            closed,
            id=self._stored.next_id(),
            closed_at=as_utc(closed.closed_at),
            record=evaluation_from(evaluation_document(closed.record)),
            seq=provisional,
        )
        self.pending.append(made)
        return made

    def get(self, agreement: str, objective: str, period: str) -> ClosedPeriod | None:
        return next((c for c in self._visible() if _closed_key(c) == (agreement, objective, period)), None)

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        periods: Collection[str] | None = None,
        after: int = 0,
    ) -> builtins.list[ClosedPeriod]:
        return [
            c
            for c in self._visible()
            if (agreement is None or c.agreement == agreement)
            and (objective is None or c.objective == objective)
            and (periods is None or c.period in periods)
            and c.seq > after
        ]

    def figures(self, *, periods: Collection[str] | None = None, after: int = 0) -> builtins.list[ClosedFigure]:
        return [
            ClosedFigure(
                agreement=c.agreement,
                objective=c.objective,
                period=c.period,
                seq=c.seq,
                status=c.record.evaluation.status,
                budget_left=c.record.evaluation.budget_left,
            )
            for c in self.list(periods=periods, after=after)
        ]

    def chain(self) -> Iterator[ChainLink]:
        with self._stored.lock:
            committed = dict(self._stored.closes)
            links = dict(self._stored.links[CLOSES_CHAIN])
        for record_id, closed in sorted(committed.items(), key=lambda item: links[item[0]][0]):
            seq, prev, digest = links[record_id]
            yield ChainLink(seq, record_id, _content(closed, seq), prev, digest)

    def chain_head(self) -> ChainHead:
        with self._stored.lock:
            return self._stored.heads[CLOSES_CHAIN]

    def check(self) -> None:
        taken = {_closed_key(c) for c in self._stored.closes.values()}
        for closed in self.pending:
            if _closed_key(closed) in taken:
                raise ConflictError(
                    f"{closed.key} {closed.period} was closed by someone else meanwhile", key="error.store.integrity"
                )

    def commit(self) -> None:
        for closed in self.pending:
            assert closed.id is not None
            seq = self._stored.link(CLOSES_CHAIN, closed.id, functools.partial(_content, closed))
            self._stored.closes[closed.id] = dataclasses.replace(closed, seq=seq)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


def _content(closed: ClosedPeriod, seq: int) -> dict[str, Any]:
    return close_content(
        seq, closed.agreement, closed.objective, closed.period, closed.closed_at, evaluation_document(closed.record)
    )


def audit_head(stored: StoredRecords) -> ChainHead:
    with stored.lock:
        return stored.heads[AUDIT_CHAIN]
