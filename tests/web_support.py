"""The web UI in tests: the whole app (API with the UI mounted at /ui) over the in-memory fakes
or a database, users of each role, and a ``Browser`` that keeps its cookies between requests
and signs in through the form, as a person would, in process through httpx's ASGI transport."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import argon2
import httpx

from slmo.api import create_app
from slmo.bootstrap import Slmo, connect, in_memory
from slmo.services.passwords import Passwords
from slmo.settings import Settings
from slmo.web import create_web_app
from tests.api_support import ADMIN, FixedClock, seed

PASSWORD = "correct horse battery staple"
ORIGIN = "https://slmo.test"

_HIDDEN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fast_passwords() -> Passwords:
    """argon2id with the least work it allows, so that tests of everything but the hashing
    itself take milliseconds (slmo's own parameters take 64 MiB and a tenth of a second)."""
    return Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=argon2.Type.ID))


@dataclass
class Site:
    slmo: Slmo
    clock: FixedClock

    def __post_init__(self) -> None:
        self.app = create_app(self.slmo, web=create_web_app(self.slmo))
        self.slmo.users.passwords = self.slmo.sessions.passwords = fast_passwords()

    def user(self, name: str, role: str, party: str | None = None, password: str = PASSWORD) -> str:
        self.slmo.users.create(name, role, password, ADMIN, party=party)
        return name

    def browser(self, base_url: str = ORIGIN) -> Browser:
        return Browser(self, base_url)


@dataclass
class Browser:
    """Requests with a cookie jar, like a browser: ``Origin`` is sent on unsafe requests
    unless told otherwise (``headers={"Origin": ...}`` replaces it)."""

    site: Site
    base_url: str
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)

    def request(self, method: str, path: str, *, origin: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if origin and method not in ("GET", "HEAD"):
            headers.setdefault("Origin", self.base_url)

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.site.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url, cookies=self.cookies) as client:
                response = await client.request(method, path, headers=headers, **kwargs)
                self.cookies = httpx.Cookies(client.cookies)
                return response

        return anyio.run(send)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def signin_form(self) -> str:
        """Open the sign-in page; the form's token."""
        page = self.get("/ui/signin")
        assert page.status_code == 200, page.text
        found = _HIDDEN_TOKEN.search(page.text)
        assert found is not None, page.text
        return found.group(1)

    def sign_in(self, name: str, password: str = PASSWORD) -> httpx.Response:
        token = self.signin_form()
        return self.post("/ui/signin", data={"csrf_token": token, "name": name, "password": password})

    def csrf_token(self) -> str:
        """The session's token, as a page shows it (for forms and the X-CSRF-Token header)."""
        page = self.get("/ui/")
        found = _HIDDEN_TOKEN.search(page.text)
        assert page.status_code == 200 and found is not None, page.text
        return found.group(1)

    @property
    def session(self) -> str | None:
        return self.cookies.get("slmo_session")


@contextmanager
def site_over(db_url: str | None = None) -> Iterator[Site]:
    clock = FixedClock()
    slmo = in_memory(clock=clock) if db_url is None else connect(Settings(database_url=db_url), clock=clock)
    with slmo:
        seed(slmo)
        yield Site(slmo, clock)
