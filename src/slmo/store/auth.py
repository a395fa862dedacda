"""API tokens: the ``TokenRepository`` port over SQLAlchemy, and its in-memory fake.

Only the SHA-256 of a token's secret is kept (``Token.secret_hash``, unique), so finding the
token of a request is one indexed look-up and a stolen database yields no usable token.
The row class lives here rather than in ``schema`` because it is the API's own table; it is
registered on the same ``Base.metadata``, which the migrations' ``env.py`` imports this
module for.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.auth import Role, Token
from slmo.store.columns import UtcDateTime
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base


class TokenRow(Base):
    """One API token; revoked tokens stay, so the audit trail's actors keep their meaning."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    role: Mapped[str] = mapped_column(String(16))
    party: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"TokenRow({self.id} {self.name!r} as {self.role})"


def _token(row: TokenRow) -> Token:
    return Token(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        party=row.party,
        secret_hash=row.secret_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _fill(row: TokenRow, token: Token) -> None:
    row.name = token.name
    row.role = token.role.value
    row.party = token.party
    row.secret_hash = token.secret_hash
    row.created_at = as_utc(token.created_at)
    row.expires_at = None if token.expires_at is None else as_utc(token.expires_at)
    row.revoked_at = None if token.revoked_at is None else as_utc(token.revoked_at)


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: Token) -> None:
        row = TokenRow(id=token.id)
        _fill(row, token)
        with translated(session_url(self._session), "storing a token"):
            self._session.add(row)
            self._session.flush()

    def replace(self, token: Token) -> None:
        with translated(session_url(self._session), "storing a token"):
            row = self._session.get(TokenRow, token.id)
            if row is None:
                raise KeyError(token.id)
            _fill(row, token)
            self._session.flush()

    def get(self, token_id: str) -> Token | None:
        with translated(session_url(self._session), "reading a token"):
            row = self._session.get(TokenRow, token_id)
        return None if row is None else _token(row)

    def find(self, secret_hash: str) -> Token | None:
        with translated(session_url(self._session), "reading a token"):
            row = self._session.scalars(select(TokenRow).where(TokenRow.secret_hash == secret_hash)).first()
        return None if row is None else _token(row)

    def list(self) -> builtins.list[Token]:
        with translated(session_url(self._session), "reading tokens"):
            rows = self._session.scalars(select(TokenRow).order_by(TokenRow.created_at, TokenRow.id)).all()
        return [_token(row) for row in rows]


class MemoryTokenRepository:
    """The fake: writes wait in ``pending`` until the unit of work commits them into ``committed``."""

    def __init__(self, committed: dict[str, Token], lock: threading.Lock) -> None:
        self._committed = committed
        self._lock = lock
        self.pending: dict[str, Token] = {}

    def _all(self) -> dict[str, Token]:
        with self._lock:
            merged = dict(self._committed)
        merged.update(self.pending)
        return merged

    def add(self, token: Token) -> None:
        everything = self._all()
        if token.id in everything or any(t.secret_hash == token.secret_hash for t in everything.values()):
            raise ValueError(f"token {token.id} exists")
        self.pending[token.id] = token

    def replace(self, token: Token) -> None:
        if token.id not in self._all():
            raise KeyError(token.id)
        self.pending[token.id] = token

    def get(self, token_id: str) -> Token | None:
        return self._all().get(token_id)

    def find(self, secret_hash: str) -> Token | None:
        return next((t for t in self._all().values() if t.secret_hash == secret_hash), None)

    def list(self) -> builtins.list[Token]:
        return sorted(self._all().values(), key=lambda t: (t.created_at, t.id))

    def commit(self) -> None:
        """Called by the unit of work with the store's lock held."""
        self._committed.update(self.pending)
        self.pending.clear()
