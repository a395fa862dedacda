"""Web sessions: sign in with a password, find the principal of a session cookie, sign out;
the CSRF rules both the web UI and the API (for cookie requests) apply.

- **Cookie**: a random 256-bit id (``secrets.token_urlsafe(32)``); only its SHA-256 is
  stored, so the sessions table signs nobody in. A new id at every sign-in, and the
  session the browser came with is ended, so a planted id is worth nothing (fixation).
- **Lifetime**: a session ends after ``idle`` without a request or ``lifetime`` after
  sign-in, whichever comes first; disabling the user or changing their password ends it
  (``services.users``), and so does signing out.
- **CSRF**: each session has its own synchronizer token; every unsafe request made with
  the cookie must carry it (a form field or the ``X-CSRF-Token`` header), and its
  ``Origin`` (or ``Referer``), when sent, must be the server's own.
- **Failures** answer one message whether the user exists, is disabled or typed a wrong
  password, after the same argon2 work; after ``Throttle.limit`` failures for one name
  within ``Throttle.window``, that name is refused (without a check) until the window
  clears, whether or not it exists.

The cookie's name and the header's live here, with the use case, because the web UI and
the API both read them and may not import each other.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from slmo.core.model.auth import Principal, User, WebSession
from slmo.core.ports import Clock, UnitOfWorkFactory
from slmo.errors import AuthenticationError, PermissionDeniedError
from slmo.services.passwords import Passwords
from slmo.services.users import user_name, valid_name

logger = logging.getLogger(__name__)

SESSION_COOKIE = "slmo_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# OWASP's session management cheat sheet: idle timeouts of 15 to 30 minutes for high-value
# applications, longer for low-risk ones. slmo shows agreements and their status, read far
# more than written, so an hour of idleness and a working day's lifetime.
IDLE = dt.timedelta(hours=1)
LIFETIME = dt.timedelta(hours=12)
# A request moves ``last_seen_at`` only when it is older than this, so that browsing is not
# one database write per request; the idle timeout is thus exact to a minute.
TOUCH_EVERY = dt.timedelta(minutes=1)
# Longer values are no cookie of ours; refusing them spares a hash.
_MAX_SECRET = 128


def hash_id(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _failed() -> AuthenticationError:
    return AuthenticationError("the user name or the password is wrong", key="web.signin_failed")


def _required() -> AuthenticationError:
    return AuthenticationError("sign in first", key="web.signin_required")


@dataclass(frozen=True)
class SignedIn:
    """What a sign-in gives: the cookie's value (shown to the browser once, never stored)."""

    secret: str
    session: WebSession
    principal: Principal


@dataclass(frozen=True)
class Current:
    """The session of a request, and who it is."""

    session: WebSession
    principal: Principal


class Throttle:
    """Failed sign-ins per user name, in this process: after ``limit`` failures within
    ``window``, the name is refused until the oldest of them is older than ``window``.

    Kept in memory, not in the database: one ``slmo serve`` process serves the web UI, and
    several processes behind a balancer each allow ``limit`` (still a few guesses an hour
    rather than thousands). Bounded: past ``capacity`` names the oldest are forgotten.
    """

    def __init__(self, limit: int = 5, window: dt.timedelta = dt.timedelta(minutes=15), capacity: int = 10_000):
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self._failures: collections.OrderedDict[str, list[dt.datetime]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: dt.datetime) -> list[dt.datetime]:
        kept = [at for at in self._failures.get(key, []) if at > now - self.window]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def refused_for(self, key: str, now: dt.datetime) -> dt.timedelta | None:
        """How long ``key`` is still refused, or ``None`` when it may try."""
        with self._lock:
            recent = self._recent(key, now)
        if len(recent) < self.limit:
            return None
        return recent[-self.limit] + self.window - now

    def failed(self, key: str, now: dt.datetime) -> None:
        with self._lock:
            recent = self._recent(key, now)
            self._failures[key] = [*recent, now][-self.limit :]
            self._failures.move_to_end(key)
            while len(self._failures) > self.capacity:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        passwords: Passwords,
        *,
        idle: dt.timedelta = IDLE,
        lifetime: dt.timedelta = LIFETIME,
        throttle: Throttle | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.passwords = passwords
        self.idle = idle
        self.lifetime = lifetime
        self.throttle = throttle or Throttle()

    def sign_in(self, name: str, password: str, *, previous: str | None = None) -> SignedIn:
        """A new session for the user, or ``AuthenticationError``: ``web.signin_failed`` for
        any wrong name or password, ``web.signin_throttled`` while the name is refused.
        ``previous`` is the session cookie the browser came with, if any: it is ended."""
        key = user_name(name)[:64]
        now = self._clock.now()
        wait = self.throttle.refused_for(key, now)
        if wait is not None:
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise AuthenticationError(
                f"too many failed sign-ins for this name; try again in {minutes} minute(s)",
                key="web.signin_throttled",
                minutes=minutes,
            )
        user = self._user(key) if valid_name(key) else None
        if user is None:
            self.passwords.verify_nothing(password)
            ok = False
        else:
            # The hash is checked for disabled users too, so that they take as long.
            ok = self.passwords.verify(user.password_hash, password) and not user.disabled
        if user is None or not ok:
            self.throttle.failed(key, now)
            logger.info("failed sign-in for a user name")
            raise _failed()
        self.throttle.succeeded(key)
        new_hash = self.passwords.hash(password) if self.passwords.needs_rehash(user.password_hash) else None
        return self._start(user, new_hash, previous, now)

    def _user(self, name: str) -> User | None:
        with self._uow() as uow:
            return uow.users.get(name)

    def _start(self, checked: User, new_hash: str | None, previous: str | None, now: dt.datetime) -> SignedIn:
        secret = secrets.token_urlsafe(32)
        session = WebSession(
            id_hash=hash_id(secret),
            user=checked.name,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + self.lifetime,
        )
        with self._uow() as uow:
            user = uow.users.get(checked.name)
            # The password was checked outside this transaction (it takes a while): refuse if
            # it changed, or the user was disabled, meanwhile.
            if user is None or user.disabled or user.password_hash != checked.password_hash:
                raise _failed()
            if previous:
                uow.web_sessions.delete(hash_id(previous[:_MAX_SECRET]))
            uow.web_sessions.delete_stale(now, now - self.idle)
            if new_hash is not None:
                # The parameters were raised since this hash was made: the next check uses the new ones.
                user = dataclasses.replace(user, password_hash=new_hash)
                uow.users.replace(user)
                logger.info("password hash of user %s renewed with the current parameters", user.name)
            uow.web_sessions.add(session)
            uow.commit()
        logger.info("user %s signed in", user.name)
        return SignedIn(secret, session, user.principal())

    def current(self, secret: str | None) -> Current:
        """The session and principal of a session cookie, or ``AuthenticationError``
        (``web.signin_required``) when there is none that is live."""
        if not secret or len(secret) > _MAX_SECRET:
            raise _required()
        id_hash = hash_id(secret)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.web_sessions.find(id_hash)
            if session is None:
                raise _required()
            user = uow.users.get(session.user)
            if (
                user is None
                or user.disabled
                or user.password_changed_at > session.created_at
                or not session.live_at(now, self.idle)
            ):
                uow.web_sessions.delete(id_hash)
                uow.commit()
                raise _required()
            if now - session.last_seen_at >= TOUCH_EVERY:
                uow.web_sessions.touch(id_hash, now)
                uow.commit()
                session = dataclasses.replace(session, last_seen_at=now)
        return Current(session, user.principal())

    def sign_out(self, secret: str | None) -> None:
        if not secret or len(secret) > _MAX_SECRET:
            return
        with self._uow() as uow:
            session = uow.web_sessions.find(hash_id(secret))
            if session is not None:
                uow.web_sessions.delete(session.id_hash)
                uow.commit()
                logger.info("user %s signed out", session.user)


def tokens_match(expected: str, presented: str | None) -> bool:
    """A constant-time comparison, so a token cannot be guessed a character at a time."""
    return presented is not None and hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def same_origin(origin: str | None, referer: str | None, scheme: str, host: str) -> bool:
    """Whether an unsafe request comes from the server's own pages: its ``Origin``, else its
    ``Referer``, must name ``scheme://host``; a request with neither (some clients send
    none) passes, as the synchronizer token still guards it. ``Origin: null`` (a sandboxed
    or privacy-stripped context) does not."""
    claimed = origin if origin is not None else referer
    if claimed is None:
        return True
    ours = _origin(f"{scheme}://{host}")
    return ours is not None and _origin(claimed.strip()) == ours


def require_same_origin(origin_ok: bool) -> None:
    if not origin_ok:
        raise PermissionDeniedError(
            "this request comes from another site; it was refused and nothing was changed", key="web.csrf_origin"
        )


def check_unsafe(session: WebSession, presented: str | None, *, origin_ok: bool) -> None:
    """Refuse (``PermissionDeniedError``, 403) an unsafe request made with ``session`` that
    comes from another origin, or whose token is missing or wrong."""
    require_same_origin(origin_ok)
    if not tokens_match(session.csrf_token, presented):
        raise PermissionDeniedError(
            "this request lacks a valid CSRF token (reload the page and try again); nothing was changed",
            key="web.csrf_token",
        )
