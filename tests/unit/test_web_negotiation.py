"""The negotiation on the agreement page of the web UI: the steps taken, the buttons each user
may use (a manager for the provider, a customer for its party), CSRF-guarded form POSTs taken
through the API's walls and audited as made through the web, and the diff page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from slmo.core.model import VersionState
from tests.api_support import FixedClock
from tests.negotiation_support import NOW, add_draft, example_slmo, snapshot
from tests.web_support import Browser, Site

PAGE = "/ui/agreements/eportal-sla"
V = "/ui/agreements/eportal-sla/versions"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site() -> Iterator[Site]:
    clock = FixedClock(NOW)
    with example_slmo(clock) as slmo:
        made = Site(slmo, clock)
        add_draft(slmo, effective={"from": "2026-12-01"}, edits={"objectives.availability.target": 0.995})
        yield made


def signed_in(site: Site, name: str, role: str, party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def token(browser: Browser) -> str:
    found = _TOKEN.search(browser.get(PAGE).text)
    assert found is not None
    return found.group(1)


def step(browser: Browser, path: str, **fields: str) -> str:
    done = browser.post(f"{V}/{path}", data={"csrf_token": token(browser), **fields})
    assert done.status_code == 303, done.text
    return done.headers["location"]


def test_a_version_negotiated_in_the_browser(site: Site) -> None:
    faisal = signed_in(site, "faisal", "manager")
    noura = signed_in(site, "noura", "customer", party="ministry")
    page = faisal.get(PAGE).text
    assert 'id="negotiation"' in page and "You act for it-operations." in page
    assert f'action="{V}/2/propose"' in page and f'action="{V}/2/approve"' not in page
    assert "recorded from a document" in page and "drafted" in page

    location = step(faisal, "2/propose", comment="99.5 % from December")
    assert location == "/ui/agreements/eportal-sla?done=propose&version=2#negotiation"
    page = faisal.get(location).text
    assert "Version 2 is proposed." in page and "99.5 % from December" in page

    page = noura.get(PAGE).text
    assert "You act for ministry." in page and "Approve for ministry" in page
    assert f'action="{V}/2/propose"' not in page and f'action="{V}/2/activate"' not in page
    assert 'name="target:availability" inputmode="decimal" dir="ltr" value="99.5"' in page
    location = step(noura, "2/counter", **{"target:availability": "99.9", "comment": "The portal needs 99.9 %"})
    assert location == "/ui/agreements/eportal-sla?done=counter&version=3#negotiation"
    page = noura.get(location).text
    assert "Version 3 is proposed in its place." in page
    assert f'href="{V}/3/diff?against=2"' in page
    diff = noura.get(f"{V}/3/diff?against=2").text
    assert "Version 3 against version 2" in diff and "objectives.availability.target" in diff
    assert "<bdi>0.995</bdi>" in diff and "<bdi>0.999</bdi>" in diff
    assert "objectives.availability.target" in noura.get(f"{V}/3/diff").text  # against what it counters

    step(noura, "3/approve")
    assert "Approve for ministry" not in noura.get(PAGE).text.split('id="negotiate-3"')[1].split("</section>")[0]
    step(faisal, "3/approve", comment="Agreed")
    assert f'action="{V}/3/activate"' not in faisal.get(PAGE).text  # not before 1 December
    site.clock.at = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert faisal.sign_in("faisal").status_code == 303  # a new day: signed in again
    assert f'action="{V}/3/activate"' in faisal.get(PAGE).text
    page = faisal.get(step(faisal, "3/activate")).text
    assert "Version 3 is in force." in page

    agreement = site.slmo.negotiation.agreement("eportal-sla")
    three = agreement.version(3)
    assert three is not None and three.state is VersionState.ACTIVE
    history = site.slmo.negotiation.history("eportal-sla")
    assert [(s.kind.value, s.actor, s.interface, s.party) for s in history[2:]] == [
        ("proposed", "faisal", "web", "it-operations"),
        ("countered", "noura", "web", "ministry"),
        ("proposed", "noura", "web", "ministry"),
        ("approved", "noura", "web", "ministry"),
        ("approved", "faisal", "web", "it-operations"),
        ("activated", "faisal", "web", "it-operations"),
        ("superseded", "faisal", "web", "it-operations"),
    ]
    assert {e.interface for e in site.slmo.catalogue.audit(kind="Negotiation")} == {"web"}


def test_the_walls_of_the_page(site: Site) -> None:
    faisal = signed_in(site, "faisal", "manager")
    vera = signed_in(site, "vera", "viewer")
    nina = signed_in(site, "nina", "customer", party="network-team")
    step(faisal, "2/propose")
    held = snapshot(site.slmo)
    # Without the session's token: refused, nothing changed.
    assert faisal.post(f"{V}/2/approve").status_code == 403
    assert faisal.post(f"{V}/2/approve", data={"csrf_token": "forged"}).status_code == 403
    # A viewer reads the history and gets no button; a step is refused.
    page = vera.get(PAGE).text
    assert "proposed" in page and 'action="' + V not in page
    assert vera.post(f"{V}/2/approve", data={"csrf_token": token(vera)}).status_code == 403
    # Another party's customer: the page and every step are not found.
    assert nina.get(PAGE).status_code == 404
    own = nina.get("/ui/agreements/network-ola")
    assert own.status_code == 200 and 'id="negotiation"' in own.text
    found = _TOKEN.search(own.text)
    assert found is not None
    assert nina.post(f"{V}/2/approve", data={"csrf_token": found.group(1)}).status_code == 404
    assert nina.post(f"{V}/2/counter", data={"csrf_token": found.group(1)}).status_code == 404
    assert nina.get(f"{V}/2/diff").status_code == 404
    # The manager approving as the ministry is not offered, and the rules refuse a bad step.
    refused = faisal.post(f"{V}/2/activate", data={"csrf_token": token(faisal)})
    assert refused.status_code == 409 and "not agreed" in refused.text
    assert faisal.post(f"{V}/2/dance", data={"csrf_token": token(faisal)}).status_code == 404
    assert snapshot(site.slmo) == held


def test_the_negotiation_in_arabic(site: Site) -> None:
    noura = signed_in(site, "noura", "customer", party="ministry")
    page = noura.get(PAGE + "?lang=ar").text
    assert "التفاوض" in page and "سُجّل من مستند" in page and "صيغت مسودته" in page
    diff = noura.get(f"{V}/2/diff?against=1&lang=ar").text
    assert "الإصدار ٢ مقارنةً بالإصدار ١" in diff and "تغيّر" in diff
