"""Where every objective in force stands now, from the evaluations the scheduler stores.

``GET /status`` is asked far more often than the answer changes: the scheduler evaluates each
objective about once a minute and stores the record (``EvaluationService.evaluate_in``), so
"now" is the newest stored record of each objective, not a fresh evaluation of every objective
at each request (about 3.5 ms each: seconds for 1,000 objectives). The board keeps those
records in process and brings them up to date at each request with two questions to the store
whose answers come from an index, whatever the size of the history:

- the id of the last evaluation stored: when it moved, only the records past the old mark are
  read (``EvaluationRepository.latest(after=...)``), each replacing its objective's row when
  it is newer;
- the id of the last audit entry: every change of the catalogue is audited, so when it moved
  the catalogue's fingerprint is read, and when that moved too, the objectives in force are
  listed again. So they are at a new UTC day (versions take force by date), and the
  fingerprint is read at least every ``recheck`` seconds anyway, for a change committed out
  of id order (PostgreSQL hands out ids before commit).

An objective in force whose newest record is missing, is for another agreement version or
indicator, or is older than ``stale_after``, is evaluated on the spot
(``EvaluationService.evaluate_target``), so that the answer is always complete. That
evaluation is then kept like a stored record (but not stored: reading status never writes)
until a newer one comes. Each row's ``at`` tells when it was evaluated.

Two limits, both bounded by the next record of the objective (the scheduler's next minute):
a record replaced in place (the same objective and instant evaluated again) keeps its id, so
it is not read again; and on PostgreSQL a record whose id was handed out before the mark but
committed after it is skipped.

``Standing.version`` grows whenever a row may have changed, so that an entry point may keep
what it made of the rows (a serialised body) for as long as the version holds; each row's
``stamp`` is unique to that record in the process, for the same reason at the row's scale.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slmo.core.engine import epoch_seconds
from slmo.core.model import Agreement
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import Clock, StoredEvaluation, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from slmo.services.evaluate import EvaluationService, Target

logger = logging.getLogger(__name__)

# The scheduler evaluates every objective about once a minute; a record ten times older means
# the scheduler is behind or stopped, and the objective is evaluated on the spot instead.
STALE_AFTER = dt.timedelta(minutes=10)
# Records a little in the future are another machine's clock running ahead; further ahead,
# someone evaluated a future instant on purpose, which is not "now".
CLOCK_SKEW = dt.timedelta(minutes=1)
RECHECK_SECONDS = 5.0

Key = tuple[str, str]


@dataclass(frozen=True)
class BoardRow:
    """One objective's row: ``stamp`` is unique to this record within the process."""

    stamp: int
    record: ObjectiveEvaluation


@dataclass(frozen=True)
class Standing:
    """Every objective in force, in the order ``EvaluationService.status`` gives them."""

    version: int
    rows: tuple[BoardRow, ...]
    # The agreements in force, for the walls between customers (``services.access``).
    agreements: tuple[Agreement, ...]
    stamps: frozenset[int]


@dataclass(frozen=True)
class _Held:
    stamp: int
    id: int  # 0 for an evaluation made on the spot, never stored
    record: ObjectiveEvaluation

    def newer_than(self, other: _Held) -> bool:
        mine, theirs = self.record.evaluation.at, other.record.evaluation.at
        return mine > theirs or (mine == theirs and self.id > other.id)


def _key(record: ObjectiveEvaluation) -> Key:
    return (record.agreement, record.evaluation.objective)


class StatusBoard:
    """The newest evaluation of every objective in force, kept up to date; thread-safe."""

    def __init__(
        self,
        evaluation: EvaluationService,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        stale_after: dt.timedelta = STALE_AFTER,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._evaluation = evaluation
        self._uow = uow
        self._clock = clock
        self.stale_after = stale_after
        self._recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._stamps = itertools.count(1)
        self._newest: dict[Key, _Held] = {}
        self._evaluations_mark: int | None = None
        self._audit_mark: int | None = None
        self._fingerprint: tuple[int, ...] | None = None
        self._day: dt.date | None = None
        self._next_recheck = 0.0
        self._targets: list[Target] = []
        self._standing: Standing | None = None
        self._expires: dt.datetime | None = None
        self._versions = itertools.count(1)
        # How long an answer is served without asking the store again. 0 (the default) asks at
        # every request; a server under load sets a second or so (``coalesce_seconds``), so that
        # a scheduler storing a record every few milliseconds does not make every request read
        # and compose anew: "now" then lags the store by at most that long.
        self.coalesce_seconds = 0.0
        self._fresh_until = 0.0

    def standing(self) -> Standing:
        """Where every objective in force stands now."""
        with self._lock:
            held = self._standing
            if held is not None and time.monotonic() < self._fresh_until:
                now = self._clock.now()
                if self._expires is None or now < self._expires:
                    return held
            with self._uow() as uow:
                now = self._clock.now()
                changed = self._read_new(uow, now)
                changed = self._check_catalogue(uow, now) or changed
                if changed or self._standing is None or (self._expires is not None and now >= self._expires):
                    self._standing = self._compose(uow, now)
            self._fresh_until = time.monotonic() + self.coalesce_seconds
            return self._standing

    # -- keeping up with the store -------------------------------------------------------

    def _read_new(self, uow: UnitOfWork, now: dt.datetime) -> bool:
        """Take in the records stored since the last request; whether any row changed."""
        mark = uow.evaluations.last_id()
        if mark == self._evaluations_mark:
            return False
        # Records older than the bound would be evaluated again anyway; those after the skew
        # are not "now" (and are never read again: the mark moves past them).
        start, end = now - self.stale_after, now + CLOCK_SKEW
        if self._evaluations_mark is None or mark < self._evaluations_mark:
            # The first request, or a store that went back (restored from a backup): read it all.
            self._newest.clear()
            found = uow.evaluations.latest(start=start, end=end, upto=mark)
        else:
            found = uow.evaluations.latest(start=start, end=end, after=self._evaluations_mark, upto=mark)
        self._evaluations_mark = mark
        return self._take(found)

    def _take(self, found: list[StoredEvaluation]) -> bool:
        changed = False
        for stored in found:
            held = _Held(next(self._stamps), stored.id, stored.record)
            current = self._newest.get(_key(stored.record))
            if current is None or held.newer_than(current):
                self._newest[_key(stored.record)] = held
                changed = True
        return changed

    def _check_catalogue(self, uow: UnitOfWork, now: dt.datetime) -> bool:
        """List the objectives in force again when the catalogue (or the day) changed."""
        audit = uow.audit.last_id()
        due = time.monotonic() >= self._next_recheck
        if audit == self._audit_mark and not due and now.date() == self._day:
            return False
        self._audit_mark = audit
        self._next_recheck = time.monotonic() + self._recheck_seconds
        fingerprint = uow.catalogue.fingerprint()
        if fingerprint == self._fingerprint and now.date() == self._day:
            return False
        self._targets = self._evaluation.targets(uow, now)
        self._fingerprint, self._day = fingerprint, now.date()
        # Forget the records of objectives gone from the catalogue, and those past the bound.
        keys = {(t.agreement.name, t.objective.name) for t in self._targets}
        oldest = now - self.stale_after
        self._newest = {k: h for k, h in self._newest.items() if k in keys and h.record.evaluation.at >= oldest}
        logger.info("status board: %d objectives in force", len(self._targets))
        return True

    # -- the answer ----------------------------------------------------------------------

    def _usable(self, held: _Held | None, target: Target, oldest: dt.datetime) -> bool:
        if held is None:
            return False
        record = held.record
        return (
            record.version == target.version.number
            and record.indicator == target.indicator.name
            and record.evaluation.at >= oldest
        )

    def _compose(self, uow: UnitOfWork, now: dt.datetime) -> Standing:
        oldest = now - self.stale_after
        missing = [t for t in self._targets if not self._usable(self._newest.get(_key_of(t)), t, oldest)]
        if missing:
            t = epoch_seconds(now)
            began = time.perf_counter()
            for target in missing:
                record = self._evaluation.evaluate_target(uow, target, t)
                self._newest[_key_of(target)] = _Held(next(self._stamps), 0, record)
            logger.info(
                "status board: %d objectives without a recent stored evaluation evaluated in %.0f ms",
                len(missing),
                1000 * (time.perf_counter() - began),
            )
        held = [self._newest[_key_of(t)] for t in self._targets]
        self._expires = min((h.record.evaluation.at for h in held), default=now) + self.stale_after
        agreements: dict[str, Agreement] = {t.agreement.name: t.agreement for t in self._targets}
        rows = tuple(BoardRow(h.stamp, h.record) for h in held)
        return Standing(
            version=next(self._versions),
            rows=rows,
            agreements=tuple(agreements.values()),
            stamps=frozenset(r.stamp for r in rows),
        )


def _key_of(target: Target) -> Key:
    return (target.agreement.name, target.objective.name)
