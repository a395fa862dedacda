"""Who may call slmo over the network: API tokens, their roles, and the principal a token signs in as."""

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
    """The caller of one request, as its token says."""

    name: str
    role: Role
    party: str | None = None
