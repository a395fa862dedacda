"""Who signs in: API tokens, web users and web sessions over SQLAlchemy (the tokens' fake too;
the users' and sessions' fakes are in ``memory_auth``).

Only the SHA-256 of a token's secret is kept (``Token.secret_hash``, unique), so finding the
token of a request is one indexed look-up and a stolen database yields no usable token. The
same holds for a web session's cookie id (``WebSession.id_hash``). Users keep an argon2id
hash of their password, never the password.

The row classes live here rather than in ``schema`` because they are the sign-in's own
tables; they are registered on the same ``Base.metadata``, which the migrations' ``env.py``
imports this module for.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading

from sqlalchemy import ForeignKey, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.auth import Role, Token, User, WebSession
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


# An argon2id hash in PHC form is about 100 characters; room for stronger parameters later.
PASSWORD_HASH_LENGTH = 255


class UserRow(Base):
    """One person who signs in to the web UI; disabled users stay, like revoked tokens."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    party: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(PASSWORD_HASH_LENGTH))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    password_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"UserRow({self.name!r} as {self.role})"


class WebSessionRow(Base):
    """One signed-in browser: the SHA-256 of its cookie's id, never the id."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(
        String(NAME_LENGTH), ForeignKey("users.name", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"WebSessionRow({self.user_name!r} until {self.expires_at})"


def _user(row: UserRow) -> User:
    return User(
        name=row.name,
        role=Role(row.role),
        party=row.party,
        password_hash=row.password_hash,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
        disabled_at=row.disabled_at,
    )


def _fill_user(row: UserRow, user: User) -> None:
    row.role = user.role.value
    row.party = user.party
    row.password_hash = user.password_hash
    row.created_at = as_utc(user.created_at)
    row.password_changed_at = as_utc(user.password_changed_at)
    row.disabled_at = None if user.disabled_at is None else as_utc(user.disabled_at)


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        row = UserRow(name=user.name)
        _fill_user(row, user)
        with translated(session_url(self._session), f"storing user {user.name!r}"):
            self._session.add(row)
            self._session.flush()

    def replace(self, user: User) -> None:
        with translated(session_url(self._session), f"storing user {user.name!r}"):
            row = self._session.get(UserRow, user.name)
            if row is None:
                raise KeyError(user.name)
            _fill_user(row, user)
            self._session.flush()

    def get(self, name: str) -> User | None:
        with translated(session_url(self._session), "reading a user"):
            row = self._session.get(UserRow, name)
        return None if row is None else _user(row)

    def list(self) -> builtins.list[User]:
        with translated(session_url(self._session), "reading users"):
            rows = self._session.scalars(select(UserRow).order_by(UserRow.name)).all()
        return [_user(row) for row in rows]


def _web_session(row: WebSessionRow) -> WebSession:
    return WebSession(
        id_hash=row.id_hash,
        user=row.user_name,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


class SqlWebSessionRepository:
    """Sessions are written with plain statements (no identity map to go stale between the
    requests of a browser that sends several at once)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: WebSession) -> None:
        row = WebSessionRow(
            id_hash=session.id_hash,
            user_name=session.user,
            csrf_token=session.csrf_token,
            created_at=as_utc(session.created_at),
            last_seen_at=as_utc(session.last_seen_at),
            expires_at=as_utc(session.expires_at),
        )
        with translated(session_url(self._session), "storing a web session"):
            self._session.add(row)
            self._session.flush()

    def find(self, id_hash: str) -> WebSession | None:
        with translated(session_url(self._session), "reading a web session"):
            row = self._session.scalars(select(WebSessionRow).where(WebSessionRow.id_hash == id_hash)).first()
        return None if row is None else _web_session(row)

    def touch(self, id_hash: str, at: dt.datetime) -> None:
        statement = update(WebSessionRow).where(WebSessionRow.id_hash == id_hash).values(last_seen_at=as_utc(at))
        with translated(session_url(self._session), "storing a web session"):
            self._session.execute(statement, execution_options={"synchronize_session": False})

    def delete(self, id_hash: str) -> None:
        statement = delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash)
        with translated(session_url(self._session), "ending a web session"):
            self._session.execute(statement, execution_options={"synchronize_session": False})

    def delete_for(self, user: str) -> int:
        statement = delete(WebSessionRow).where(WebSessionRow.user_name == user)
        with translated(session_url(self._session), "ending web sessions"):
            result = self._session.execute(statement, execution_options={"synchronize_session": False})
        return int(getattr(result, "rowcount", 0) or 0)

    def delete_stale(self, before: dt.datetime, last_seen_before: dt.datetime) -> int:
        statement = delete(WebSessionRow).where(
            or_(WebSessionRow.expires_at <= as_utc(before), WebSessionRow.last_seen_at < as_utc(last_seen_before))
        )
        with translated(session_url(self._session), "ending web sessions"):
            result = self._session.execute(statement, execution_options={"synchronize_session": False})
        return int(getattr(result, "rowcount", 0) or 0)


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
