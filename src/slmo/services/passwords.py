"""Passwords: argon2id hashes, the rules a new password must meet, and a dummy check that
makes an unknown user name cost what a known one costs.

argon2id with argon2-cffi's default parameters (RFC 9106's second recommended option:
3 passes over 64 MiB, 4 lanes) is what OWASP's password storage cheat sheet recommends
first. The parameters are written into every hash (PHC string format), so when they are
raised later, ``needs_rehash`` tells at the next sign-in and the hash is replaced then.

Passwords are normalised to Unicode NFKC before hashing and checking (NIST SP 800-63B,
5.1.1.2), so that the same password typed on two keyboards (Arabic presentation forms,
full-width digits) is the same password.
"""

from __future__ import annotations

import threading
import unicodedata

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from slmo.errors import Problem, SpecError

MIN_LENGTH = 12
# Long enough for any passphrase or manager-made password; bounded so that nobody makes the
# server hash a megabyte.
MAX_LENGTH = 1024


def normalised(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_new(password: str) -> str:
    """The password as it will be hashed, or a ``SpecError`` saying what it must be."""
    text = normalised(password)
    if len(text) < MIN_LENGTH:
        raise SpecError(
            [
                Problem(
                    None,
                    "password",
                    f"a password needs at least {MIN_LENGTH} characters; this one has {len(text)}",
                    key="user.password_short",
                    args={"min": MIN_LENGTH, "length": len(text)},
                )
            ]
        )
    if len(text) > MAX_LENGTH:
        raise SpecError(
            [
                Problem(
                    None,
                    "password",
                    f"a password may have at most {MAX_LENGTH} characters",
                    key="user.password_long",
                    args={"max": MAX_LENGTH},
                )
            ]
        )
    return text


class Passwords:
    """Hashes and checks passwords with argon2id; ``hasher`` sets other parameters (tests of
    the rehash give weaker ones)."""

    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher(type=argon2.Type.ID)
        self._dummy: str | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher.hash(check_new(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` is the one ``password_hash`` was made from; never raises for a
        wrong password or a damaged hash."""
        if len(password) > MAX_LENGTH * 4:
            return False
        try:
            return self._hasher.verify(password_hash, normalised(password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def verify_nothing(self, password: str) -> None:
        """Spend the time of a check on a hash that matches no password, so that an unknown
        user name answers as slowly as a known one with a wrong password."""
        with self._lock:
            if self._dummy is None:
                self._dummy = self._hasher.hash("slmo: no user has this password")
            dummy = self._dummy
        self.verify(dummy, password)
