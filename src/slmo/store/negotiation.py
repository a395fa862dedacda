"""The negotiation record: the ``NegotiationLog`` port over SQLAlchemy.

One row per step (``core.model.negotiation``), appended in the order taken and never changed,
written in the same transaction as the agreement version the step changes. ``seq`` numbers
the steps of one agreement (1, 2, ...) and is unique with it: two transactions that take a step
on the same agreement at once both number theirs ``n + 1``, and the second one to commit is
refused (``ConflictError``) instead of recording, say, two approvals that each saw the other
missing and so left the version proposed. The numbers continue from the last step the unit of
work *read* of the agreement (``list``), not from what others committed since: a decision taken
on a record someone has changed meanwhile is refused, not recorded. The row class lives
here, registered on ``Base.metadata`` (the migrations' ``env.py`` imports this module for it;
revision 0012 creates the table).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.agreement import VersionState
from slmo.core.model.negotiation import NegotiationStep, StepKind
from slmo.store.columns import UtcDateTime
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base


class NegotiationStepRow(Base):
    __tablename__ = "negotiation_steps"
    __table_args__ = (UniqueConstraint("agreement", "seq"), Index(None, "agreement", "version"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(NAME_LENGTH))
    interface: Mapped[str] = mapped_column(String(32))
    party: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    related: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signatory: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)

    def __repr__(self) -> str:
        return f"NegotiationStepRow({self.agreement} v{self.version} {self.step} by {self.actor})"


def step_of(row: NegotiationStepRow) -> NegotiationStep:
    return NegotiationStep(
        id=row.id,
        agreement=row.agreement,
        version=row.version,
        kind=StepKind(row.step),
        state=VersionState(row.state),
        actor=row.actor,
        interface=row.interface,
        party=row.party,
        at=row.at,
        comment=row.comment,
        related=row.related,
        signatory=row.signatory,
    )


def row_of(step: NegotiationStep, seq: int) -> NegotiationStepRow:
    return NegotiationStepRow(
        agreement=step.agreement,
        seq=seq,
        version=step.version,
        step=step.kind.value,
        state=step.state.value,
        actor=step.actor,
        interface=step.interface,
        party=step.party,
        at=as_utc(step.at),
        comment=step.comment,
        related=step.related,
        signatory=step.signatory,
    )


class SqlNegotiationLog:
    def __init__(self, session: Session) -> None:
        self._session = session
        # The last number of each agreement's steps as this unit of work first read them.
        self._seen: dict[str, int] = {}

    def _last(self, agreement: str) -> int:
        query = select(func.max(NegotiationStepRow.seq)).where(NegotiationStepRow.agreement == agreement)
        return self._session.scalar(query) or 0

    def add(self, steps: Sequence[NegotiationStep]) -> builtins.list[NegotiationStep]:
        with translated(session_url(self._session), "storing negotiation steps"):
            last: dict[str, int] = {}
            rows = []
            for step in steps:
                if step.agreement not in last:
                    seen = self._seen.get(step.agreement)
                    last[step.agreement] = self._last(step.agreement) if seen is None else seen
                last[step.agreement] += 1
                rows.append(row_of(step, last[step.agreement]))
            self._session.add_all(rows)
            self._session.flush()
            self._seen.update(last)
        return [step_of(r) for r in rows]

    def list(self, agreement: str | None = None, version: int | None = None) -> builtins.list[NegotiationStep]:
        query = select(NegotiationStepRow)
        if agreement is not None:
            query = query.where(NegotiationStepRow.agreement == agreement)
        if version is not None:
            query = query.where(NegotiationStepRow.version == version)
        with translated(session_url(self._session), "reading negotiation steps"):
            if agreement is not None and agreement not in self._seen:
                self._seen[agreement] = self._last(agreement)
            return [step_of(r) for r in self._session.scalars(query.order_by(NegotiationStepRow.id))]
