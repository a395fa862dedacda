"""Reviews and the improvement register over SQLAlchemy: the ``ReviewRepository`` and
``ActionRepository`` ports. Each record is kept whole as its plain document
(``core.model.plain``), with the columns queries filter on beside it; an action's ``revision``
is the mapper's version counter, so a change based on a revision someone else has since
changed matches no row and is a conflict.

The row classes live here, registered on ``Base.metadata`` (the migrations' ``env.py`` imports
this module for them).
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Date, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.improvement import ActionStatus, ImprovementAction
from slmo.core.model.plain import from_plain, to_plain
from slmo.core.model.review import Review
from slmo.errors import ConflictError
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc, json_copy
from slmo.store.failures import session_url, translated
from slmo.store.schema import KIND_LENGTH, NAME_LENGTH, Base


class ReviewRow(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index(None, "subject_kind", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    subject: Mapped[str] = mapped_column(String(NAME_LENGTH))
    held_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    document: Mapped[dict[str, Any]] = mapped_column(json_document())

    def __repr__(self) -> str:
        return f"ReviewRow({self.id}: {self.subject_kind}/{self.subject} on {self.held_on})"


class ActionRow(Base):
    __tablename__ = "improvement_actions"
    __table_args__ = (Index(None, "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH))
    due: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    document: Mapped[dict[str, Any]] = mapped_column(json_document())
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    def __repr__(self) -> str:
        return f"ActionRow({self.id}: {self.status}, due {self.due})"


def _document(value: Review | ImprovementAction, what: str) -> dict[str, Any]:
    # Kept without the id and revision, which are columns of their own.
    plain = to_plain(value)
    plain.pop("id", None)
    plain.pop("revision", None)
    return json_copy(plain, what)


def review_of(row: ReviewRow) -> Review:
    return from_plain(Review, {**row.document, "id": row.id})


def action_of(row: ActionRow) -> ImprovementAction:
    return from_plain(ImprovementAction, {**row.document, "id": row.id, "revision": row.revision})


def _utc_review(review: Review) -> Review:
    return dataclasses.replace(review, recorded_at=as_utc(review.recorded_at))


def _fill(row: ActionRow, action: ImprovementAction) -> None:
    action = dataclasses.replace(
        action,
        created_at=as_utc(action.created_at),
        updated_at=as_utc(action.updated_at),
        done_at=None if action.done_at is None else as_utc(action.done_at),
    )
    row.status = action.status.value
    row.owner = action.owner
    row.due = action.due
    row.updated_at = action.updated_at
    row.document = _document(action, f"improvement action {action.id or 'new'}")


class SqlReviewRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, review: Review) -> Review:
        review = _utc_review(review)
        row = ReviewRow(
            subject_kind=review.subject_kind,
            subject=review.subject,
            held_on=review.date,
            recorded_at=review.recorded_at,
            document=_document(review, f"the review of {review.key}"),
        )
        with translated(session_url(self._session), f"storing a review of {review.key}"):
            self._session.add(row)
            self._session.flush()
        return review_of(row)

    def get(self, review_id: int) -> Review | None:
        with translated(session_url(self._session), "reading a review"):
            row = self._session.get(ReviewRow, review_id)
        return None if row is None else review_of(row)

    def list(self, *, subject_kind: str | None = None, subject: str | None = None) -> builtins.list[Review]:
        statement = select(ReviewRow).order_by(ReviewRow.held_on, ReviewRow.id)
        if subject_kind is not None:
            statement = statement.where(ReviewRow.subject_kind == subject_kind)
        if subject is not None:
            statement = statement.where(ReviewRow.subject == subject)
        with translated(session_url(self._session), "reading reviews"):
            return [review_of(row) for row in self._session.scalars(statement)]


class SqlActionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, action: ImprovementAction) -> ImprovementAction:
        row = ActionRow()
        _fill(row, action)
        with translated(session_url(self._session), "storing an improvement action"):
            self._session.add(row)
            self._session.flush()
        return action_of(row)

    def update(self, action: ImprovementAction) -> ImprovementAction:
        if action.id is None:
            raise ValueError("an action must be stored before it is changed")
        with translated(session_url(self._session), f"changing improvement action {action.id}"):
            row = self._session.get(ActionRow, action.id, populate_existing=True)
            if row is None or row.revision != action.revision:
                raise ConflictError(
                    f"action {action.id} was changed by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )
            _fill(row, action)
            self._session.flush()
        return action_of(row)

    def get(self, action_id: int) -> ImprovementAction | None:
        with translated(session_url(self._session), "reading an improvement action"):
            row = self._session.get(ActionRow, action_id, populate_existing=True)
        return None if row is None else action_of(row)

    def list(self, *, statuses: Collection[ActionStatus] | None = None) -> builtins.list[ImprovementAction]:
        statement = select(ActionRow).order_by(ActionRow.id).execution_options(populate_existing=True)
        if statuses is not None:
            statement = statement.where(ActionRow.status.in_([s.value for s in statuses]))
        with translated(session_url(self._session), "reading improvement actions"):
            return [action_of(row) for row in self._session.scalars(statement)]
