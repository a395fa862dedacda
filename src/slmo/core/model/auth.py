"""Who may call slmo over the network: API tokens, web users and their sessions, their roles, and
the principal a token or a session signs in as."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a token may do (issue 5):

    - ``admin``: everything;
    - ``manager``: agreements (and, later, reviews), and read everything;
    - ``owner``: the services whose owner is the token's party, their indicators'
      measurements, and read everything;
    - ``viewer``: read everything;
    - ``customer``: read only the agreements the token's party is a party to, and what
      those agreements cover (their services, indicators, calendars and status rows).
    """

    ADMIN = "admin"
    MANAGER = "manager"
    OWNER = "owner"
    VIEWER = "viewer"
    CUSTOMER = "customer"


# Roles whose reach depends on a party, so a token of theirs must name one.
PARTY_ROLES = frozenset({Role.OWNER, Role.CUSTOMER})


@dataclass(frozen=True, kw_only=True)
class Token:
    """An API token as stored: never the secret, only its SHA-256 (``secret_hash``).

    ``id`` is a short public handle (shown by ``slmo token list``, used to revoke); it is
    also the token's prefix, so a leaked token can be traced to its row.
    """

    id: str
    name: str
    role: Role
    party: str | None
    secret_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def usable_at(self, at: dt.datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        return self.expires_at is None or at < self.expires_at


@dataclass(frozen=True, kw_only=True)
class Principal:
    """The caller of one request, as its token or its web session says: the same for both, so the
    walls of ``services.access`` are the same for both."""

    name: str
    role: Role
    party: str | None = None


@dataclass(frozen=True, kw_only=True)
class User:
    """A person who signs in to the web UI with a password; the same roles and walls as a token.

    ``password_hash`` is an argon2id hash in PHC form (``$argon2id$v=19$m=...``), never the
    password. A disabled user is kept (the audit trail names it) but can no longer sign in.
    """

    name: str
    role: Role
    party: str | None
    password_hash: str
    created_at: dt.datetime
    password_changed_at: dt.datetime
    disabled_at: dt.datetime | None = None

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    def principal(self) -> Principal:
        return Principal(name=self.name, role=self.role, party=self.party)

    def __repr__(self) -> str:
        # The hash is not a secret one can sign in with, but it has no place in logs either.
        return f"User({self.name!r}, {self.role.value}, party={self.party!r}, disabled={self.disabled})"


@dataclass(frozen=True, kw_only=True)
class WebSession:
    """A signed-in browser, as stored: the SHA-256 of the cookie's 256-bit id (``id_hash``),
    never the id itself, and the synchronizer token that its unsafe requests must carry.

    A session ends at ``expires_at`` (its absolute lifetime) or after ``idle`` without a
    request since ``last_seen_at``, whichever comes first.
    """

    id_hash: str
    user: str
    csrf_token: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime

    def live_at(self, at: dt.datetime, idle: dt.timedelta) -> bool:
        return at < self.expires_at and at < self.last_seen_at + idle

    def __repr__(self) -> str:
        return (
            f"WebSession({self.user!r}, created {self.created_at.isoformat()}, expires {self.expires_at.isoformat()})"
        )
