"""Users and web sessions in every store (the fakes, SQLite, PostgreSQL), and signing in to
the web UI over a real database, including the app ``slmo serve`` builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

from slmo.core.model.auth import Role, User, WebSession
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError
from tests.api_support import ADMIN
from tests.web_support import PASSWORD, site_over

UowFactory = Callable[[], UnitOfWork]
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))


def user(name: str = "nora", **changes: object) -> User:
    made = User(
        name=name,
        role=Role.CUSTOMER,
        party="acme",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g",
        created_at=NOW,
        password_changed_at=NOW,
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def session(id_hash: str, name: str = "nora", *, at: dt.datetime = NOW, hours: int = 12) -> WebSession:
    return WebSession(
        id_hash=id_hash,
        user=name,
        csrf_token=f"token-{id_hash[:8]}",
        created_at=at,
        last_seen_at=at,
        expires_at=at + dt.timedelta(hours=hours),
    )


def test_users_round_trip_and_are_unique(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.users.add(user("omar", role=Role.ADMIN, party=None))
        uow.users.add(user())
        uow.commit()
    with uow_factory() as uow:
        assert uow.users.get("nora") == user()
        assert [u.name for u in uow.users.list()] == ["nora", "omar"]
        disabled = user(disabled_at=NOW.astimezone(RIYADH), password_hash="$argon2id$other")
        uow.users.replace(disabled)
        uow.commit()
    with uow_factory() as uow:
        got = uow.users.get("nora")
        assert got == disabled and got is not None and got.disabled_at is not None
        assert got.disabled_at.tzinfo is not None and got.disabled_at == NOW
        assert uow.users.get("nobody") is None
    with pytest.raises(ConflictError), uow_factory() as uow:
        uow.users.add(user())
        uow.commit()


def test_nothing_is_kept_without_a_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.users.add(user())
        uow.web_sessions.add(session("a" * 64))
    with uow_factory() as uow:
        assert uow.users.list() == []
        assert uow.web_sessions.find("a" * 64) is None


def test_sessions_are_found_by_hash_touched_and_ended(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.users.add(user())
        uow.users.add(user("omar"))
        uow.commit()
    with uow_factory() as uow:
        uow.web_sessions.add(session("a" * 64))
        uow.web_sessions.add(session("b" * 64))
        uow.web_sessions.add(session("c" * 64, "omar"))
        uow.web_sessions.add(session("d" * 64, "omar", at=NOW - dt.timedelta(hours=13)))
        uow.web_sessions.add(session("e" * 64, "omar", at=NOW - dt.timedelta(hours=2)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.web_sessions.find("a" * 64) == session("a" * 64)
        uow.web_sessions.touch("a" * 64, NOW + dt.timedelta(minutes=5))
        uow.commit()
    with uow_factory() as uow:
        found = uow.web_sessions.find("a" * 64)
        assert found is not None and found.last_seen_at == NOW + dt.timedelta(minutes=5)
        # Past its lifetime (d) or idle for more than an hour (e).
        assert uow.web_sessions.delete_stale(NOW, NOW - dt.timedelta(hours=1)) == 2
        assert uow.web_sessions.delete_for("nora") == 2
        uow.web_sessions.delete("c" * 64)
        uow.web_sessions.delete("nothing")
        uow.commit()
    with uow_factory() as uow:
        assert [uow.web_sessions.find(c * 64) for c in "abcde"] == [None] * 5


def test_a_session_needs_its_user(uow_factory: UowFactory) -> None:
    with pytest.raises(ConflictError), uow_factory() as uow:
        uow.web_sessions.add(session("a" * 64, "ghost"))
        uow.commit()


def test_signing_in_over_a_database(db_url: str) -> None:
    with site_over(db_url) as site:
        site.user("nora", "customer", party="ministry")
        browser = site.browser()
        assert browser.sign_in("nora", "wrong password here").status_code == 401
        assert browser.sign_in("nora").status_code == 303
        page = browser.get("/ui/")
        assert "portal-sla" in page.text and "payments-sla" not in page.text
        assert browser.get("/ui/agreements/payments-sla").status_code == 404
        refused = browser.post("/ui/signout")
        assert refused.status_code == 403
        assert browser.get("/ui/").status_code == 200
        assert browser.post("/ui/signout", data={"csrf_token": browser.csrf_token()}).status_code == 303
        assert browser.get("/ui/").status_code == 303
        browser.sign_in("nora")
        site.slmo.users.disable("nora", ADMIN)
        assert browser.get("/ui/").status_code == 303
        (listed,) = site.slmo.users.list()
        assert listed.disabled and listed.password_hash.startswith("$argon2id$")


def test_slmo_serve_s_app_mounts_the_web_ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from slmo.api.app import from_environment

    monkeypatch.setenv("SLMO_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("SLMO_SCHEDULER", "false")
    app = from_environment()
    slmo = app.state.slmo
    try:
        slmo.users.create("root", "admin", PASSWORD, ADMIN)

        async def visit() -> tuple[int, int, str]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                home = await client.get("/ui/")
                form = await client.get("/ui/signin")
                token = form.cookies["slmo_signin"]
                signed = await client.post(
                    "/ui/signin",
                    data={"csrf_token": token, "name": "root", "password": PASSWORD},
                    headers={"Origin": "http://127.0.0.1:8000"},
                )
                page = await client.get("/ui/")
                return home.status_code, signed.status_code, page.text

        home, signed, text = anyio.run(visit)
        assert (home, signed) == (303, 303)
        assert "Signed in as root (administrator)" in text
    finally:
        slmo.close()
