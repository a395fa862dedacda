"""Tokens as the auth service makes them: shown once, stored as a hash, refused alike when
unknown, expired or revoked; and the roles' reach."""

from __future__ import annotations

import datetime as dt

import pytest

from slmo.bootstrap import in_memory
from slmo.core.model.auth import Principal, Role
from slmo.errors import AuthenticationError, NotFoundError, SpecError
from slmo.services.auth import customer_reach, hash_secret, may_write
from tests.api_support import ADMIN, FixedClock, seed


def test_a_token_is_stored_only_as_its_hash_and_audited() -> None:
    slmo = in_memory(clock=FixedClock())
    token, secret = slmo.auth.create("viewer", ADMIN, name="grafana")
    assert secret.startswith(f"slmo_{token.id}_")
    assert len(secret) > 40
    (stored,) = slmo.auth.list()
    assert stored.secret_hash == hash_secret(secret) != secret
    assert secret not in repr(stored)
    assert slmo.auth.authenticate(secret) == Principal(name="grafana", role=Role.VIEWER)
    (entry,) = slmo.catalogue.audit("Token")
    assert entry.after == {"name": "grafana", "role": "viewer", "party": None}
    assert secret not in str(entry)


def test_bad_roles_and_missing_parties_are_refused() -> None:
    slmo = in_memory()
    seed(slmo)
    with pytest.raises(SpecError, match="not a role"):
        slmo.auth.create("root", ADMIN)
    with pytest.raises(SpecError, match="needs --party"):
        slmo.auth.create("customer", ADMIN)
    with pytest.raises(NotFoundError):
        slmo.auth.create("customer", ADMIN, party="nobody")
    assert slmo.auth.list() == []


def test_revoked_and_expired_tokens_fail_like_unknown_ones() -> None:
    clock = FixedClock()
    slmo = in_memory(clock=clock)
    token, secret = slmo.auth.create("admin", ADMIN)
    _, expiring = slmo.auth.create("admin", ADMIN, expires_at=clock.at + dt.timedelta(hours=1))
    slmo.auth.revoke(token.id, ADMIN)
    clock.at += dt.timedelta(hours=2)
    messages = set()
    for candidate in (secret, expiring, secret + "x", "slmo_", None):
        with pytest.raises(AuthenticationError) as caught:
            slmo.auth.authenticate(candidate)
        messages.add(str(caught.value))
    assert len(messages) == 1


def test_reach_and_writes_by_role() -> None:
    slmo = in_memory()
    seed(slmo)
    reach = customer_reach("ministry", slmo.catalogue.get("Agreement"))
    assert ("Agreement", "portal-sla") in reach
    assert ("Agreement", "payments-sla") not in reach
    assert ("Service", "payments") not in reach
    (portal,) = slmo.catalogue.get("Service", "portal")
    assert may_write(Principal(name="o", role=Role.OWNER, party="ops"), "Service", portal)
    assert not may_write(Principal(name="o", role=Role.OWNER, party="ministry"), "Service", portal)
    assert not may_write(Principal(name="m", role=Role.MANAGER), "Service")
    assert may_write(Principal(name="m", role=Role.MANAGER), "Agreement")
    assert not may_write(Principal(name="v", role=Role.VIEWER), "Agreement")
