"""API tokens and what their roles may do: create, list, revoke, authenticate, authorise.

A token is ``slmo_<id>_<secret>``: ``id`` is 8 public hex characters (to list and revoke it),
``secret`` 32 random bytes (256 bits) in URL-safe base64. Only the SHA-256 of the whole
token is stored. A slow password hash (argon2) defends *guessable* secrets against an
attacker holding the database; a 256-bit random secret cannot be guessed at any hash
speed, so a fast hash loses nothing and keeps each request to one indexed look-up.

This module holds use cases only: no HTTP. The API turns ``AuthenticationError`` into 401
and ``PermissionDeniedError`` into 403; objects a principal may not see are reported as
``NotFoundError`` (404) by ``services.access``, so that their existence does not leak.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import secrets

from slmo.core.model import Agreement
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.auth import PARTY_ROLES, Principal, Role, Token
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.core.model.procedure import Procedure
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import AuthenticationError, NotFoundError, PermissionDeniedError, Problem, SpecError

logger = logging.getLogger(__name__)

PREFIX = "slmo_"

# Which kinds each role may create and change (admin: all). ``owner`` is narrowed further
# to its own services by ``may_write``.
_WRITES: dict[Role, frozenset[str]] = {
    Role.MANAGER: frozenset({"Agreement", "Procedure"}),
    Role.OWNER: frozenset({"Service", "Measurements"}),
    Role.VIEWER: frozenset(),
    Role.CUSTOMER: frozenset(),
}


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_role(role: str, party: str | None, holder: str) -> Role:
    """The role named ``role`` for a ``holder`` (a token or a user), refused with what is
    expected when unknown, or when a party role comes without its party."""
    try:
        chosen = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise SpecError(
            [Problem(None, "role", f"{role!r} is not a role; use one of {known}", key="auth.bad_role")]
        ) from None
    if chosen in PARTY_ROLES and not party:
        raise SpecError([Problem(None, "party", f"a {chosen.value} {holder} needs --party", key="auth.party_needed")])
    return chosen


def require_party(uow: UnitOfWork, party: str | None) -> None:
    if party is not None and uow.catalogue.get("Party", party) is None:
        raise NotFoundError(f"Party {party!r} does not exist", key="error.object_not_found", kind="Party", name=party)


def _principal(token: Token) -> Principal:
    return Principal(name=token.name, role=token.role, party=token.party)


def actor_of(principal: Principal) -> Actor:
    """Audit records the token's name as the actor and ``api`` as the interface."""
    return Actor(name=principal.name, interface="api")


def may_write(principal: Principal, kind: str, obj: CatalogueObject | None = None) -> bool:
    """Whether ``principal`` may create or change an object of ``kind``: some object of it when
    ``obj`` is ``None``, else that one (as it is, and as it would be, so that an owner can
    neither change nor create another party's service)."""
    if principal.role is Role.ADMIN:
        return True
    if kind not in _WRITES[principal.role]:
        return False
    if principal.role is Role.OWNER and kind == "Service":
        return obj is None or getattr(obj, "owner", None) == principal.party
    return True


def require_write(principal: Principal, kind: str, obj: CatalogueObject | None = None) -> None:
    if not may_write(principal, kind, obj):
        raise PermissionDeniedError(
            f"the {principal.role.value} role may not change {kind} objects{'' if obj is None else ' like ' + obj.name}",
            key="error.permission_kind",
            role=principal.role.value,
            kind=kind,
        )


def customer_reach(party: str | None, objects: list[CatalogueObject]) -> set[tuple[str, str]]:
    """The (kind, name) pairs a customer of ``party`` may read: its own party, the agreements
    it is a party to, what those agreements cover (services, indicators, calendars), and the
    procedures that support only services they cover."""
    reach: set[tuple[str, str]] = set()
    if party is None:
        return reach
    reach.add(("Party", party))
    for obj in objects:
        if not isinstance(obj, Agreement) or all(p.party != party for p in obj.parties):
            continue
        reach.add(("Agreement", obj.name))
        reach.update(("Service", s) for s in obj.services)
        for version in obj.versions:
            if version.calendar:
                reach.add(("Calendar", version.calendar))
            for objective in version.objectives:
                reach.add(("Indicator", objective.indicator))
                if objective.calendar:
                    reach.add(("Calendar", objective.calendar))
    for obj in objects:
        if isinstance(obj, Procedure) and obj.services and all(("Service", s) in reach for s in obj.services):
            reach.add(("Procedure", obj.name))
    return reach


def visible(principal: Principal, obj: CatalogueObject, reach: set[tuple[str, str]] | None) -> bool:
    """``reach`` is ``customer_reach`` for customers, ``None`` for every other role (they read all)."""
    return principal.role is not Role.CUSTOMER or (reach is not None and (kind_of(obj), obj.name) in reach)


class AuthService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self,
        role: str,
        actor: Actor,
        *,
        name: str | None = None,
        party: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> tuple[Token, str]:
        """A new token and its secret, which is shown this once and never stored."""
        chosen = parse_role(role, party, "token")
        now = self._clock.now()
        token_id = secrets.token_hex(4)
        secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        token = Token(
            id=token_id,
            name=name or f"{chosen.value}-{token_id}",
            role=chosen,
            party=party,
            secret_hash=hash_secret(secret),
            created_at=now,
            expires_at=expires_at,
        )
        with self._uow() as uow:
            require_party(uow, party)
            uow.tokens.add(token)
            self._audit(uow, actor, AuditAction.CREATE, token, now)
            uow.commit()
        logger.info("token %s (%s) created", token.id, token.role.value)
        return token, secret

    def list(self) -> list[Token]:
        with self._uow() as uow:
            return uow.tokens.list()

    def revoke(self, token_id: str, actor: Actor) -> Token:
        now = self._clock.now()
        with self._uow() as uow:
            token = uow.tokens.get(token_id)
            if token is None:
                raise NotFoundError(f"no token {token_id!r}", key="error.object_not_found", kind="Token", name=token_id)
            if token.revoked_at is None:
                token = dataclasses.replace(token, revoked_at=now)
                uow.tokens.replace(token)
                self._audit(uow, actor, AuditAction.DELETE, token, now)
                uow.commit()
        return token

    def authenticate(self, secret: str | None) -> Principal:
        """The principal of a presented token; one error for missing, unknown, expired and
        revoked alike, so the answer tells a guesser nothing."""
        if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
            raise AuthenticationError("a valid API token is required", key="error.authentication")
        with self._uow() as uow:
            token = uow.tokens.find(hash_secret(secret))
        if token is None or not token.usable_at(self._clock.now()):
            raise AuthenticationError("a valid API token is required", key="error.authentication")
        return _principal(token)

    @staticmethod
    def _audit(uow: UnitOfWork, actor: Actor, action: AuditAction, token: Token, now: dt.datetime) -> None:
        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind="Token",
                name=token.id,
                before=None,
                after={"name": token.name, "role": token.role.value, "party": token.party},
            )
        )
