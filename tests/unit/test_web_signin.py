"""Signing in to the web UI, through the whole ASGI app over the in-memory fakes: hashed
passwords, the session cookie and its flags, CSRF (tokens and origins), sign-out, disabled
users, timeouts, the throttle, the walls of each role, and the Arabic page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest
from fastapi import FastAPI, Request

from slmo.api import create_app
from slmo.bootstrap import in_memory
from slmo.core.model.auth import Principal, Role
from slmo.errors import ConflictError, SpecError
from slmo.services.passwords import Passwords
from slmo.web import create_web_app
from tests.api_support import ADMIN
from tests.conftest import ROOT
from tests.web_support import ORIGIN, PASSWORD, Browser, Site, site_over


@pytest.fixture
def site() -> Iterator[Site]:
    with site_over() as made:
        yield made


def signed_in(site: Site, name: str, role: str = "admin", party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    answer = browser.sign_in(name)
    assert answer.status_code == 303, answer.text
    return browser


def sessions_of(site: Site, name: str) -> int:
    with site.slmo.sessions._uow() as uow:
        return uow.web_sessions.delete_for(name)  # counted, then rolled back


# -- users and passwords ------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_and_never_audited(site: Site) -> None:
    user = site.slmo.users.create("Nora", "customer", PASSWORD, ADMIN, party="ministry")
    assert user.name == "nora"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash and PASSWORD not in repr(user)
    assert user.password_hash not in repr(user)
    assert argon2.PasswordHasher().verify(user.password_hash, PASSWORD)  # the parameters are in the hash
    site.slmo.users.set_password("nora", "another long passphrase", ADMIN)
    site.slmo.users.disable("nora", ADMIN)
    entries = site.slmo.catalogue.audit("User")
    assert [e.action.value for e in entries] == ["create", "change", "change"]
    trail = json.dumps([[e.before, e.after] for e in entries])
    assert "argon2" not in trail and PASSWORD not in trail and "another long" not in trail
    assert entries[0].after == {
        "role": "customer",
        "party": "ministry",
        "disabled": False,
        "password_changed_at": user.password_changed_at.isoformat(),
    }
    assert entries[-1].after is not None and entries[-1].after["disabled"] is True


def test_short_passwords_bad_names_roles_and_parties_are_refused(site: Site) -> None:
    with pytest.raises(SpecError, match="at least 12 characters; this one has 11"):
        site.slmo.users.create("nora", "viewer", "eleven char", ADMIN)
    with pytest.raises(SpecError, match="not a user name"):
        site.slmo.users.create("no ra", "viewer", PASSWORD, ADMIN)
    with pytest.raises(SpecError, match="not a role"):
        site.slmo.users.create("nora", "root", PASSWORD, ADMIN)
    with pytest.raises(SpecError, match="a customer user needs --party"):
        site.slmo.users.create("nora", "customer", PASSWORD, ADMIN)
    site.slmo.users.create("nora", "viewer", PASSWORD, ADMIN)
    with pytest.raises(ConflictError, match="exists already"):
        site.slmo.users.create("NORA", "viewer", PASSWORD, ADMIN)
    with pytest.raises(SpecError, match="at least 12"):
        site.slmo.users.set_password("nora", "short", ADMIN)
    assert [u.name for u in site.slmo.users.list()] == ["nora"]


def test_slmo_hashes_with_rfc_9106s_low_memory_parameters() -> None:
    slmo = in_memory()
    made = slmo.users.passwords.hash(PASSWORD)
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert slmo.sessions.passwords is slmo.users.passwords
    assert slmo.users.passwords.verify(made, PASSWORD)
    assert not slmo.users.passwords.verify(made, PASSWORD + "!")
    assert not slmo.users.passwords.verify("not a hash", PASSWORD)


def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(site: Site) -> None:
    weak = Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    current = site.slmo.users.passwords
    site.slmo.users.passwords = weak
    site.user("nora", "viewer")
    site.slmo.users.passwords = current
    before = site.slmo.users.get("nora").password_hash
    assert "m=8192,t=1,p=1" in before and current.needs_rehash(before)
    assert site.browser().sign_in("nora").status_code == 303
    after = site.slmo.users.get("nora").password_hash
    assert after != before and not current.needs_rehash(after)
    assert site.browser().sign_in("nora").status_code == 303


# -- signing in ---------------------------------------------------------------------------


def test_signing_in_sets_a_secure_http_only_lax_cookie_whose_id_is_stored_only_as_a_hash(site: Site) -> None:
    site.user("nora", "viewer")
    browser = site.browser()
    answer = browser.sign_in("nora")
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/"
    (cookie,) = [c for c in answer.headers.get_list("set-cookie") if c.startswith("slmo_session=")]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert flags == {"httponly", "path=/", "samesite=lax", "secure"}
    secret = browser.session
    assert secret is not None and len(secret) >= 43  # 32 random bytes in URL-safe base64
    stored = site.slmo.sessions.current(secret).session
    assert stored.id_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored)
    assert browser.get("/ui/").status_code == 200


def test_wrong_password_unknown_user_and_disabled_user_get_the_same_answer_after_the_same_work(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.user("nora", "viewer")
    site.user("omar", "viewer")
    site.slmo.users.disable("omar", ADMIN)
    checks: list[str] = []
    real_verify = Passwords.verify

    def counted(self: Passwords, password_hash: str, password: str) -> bool:
        checks.append(password_hash[:9])
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(Passwords, "verify", counted)
    answers = []
    for name, password in (("nora", "not the password"), ("nobody", PASSWORD), ("omar", PASSWORD)):
        browser = site.browser()
        answer = browser.sign_in(name, password)
        assert browser.session is None
        answers.append((answer.status_code, answer.text.replace(f'value="{name}"', "")))
    assert answers[0][0] == 401
    assert "The user name or the password is wrong." in answers[0][1]
    assert len({status for status, _ in answers}) == 1
    # The pages differ only by the sign-in form's token, which is each browser's own.
    bodies = {re.sub(r'name="csrf_token" value="[^"]+"', "", text) for _, text in answers}
    assert len(bodies) == 1
    # One argon2 check each: the unknown name is checked against a dummy hash.
    assert checks == ["$argon2id"] * 3


def test_session_fixation_a_planted_session_id_is_replaced_and_ended(site: Site) -> None:
    site.user("nora", "viewer")
    site.user("mallory", "viewer")
    attacker = site.browser()
    attacker.sign_in("mallory")
    planted = attacker.session
    assert planted is not None
    victim = site.browser()
    token = victim.signin_form()
    victim.cookies.set("slmo_session", planted, domain="slmo.test", path="/")
    victim.post("/ui/signin", data={"csrf_token": token, "name": "nora", "password": PASSWORD})
    assert victim.session not in (None, planted)
    assert "Signed in as nora" in victim.get("/ui/").text
    assert attacker.get("/ui/").status_code == 303  # the planted session ended


def test_unauthenticated_pages_redirect_to_the_sign_in_and_back(site: Site) -> None:
    site.user("nora", "viewer")
    browser = site.browser()
    answer = browser.get("/ui/agreements/portal-sla")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/signin?next=/ui/agreements/portal-sla"
    token = browser.signin_form()
    form = {"csrf_token": token, "name": "nora", "password": PASSWORD, "next": "/ui/agreements/portal-sla"}
    assert browser.post("/ui/signin", data=form).headers["location"] == "/ui/agreements/portal-sla"
    assert browser.get("/ui/signin").headers["location"] == "/ui/"
    # Never another site.
    other = site.browser()
    form["csrf_token"] = other.signin_form()
    form["next"] = "//evil.example/ui/"
    assert other.post("/ui/signin", data=form).headers["location"] == "/ui/"


def test_plain_http_signs_in_on_localhost_without_secure_and_is_refused_elsewhere(site: Site) -> None:
    site.user("nora", "viewer")
    local = site.browser("http://127.0.0.1:8000")
    answer = local.sign_in("nora")
    assert answer.status_code == 303
    (cookie,) = [c for c in answer.headers.get_list("set-cookie") if c.startswith("slmo_session=")]
    assert "secure" not in cookie.lower() and "httponly" in cookie.lower()
    assert local.get("/ui/").status_code == 200

    remote = site.browser("http://slmo.test")
    page = remote.get("/ui/signin")
    assert "only allowed on this machine" in page.text and 'name="password"' not in page.text
    token = page.cookies.get("slmo_signin") or ""
    refused = remote.post("/ui/signin", data={"csrf_token": token, "name": "nora", "password": PASSWORD})
    assert refused.status_code == 403 and remote.session is None


def test_repeated_failures_throttle_the_name_whether_or_not_it_exists(site: Site) -> None:
    site.user("nora", "viewer")
    for name in ("nora", "nobody"):
        browser = site.browser()
        for _ in range(5):
            assert browser.sign_in(name, "wrong wrong wrong").status_code == 401
        refused = browser.sign_in(name, PASSWORD)
        assert refused.status_code == 429 and browser.session is None
        assert "Too many failed sign-ins for this name. Try again in 15 minute(s)." in refused.text
        assert refused.headers["retry-after"] == "900"
    # Another name is not held up, and the name is free again after the window.
    site.user("omar", "viewer")
    assert site.browser().sign_in("omar").status_code == 303
    site.clock.at += dt.timedelta(minutes=15, seconds=1)
    assert site.browser().sign_in("nora").status_code == 303


# -- CSRF -----------------------------------------------------------------------------------


def test_sign_in_without_the_forms_token_is_refused_and_signs_nobody_in(site: Site) -> None:
    site.user("nora", "viewer")
    browser = site.browser()
    browser.signin_form()
    for form in (
        {"name": "nora", "password": PASSWORD},
        {"csrf_token": "forged" * 8, "name": "nora", "password": PASSWORD},
    ):
        answer = browser.post("/ui/signin", data=form)
        assert answer.status_code == 403
        assert "The sign-in form has expired or did not come from this site." in answer.text
    token = browser.signin_form()
    cross = browser.post(
        "/ui/signin",
        data={"csrf_token": token, "name": "nora", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403 and browser.session is None
    assert sessions_of(site, "nora") == 0


@pytest.mark.parametrize(
    ("headers", "form_token", "message"),
    [
        ({}, None, "lacks a valid CSRF token"),
        ({}, "wrong", "lacks a valid CSRF token"),
        ({"X-CSRF-Token": "wrong"}, None, "lacks a valid CSRF token"),
        ({"Origin": "https://evil.example"}, "good", "comes from another site"),
        ({"Origin": "null"}, "good", "comes from another site"),
        ({"Origin": "http://slmo.test"}, "good", "comes from another site"),
    ],
)
def test_unsafe_requests_without_the_sessions_token_or_from_another_origin_are_403_and_change_nothing(
    site: Site, headers: dict[str, str], form_token: str | None, message: str
) -> None:
    browser = signed_in(site, "nora", "viewer")
    token = browser.csrf_token()
    data = {} if form_token is None else {"csrf_token": token if form_token == "good" else form_token}
    answer = browser.post("/ui/signout", data=data, headers=headers)
    assert answer.status_code == 403
    assert message in answer.text and "nothing was changed" in answer.text
    assert browser.get("/ui/").status_code == 200  # still signed in


def test_a_cross_site_referer_is_refused_and_the_header_token_is_accepted(site: Site) -> None:
    browser = signed_in(site, "nora", "viewer")
    token = browser.csrf_token()
    refused = browser.post(
        "/ui/signout", origin=False, headers={"Referer": "https://evil.example/page", "X-CSRF-Token": token}
    )
    assert refused.status_code == 403
    same = browser.post("/ui/signout", origin=False, headers={"Referer": f"{ORIGIN}/ui/", "X-CSRF-Token": token})
    assert same.status_code == 303


# -- sign-out, disabled users, timeouts -----------------------------------------------------


def test_sign_out_ends_the_session_on_the_server(site: Site) -> None:
    browser = signed_in(site, "nora", "viewer")
    secret = browser.session
    answer = browser.post("/ui/signout", data={"csrf_token": browser.csrf_token()})
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/signin"
    assert browser.session is None
    # The old cookie, replayed, opens nothing: not the UI, not the API.
    replay = site.browser()
    replay.cookies.set("slmo_session", secret or "", domain="slmo.test", path="/")
    assert replay.get("/ui/").status_code == 303
    assert replay.get("/api/v1/agreements").status_code == 401
    assert sessions_of(site, "nora") == 0


def test_disabling_a_user_or_changing_the_password_ends_their_sessions(site: Site) -> None:
    nora = signed_in(site, "nora", "viewer")
    omar = signed_in(site, "omar", "viewer")
    _, ended = site.slmo.users.disable("nora", ADMIN)
    assert ended == 1
    assert nora.get("/ui/").status_code == 303
    assert nora.get("/api/v1/agreements").status_code == 401
    assert nora.sign_in("nora").status_code == 401
    _, ended = site.slmo.users.set_password("omar", "a brand new passphrase", ADMIN)
    assert ended == 1
    assert omar.get("/ui/").status_code == 303
    assert omar.sign_in("omar").status_code == 401
    assert omar.sign_in("omar", "a brand new passphrase").status_code == 303


def test_sessions_end_after_the_idle_timeout_and_the_absolute_lifetime(site: Site) -> None:
    sessions = site.slmo.sessions
    idle = signed_in(site, "nora", "viewer")
    site.clock.at += sessions.idle - dt.timedelta(minutes=1)
    assert idle.get("/ui/").status_code == 200  # a request resets the idle clock
    site.clock.at += sessions.idle - dt.timedelta(minutes=1)
    assert idle.get("/ui/").status_code == 200
    site.clock.at += sessions.idle
    assert idle.get("/ui/").status_code == 303

    busy = signed_in(site, "omar", "viewer")
    started = site.clock.at
    while site.clock.at < started + sessions.lifetime - dt.timedelta(minutes=30):
        site.clock.at += dt.timedelta(minutes=30)
        assert busy.get("/ui/").status_code == 200
    site.clock.at = started + sessions.lifetime
    assert busy.get("/ui/").status_code == 303


# -- what each principal sees ---------------------------------------------------------------


def test_a_customer_sees_only_its_agreements_and_another_partys_page_is_404(site: Site) -> None:
    browser = signed_in(site, "nora", "customer", party="ministry")
    page = browser.get("/ui/")
    assert page.status_code == 200
    assert 'href="/ui/agreements/portal-sla"' in page.text and "payments-sla" not in page.text
    assert "99.9%" in page.text
    assert "rolling 28 d" in browser.get("/ui/agreements/portal-sla").text
    hidden = browser.get("/ui/agreements/payments-sla")
    missing = browser.get("/ui/agreements/nothing-at-all")
    assert hidden.status_code == missing.status_code == 404
    # The same page; the name asked for is only in the language links back to it.
    assert hidden.text.replace("payments-sla", "x") == missing.text.replace("nothing-at-all", "x")
    assert "payments-sla" not in hidden.text.split("<main>")[1]
    # The same walls through the API with the session cookie.
    listed = browser.get("/api/v1/agreements").json()
    assert [i["metadata"]["name"] for i in listed["items"]] == ["portal-sla"]
    assert browser.get("/api/v1/agreements/payments-sla").status_code == 404


def test_a_signed_in_user_is_exactly_the_principal_a_token_of_the_same_role_is(site: Site) -> None:
    site.user("nora", "owner", party="ops")
    browser = site.browser()
    browser.sign_in("nora")
    assert site.slmo.sessions.current(browser.session).principal == Principal(name="nora", role=Role.OWNER, party="ops")
    admin = signed_in(site, "root", "admin")
    assert "payments-sla" in admin.get("/ui/").text and "portal-sla" in admin.get("/ui/").text


def test_the_arabic_page_is_right_to_left_and_the_choice_is_remembered(site: Site) -> None:
    browser = signed_in(site, "nora", "customer", party="ministry")
    page = browser.get("/ui/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "الاتفاقيات والأهداف" in page.text and "٩٩٫٩٪" in page.text
    again = browser.get("/ui/")
    assert '<html lang="ar" dir="rtl">' in again.text
    english = browser.get("/ui/?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text
    signin = site.browser().get("/ui/signin?lang=ar")
    assert '<html lang="ar" dir="rtl">' in signin.text and "تسجيل الدخول" in signin.text


def test_pages_escape_what_they_show_and_carry_security_headers(site: Site) -> None:
    site.user("nora", "viewer")
    browser = site.browser()
    token = browser.signin_form()
    answer = browser.post(
        "/ui/signin", data={"csrf_token": token, "name": "<script>alert(1)</script>", "password": "x"}
    )
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"


# -- the API with the session cookie --------------------------------------------------------

SERVICE = {
    "apiVersion": "slmo/v1",
    "kind": "Service",
    "metadata": {"name": "billing", "displayName": {"en": "Billing"}},
    "spec": {"owner": "ops"},
}


def test_the_api_takes_the_session_cookie_and_wants_the_csrf_header_for_writes(site: Site) -> None:
    browser = signed_in(site, "root", "admin")
    refused = browser.post("/api/v1/services", json=SERVICE)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert browser.get("/api/v1/services/billing").status_code == 404  # nothing was written
    cross = browser.post(
        "/api/v1/services",
        json=SERVICE,
        headers={"X-CSRF-Token": browser.csrf_token(), "Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    made = browser.post("/api/v1/services", json=SERVICE, headers={"X-CSRF-Token": browser.csrf_token()})
    assert made.status_code == 201, made.text
    (entry,) = [e for e in site.slmo.catalogue.audit("Service") if e.name == "billing"]
    assert entry.actor == "root"
    # A viewer's session has a viewer's walls.
    viewer = signed_in(site, "vera", "viewer")
    answer = viewer.post("/api/v1/services", json=SERVICE, headers={"X-CSRF-Token": viewer.csrf_token()})
    assert answer.status_code == 403


def test_bearer_requests_need_no_csrf_token_even_with_a_cookie_beside(site: Site) -> None:
    browser = signed_in(site, "vera", "viewer")
    _, secret = site.slmo.auth.create("admin", ADMIN, name="deploy")
    made = browser.post("/api/v1/services", json=SERVICE, headers={"Authorization": f"Bearer {secret}"})
    assert made.status_code == 201, made.text


# -- the templates --------------------------------------------------------------------------


def test_every_key_the_templates_use_is_in_both_catalogues() -> None:
    used: set[str] = set()
    for template in (ROOT / "src" / "slmo" / "web" / "templates").glob("*.html"):
        used.update(re.findall(r"""t\(\s*['"]([a-z_]+\.[a-z_.]+)['"]""", template.read_text(encoding="utf-8")))
    assert {"web.signin_title", "web.overview_title", "web.signout"} <= used
    for lang in ("en", "ar"):
        catalogue = json.loads(Path(ROOT / "src" / "slmo" / "i18n" / "catalogues" / f"{lang}.json").read_text("utf-8"))
        # A key that ends in "_" or "." is a prefix the template completes (t('status.' ~ ...)):
        # tests/unit/test_web_pages.py checks each completion; here, that the prefix is used.
        fixed = {k for k in used if not k.endswith(("_", "."))}
        assert sorted(fixed - set(catalogue)) == [], lang
        prefixes = used - fixed
        assert [p for p in sorted(prefixes) if not any(k.startswith(p) for k in catalogue)] == [], lang


def test_a_route_added_later_is_guarded_without_doing_anything(site: Site) -> None:
    web = create_web_app(site.slmo)
    changed: list[str] = []

    @web.post("/objectives/{name}/pause")
    def pause(name: str) -> dict[str, str]:
        changed.append(name)
        return {"paused": name}

    @web.post("/notes")
    async def note(request: Request) -> dict[str, str]:
        return {"body": (await request.body()).decode()}  # the guard read it first

    app: FastAPI = create_app(site.slmo, web=web)
    site.app = app
    browser = signed_in(site, "root", "admin")
    assert browser.post("/ui/objectives/x/pause").status_code == 403
    assert browser.post("/ui/objectives/x/pause", headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert changed == []
    done = browser.post("/ui/objectives/x/pause", headers={"X-CSRF-Token": browser.csrf_token()})
    assert done.status_code == 200 and changed == ["x"]
    form = {"csrf_token": browser.csrf_token(), "text": "hello"}
    assert browser.post("/ui/notes", data=form).json() == {"body": f"csrf_token={form['csrf_token']}&text=hello"}
