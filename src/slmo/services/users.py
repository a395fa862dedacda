"""Web users: create, list, disable, change a password. Every change is audited (never the
password or its hash), and disabling a user or changing a password ends their sessions in
the same transaction, so a stolen browser session dies with the old password.

Names are lower case, so that ``Nora`` and ``nora`` are one person; they are what the
audit log shows as the actor of what the user does.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.auth import User
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConflictError, NotFoundError, Problem, SpecError
from slmo.services.auth import parse_role, require_party
from slmo.services.passwords import Passwords

logger = logging.getLogger(__name__)

# Letters, digits and . _ @ - : an e-mail address fits, and nothing that needs escaping.
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


def user_name(text: str) -> str:
    """How a user name is stored and looked up: trimmed and lower case."""
    return text.strip().lower()


def valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def _public(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user: never the password hash."""
    return {
        "role": user.role.value,
        "party": user.party,
        "disabled": user.disabled,
        "password_changed_at": user.password_changed_at.isoformat(),
    }


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, passwords: Passwords) -> None:
        self._uow = uow
        self._clock = clock
        self.passwords = passwords

    def create(self, name: str, role: str, password: str, actor: Actor, *, party: str | None = None) -> User:
        wanted = user_name(name)
        if not valid_name(wanted):
            raise SpecError(
                [
                    Problem(
                        None,
                        "name",
                        f"{name!r} is not a user name: use 1 to 64 letters, digits and . _ @ -",
                        key="user.bad_name",
                        args={"name": name},
                    )
                ]
            )
        chosen = parse_role(role, party, "user")
        password_hash = self.passwords.hash(password)
        now = self._clock.now()
        user = User(
            name=wanted,
            role=chosen,
            party=party,
            password_hash=password_hash,
            created_at=now,
            password_changed_at=now,
        )
        with self._uow() as uow:
            require_party(uow, party)
            if uow.users.get(wanted) is not None:
                raise ConflictError(f"user {wanted!r} exists already", key="error.user_exists", name=wanted)
            uow.users.add(user)
            self._audit(uow, actor, AuditAction.CREATE, None, user)
            uow.commit()
        logger.info("user %s (%s) created", user.name, user.role.value)
        return user

    def list(self) -> list[User]:
        with self._uow() as uow:
            return uow.users.list()

    def get(self, name: str) -> User:
        with self._uow() as uow:
            return self._get(uow, name)

    def disable(self, name: str, actor: Actor) -> tuple[User, int]:
        """Disable the user and end their sessions; the user, and how many sessions ended."""
        now = self._clock.now()
        with self._uow() as uow:
            before = self._get(uow, name)
            ended = uow.web_sessions.delete_for(before.name)
            after = before
            if before.disabled_at is None:
                after = dataclasses.replace(before, disabled_at=now)
                uow.users.replace(after)
                self._audit(uow, actor, AuditAction.CHANGE, before, after)
            uow.commit()
        logger.info("user %s disabled; %d session(s) ended", after.name, ended)
        return after, ended

    def set_password(self, name: str, password: str, actor: Actor) -> tuple[User, int]:
        """A new password for the user; every session of theirs ends."""
        password_hash = self.passwords.hash(password)
        now = self._clock.now()
        with self._uow() as uow:
            before = self._get(uow, name)
            after = dataclasses.replace(before, password_hash=password_hash, password_changed_at=now)
            uow.users.replace(after)
            ended = uow.web_sessions.delete_for(after.name)
            self._audit(uow, actor, AuditAction.CHANGE, before, after)
            uow.commit()
        logger.info("password of user %s changed; %d session(s) ended", after.name, ended)
        return after, ended

    @staticmethod
    def _get(uow: UnitOfWork, name: str) -> User:
        wanted = user_name(name)
        user = uow.users.get(wanted)
        if user is None:
            raise NotFoundError(f"no user {wanted!r}", key="error.object_not_found", kind="User", name=wanted)
        return user

    def _audit(self, uow: UnitOfWork, actor: Actor, action: AuditAction, before: User | None, after: User) -> None:
        uow.audit.record(
            AuditEntry(
                at=self._clock.now(),
                actor=actor.name,
                interface=actor.interface,
                action=action,
                kind="User",
                name=after.name,
                before=None if before is None else _public(before),
                after=_public(after),
            )
        )
