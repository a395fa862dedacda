"""Evaluations over an SQLAlchemy session: the ``EvaluationRepository`` port.

A record is kept whole as its document (``documents.evaluation_document``), so a new field
of ``Evaluation`` needs no migration; agreement, objective, instant, status and the like
are copied into columns for queries. One record per agreement, objective and instant:
evaluating the same instant again replaces it (keeping its id).

``latest`` finds each objective's newest record in one query: the greatest ``at`` per
agreement and objective among the records asked for (a range of ``at``, read through its
index, or the ids past a mark, through the primary key), joined back to its row by the
unique key. It never scans the whole history, which grows by one record per objective and
minute while the scheduler runs.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import URL, Table, and_, func, select
from sqlalchemy.orm import Session

from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import StoredEvaluation
from slmo.store.convert import evaluation_values
from slmo.store.documents import as_utc, evaluation_from
from slmo.store.failures import session_url, translated
from slmo.store.measurements import upsert
from slmo.store.schema import EvaluationRow

EVALUATIONS: Table = EvaluationRow.__table__  # type: ignore[assignment]


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must not be negative: {limit}")


class SqlEvaluationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _url(self) -> URL:
        return session_url(self._session)

    def add(self, evaluations: Sequence[ObjectiveEvaluation]) -> int:
        """Store the records, each replacing one of the same agreement, objective and instant
        (the last of such repeats in ``evaluations`` wins); the number stored. Instants must be
        aware (``ValueError`` otherwise)."""
        given: dict[tuple[str, str, dt.datetime], dict[str, Any]] = {}
        for values in map(evaluation_values, evaluations):
            given[values["agreement"], values["objective"], values["at"]] = values
        if not given:
            return 0
        with translated(self._url, f"storing {len(given)} evaluations"):
            connection = self._session.connection()
            connection.execute(upsert(connection, EVALUATIONS, ("agreement", "objective", "at")), list(given.values()))
        return len(given)

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[ObjectiveEvaluation]:
        """Records with ``start <= at < end``, oldest first; with ``limit``, the newest
        ``limit`` of them past the newest ``offset`` (still oldest first). Records of one
        instant come in the order they were first stored."""
        _check_limit(limit)
        _check_limit(offset)
        statement = select(EVALUATIONS.c.document)
        if agreement is not None:
            statement = statement.where(EVALUATIONS.c.agreement == agreement)
        if objective is not None:
            statement = statement.where(EVALUATIONS.c.objective == objective)
        if start is not None:
            statement = statement.where(EVALUATIONS.c.at >= as_utc(start))
        if end is not None:
            statement = statement.where(EVALUATIONS.c.at < as_utc(end))
        if limit is not None:
            statement = statement.order_by(EVALUATIONS.c.at.desc(), EVALUATIONS.c.id.desc()).limit(limit).offset(offset)
        else:
            statement = statement.order_by(EVALUATIONS.c.at, EVALUATIONS.c.id)
        with translated(self._url, "reading evaluations"):
            documents = self._session.connection().execute(statement).scalars().all()
        found = [evaluation_from(document) for document in documents]
        return found[::-1] if limit is not None else found

    def last_id(self) -> int:
        with translated(self._url, "reading the last evaluation's id"):
            found = self._session.connection().execute(select(func.max(EVALUATIONS.c.id))).scalar()
        return int(found or 0)

    def latest(
        self, *, start: dt.datetime, end: dt.datetime, after: int = 0, upto: int | None = None
    ) -> builtins.list[StoredEvaluation]:
        """For each agreement and objective, its record with the greatest ``at`` among those with
        ``start <= at < end`` and ``after < id <= upto``."""
        e = EVALUATIONS.c
        newest = select(e.agreement, e.objective, func.max(e.at).label("at")).where(
            e.at >= as_utc(start), e.at < as_utc(end)
        )
        if after:
            newest = newest.where(e.id > after)
        if upto is not None:
            newest = newest.where(e.id <= upto)
        groups = newest.group_by(e.agreement, e.objective).subquery()
        statement = select(e.id, e.document).join(
            groups, and_(e.agreement == groups.c.agreement, e.objective == groups.c.objective, e.at == groups.c.at)
        )
        with translated(self._url, "reading the latest evaluations"):
            rows = self._session.connection().execute(statement).all()
        return [StoredEvaluation(row.id, evaluation_from(row.document)) for row in rows]
