"""The web UI's pages in process (the whole app over the in-memory fakes): the overview from the
status board with its search and filters, the service, agreement and objective pages, tickets,
alerts and their acknowledgement, the audit log; the walls of each role; numbers, instants and
words in Arabic; every key a template completes at run time is in both catalogues."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from slmo.bootstrap import in_memory
from slmo.core.model import AgreementKind, BudgetingMethod, PartyRole, VersionState, Window, WindowUnit
from slmo.core.model.alerts import AlertStatus
from slmo.core.model.auth import Role
from slmo.core.model.portfolio import GroupBy, TrendDirection
from slmo.core.model.results import ContributorKind, EvaluationStatus
from slmo.services.evaluate import EvaluationService
from slmo.web.formats import Formats
from slmo.web.routes.alerts import STATES
from slmo.web.routes.audit import KINDS
from tests.alert_support import BURST, page_then_recover
from tests.alert_support import catalogue as alert_catalogue
from tests.alert_support import seed as alert_seed
from tests.api_support import ADMIN, TICKETS_CSV, FixedClock, seed_walls
from tests.conftest import ROOT
from tests.factories import PARTY, SERVICE
from tests.web_support import Browser, Site, site_over


@pytest.fixture
def site() -> Iterator[Site]:
    with site_over() as made:
        yield made


def signed_in(site: Site, name: str, role: str = "admin", party: str | None = None) -> Browser:
    site.user(name, role, party)
    browser = site.browser()
    assert browser.sign_in(name).status_code == 303
    return browser


def rows_of(page: str) -> list[str]:
    """The objectives of a page's status table, as AGREEMENT/OBJECTIVE."""
    return re.findall(r'<td><a href="/ui/agreements/([^"/]+)/objectives/([^"]+)">', page)


def keys(page: str) -> list[str]:
    return [f"{a}/{o}" for a, o in rows_of(page)]


# -- the overview -------------------------------------------------------------------------------


def test_the_overview_shows_the_status_board_and_never_evaluates_everything(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = signed_in(site, "root")
    site.slmo.evaluation.evaluate()

    def live(*args: object, **kwargs: object) -> None:
        raise AssertionError("the overview evaluated every objective live")

    monkeypatch.setattr(EvaluationService, "status", live)
    page = browser.get("/ui/")
    assert page.status_code == 200
    board = browser.get("/api/v1/status").json()
    assert keys(page.text) == [f"{r['agreement']}/{r['objective']}" for r in board]
    assert 'class="s-no_data"' in page.text and "no data: 2" in page.text
    assert "2 of 2 objectives shown" in page.text


def test_the_overview_follows_new_evaluations_row_by_row(site: Site) -> None:
    browser = signed_in(site, "root")
    site.slmo.evaluation.evaluate()
    first = browser.get("/ui/").text
    assert (
        first.count("2026-11-02 12:00") == 2 and first.split("<main>")[1] == browser.get("/ui/").text.split("<main>")[1]
    )
    site.clock.at += dt.timedelta(minutes=5)
    site.slmo.evaluation.evaluate(objective="portal-sla/success")
    later = browser.get("/ui/").text
    assert "2026-11-02 12:05" in later and "2026-11-02 12:00" in later


def test_a_renamed_service_shows_its_new_name_on_the_overview(site: Site) -> None:
    browser = signed_in(site, "root")
    site.slmo.evaluation.evaluate()
    assert ">Portal</a>" in browser.get("/ui/").text
    renamed = SERVICE.format(name="portal", owner="ops").replace("en: Portal", "en: Citizen portal")
    site.slmo.catalogue.apply(site.slmo.codec.load_text(renamed, "renamed.yaml"), ADMIN)
    assert ">Citizen portal</a>" in browser.get("/ui/").text


def test_search_and_filters_work_without_scripts(site: Site) -> None:
    browser = signed_in(site, "root")
    everything = keys(browser.get("/ui/").text)
    assert everything == ["payments-sla/success", "portal-sla/success"]
    assert keys(browser.get("/ui/?q=payments").text) == ["payments-sla/success"]
    assert keys(browser.get("/ui/?q=PORTAL-sla+success").text) == ["portal-sla/success"]
    assert keys(browser.get("/ui/?service=portal").text) == ["portal-sla/success"]
    assert keys(browser.get("/ui/?agreement=payments-sla").text) == ["payments-sla/success"]
    assert keys(browser.get("/ui/?status=no_data").text) == everything
    empty = browser.get("/ui/?status=breached")
    assert keys(empty.text) == [] and "No objective matches these filters." in empty.text
    # An unknown status is no filter; the form keeps what was asked.
    assert keys(browser.get("/ui/?status=nonsense").text) == everything
    kept = browser.get("/ui/?q=pay&status=no_data&service=payments").text
    assert 'value="pay"' in kept and '<option value="no_data" selected>' in kept
    assert '<option value="payments" selected>' in kept


def test_a_customer_sees_its_own_agreements_everywhere_and_others_are_404(site: Site) -> None:
    seed_walls(site.slmo)
    site.slmo.tickets.ingest(io.BytesIO(TICKETS_CSV.encode()), "t.csv", ADMIN)
    browser = signed_in(site, "nora", "customer", party="ministry")
    overview = browser.get("/ui/").text
    assert set(keys(overview)) == {"portal-desk/resolution", "portal-sla/success"}
    assert "payments" not in overview.split("<main>")[1]
    for path in (
        "/ui/services/portal",
        "/ui/agreements/portal-sla",
        "/ui/agreements/portal-sla/objectives/success",
        "/ui/tickets/T1",
    ):
        assert browser.get(path).status_code == 200, path
    missing = browser.get("/ui/agreements/nothing/objectives/success")
    for path in (
        "/ui/services/payments",
        "/ui/agreements/payments-sla",
        "/ui/agreements/payments-sla/objectives/success",
        "/ui/tickets/B1",
        "/ui/agreements/portal-sla/objectives/nothing",
    ):
        answer = browser.get(path)
        assert answer.status_code == 404, path
        assert answer.text.split("<main>")[1] == missing.text.split("<main>")[1]
    tickets = browser.get("/ui/tickets?period=2026-10").text
    assert "portal-desk/resolution" in tickets and "payments-desk" not in tickets
    refused = browser.get("/ui/audit")
    assert refused.status_code == 403 and "customers may not read the audit log" in refused.text
    assert "Audit log" not in browser.get("/ui/").text.split("<main>")[0]


# -- one service, agreement, objective ----------------------------------------------------------


def test_the_agreement_page_has_versions_objectives_a_chart_and_credits(site: Site) -> None:
    browser = signed_in(site, "root")
    site.slmo.evaluation.evaluate()
    page = browser.get("/ui/agreements/portal-sla").text
    assert "Versions" in page and "Objectives of version 1" in page and "rolling 28 d" in page
    assert 'id="chart-agreement"' in page and "uPlot.iife.min.js" in page
    assert "This version has no credit schedule." in page


def test_the_objective_page_charts_its_stored_evaluations(site: Site) -> None:
    browser = signed_in(site, "root")
    for minutes in (0, 5, 10):
        site.clock.at = dt.datetime(2026, 11, 2, 12, minutes, tzinfo=dt.UTC)
        site.slmo.evaluation.evaluate(objective="portal-sla/success")
    page = browser.get("/ui/agreements/portal-sla/objectives/success").text
    assert "The newest 3 stored evaluations." in page
    found = re.search(r'<script type="application/json" id="chart-attainment">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(html.unescape(found.group(1)))
    start = int(dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC).timestamp())
    assert data["times"] == [start, start + 300, start + 600]
    assert [s["label"] for s in data["series"]] == ["Attainment", "Target"]
    assert data["series"][1]["values"] == [99.9, 99.9, 99.9]
    assert "Burn rates" in page and "What spent the budget" in page and "No breach is recorded." in page


def test_a_service_page_lists_its_agreements_and_objectives(site: Site) -> None:
    browser = signed_in(site, "root")
    page = browser.get("/ui/services/portal").text
    assert keys(page) == ["portal-sla/success"]
    assert 'href="/ui/agreements/portal-sla"' in page


# -- tickets ----------------------------------------------------------------------------------


def test_tickets_and_a_tickets_timeline(site: Site) -> None:
    seed_walls(site.slmo)
    site.slmo.tickets.ingest(io.BytesIO(TICKETS_CSV.encode()), "t.csv", ADMIN)
    browser = signed_in(site, "root")
    page = browser.get("/ui/tickets?period=2026-10").text
    assert "portal-desk/resolution" in page and "payments-desk/resolution" in page
    assert browser.get("/ui/tickets?id=T1").headers["location"] == "/ui/tickets/T1"
    ticket = browser.get("/ui/tickets/T1").text
    assert "opened at priority P1; clock started" in ticket
    assert "breached: elapsed time passed the target (this stands)" in ticket
    assert "stopped: resolved" in ticket and "2026-10-04 09:00" in ticket
    arabic = browser.get("/ui/tickets/T1?lang=ar").text
    assert "فُتح بالأولوية P1؛ بدأ العدّ" in arabic and "٢٠٢٦-١٠-٠٤ ٠٩:٠٠" in arabic
    bad = browser.get("/ui/tickets?period=2026-13")
    assert bad.status_code == 400 and "is not a period" in bad.text
    assert browser.get("/ui/tickets/NOPE").status_code == 404


# -- alerts -----------------------------------------------------------------------------------


@pytest.fixture
def alerting() -> Iterator[Site]:
    """The page of ``tests/alert_support.py`` firing since 09:03, and a second customer."""
    clock = FixedClock(BURST)
    with in_memory(clock=clock) as slmo:
        alert_seed(slmo, alert_catalogue() + "---\n" + PARTY.format(name="bank", type="customer"))
        page_then_recover(slmo)
        clock.at = BURST + dt.timedelta(minutes=3)
        slmo.alerts.evaluate(clock.at)
        yield Site(slmo, clock)


def test_an_alert_is_acknowledged_with_the_button_and_audited_as_web(alerting: Site) -> None:
    (alert,) = alerting.slmo.alerts.alerts()
    browser = signed_in(alerting, "root")
    page = browser.get("/ui/alerts").text
    assert f'action="/ui/alerts/{alert.id}/ack"' in page and "burn rate over 1h/5m" in page
    token = browser.csrf_token()
    done = browser.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == f"/ui/alerts?acknowledged={alert.id}"
    after = browser.get(done.headers["location"]).text
    assert f"Alert {alert.id} (portal-sla/success) is acknowledged" in after
    assert f'action="/ui/alerts/{alert.id}/ack"' not in after
    (stored,) = alerting.slmo.alerts.alerts()
    assert (stored.state, stored.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, "root")
    (entry,) = alerting.slmo.catalogue.audit("Alert")
    assert (entry.actor, entry.interface) == ("root", "web")
    audit = browser.get("/ui/audit?kind=Alert").text
    assert f"alert <bdi>{alert.id}</bdi>" in audit and "web" in audit
    # Again: answered as it is.
    assert browser.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": token}).status_code == 303


def test_acknowledging_needs_the_token_and_a_role_that_may(alerting: Site) -> None:
    (alert,) = alerting.slmo.alerts.alerts()
    root = signed_in(alerting, "root")
    assert root.post(f"/ui/alerts/{alert.id}/ack").status_code == 403
    assert root.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": "forged"}).status_code == 403
    viewer = signed_in(alerting, "vera", "viewer")
    assert 'class="ack"' not in viewer.get("/ui/alerts").text
    refused = viewer.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": viewer.csrf_token()})
    assert refused.status_code == 403
    other = signed_in(alerting, "bob", "customer", party="bank")
    assert other.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": other.csrf_token()}).status_code == 403
    assert alerting.slmo.alerts.alerts()[0].state is AlertStatus.FIRING
    # A resolved alert cannot be acknowledged: 409.
    alerting.clock.at = BURST + dt.timedelta(hours=3)
    alerting.slmo.alerts.evaluate(alerting.clock.at)
    assert root.sign_in("root").status_code == 303  # three hours idle: signed out
    conflict = root.post(f"/ui/alerts/{alert.id}/ack", data={"csrf_token": root.csrf_token()})
    assert conflict.status_code == 409


def test_alert_states_and_an_owners_button(alerting: Site) -> None:
    owner = signed_in(alerting, "olga", "owner", party="ops")
    assert 'class="ack"' in owner.get("/ui/alerts").text  # ops owns the portal
    assert "No alerts here." in owner.get("/ui/alerts?state=resolved").text
    assert "firing" in owner.get("/ui/alerts?state=all").text


# -- reports ----------------------------------------------------------------------------------


def test_the_reports_form_and_its_walls(site: Site) -> None:
    browser = signed_in(site, "nora", "customer", party="ministry")
    form = browser.get("/ui/reports").text
    assert '<option value="portal-sla">' in form and "payments-sla" not in form
    assert 'name="period" value="2026-10"' in form  # the month before the clock's
    hidden = browser.get("/ui/reports/download?agreement=payments-sla&period=2026-10&format=html")
    missing = browser.get("/ui/reports/download?agreement=nothing&period=2026-10&format=html")
    assert hidden.status_code == missing.status_code == 404
    report = browser.get("/ui/reports/download?agreement=portal-sla&period=2026-10&report_lang=ar&format=html")
    assert report.status_code == 200, report.text[:2000]
    assert report.headers["content-disposition"] == 'attachment; filename="portal-sla-2026-10-ar.html"'
    assert 'dir="rtl"' in report.text


# -- the audit log ----------------------------------------------------------------------------


def test_the_audit_log_pages_from_the_newest_back(site: Site) -> None:
    browser = signed_in(site, "root")
    entries = site.slmo.catalogue.audit()
    assert len(entries) > 5
    first = browser.get("/ui/audit").text
    rows = re.findall(r"<tr>\s*<td><bdi>", first)
    assert len(rows) == len(entries)
    names = re.findall(r"</td>\s*<td>[^<]*<bdi>([^<]+)</bdi></td>\s*<td>\s*<details>", first)
    assert names == [e.name for e in reversed(entries)]
    assert 'rel="next"' not in first and 'rel="prev"' not in first
    site.slmo.users.create("many", "viewer", "a long enough password", ADMIN)
    for i in range(55):
        site.slmo.users.set_password("many", f"another long password {i}", ADMIN)
    page = browser.get("/ui/audit?kind=User").text
    assert len(re.findall(r"<tr>\s*<td><bdi>", page)) == 50 and 'rel="next"' in page
    older = browser.get("/ui/audit?kind=User&name=&offset=50").text
    assert 'rel="prev"' in older and len(re.findall(r"<tr>\s*<td><bdi>", older)) == 7  # 57 in all: root and many


# -- languages --------------------------------------------------------------------------------


def test_numbers_instants_and_words_in_arabic() -> None:
    ar, en = Formats("ar"), Formats("en")
    assert (en.percent(0.999), ar.percent(0.999)) == ("99.9%", "٩٩٫٩٪")
    assert ar.percent(-8.292, 1) == "-٨٢٩٫٢٪"
    assert (en.rate(5.5555), ar.rate(5.5555)) == ("5.56×", "٥٫٥٦×")
    at = dt.datetime(2014, 4, 24, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert (en.when(at), ar.when(at)) == ("2014-04-24 00:10", "٢٠١٤-٠٤-٢٤ ٠٠:١٠")
    assert en.when(None) == ar.when(None) == "—"
    assert (en.duration(93_900), ar.duration(93_900)) == ("1 d 2 h 5 min", "١ يوم ٢ س ٥ د")
    assert en.duration(-5400) == "-1 h 30 min" and en.duration(30) == "30 s"
    rolling = Window(length=28, unit=WindowUnit.DAY, rolling=True)
    month = Window(length=1, unit=WindowUnit.MONTH, rolling=False)
    assert (en.window(rolling), ar.window(month)) == ("rolling 28 d", "تقويمية ١ شهر")
    assert (en.reason("burn 1h/5m"), ar.reason("burn 1h/5m")) == ("burn rate over 1h/5m", "معدل الاستهلاك خلال ١h/٥m")
    assert ar.reason("budget < 25%") == "الميزانية أقل من ٢٥٪" and ar.reason("someone's own") == "someone's own"
    assert en.reason("breach forecast >= 50%") == "breach forecast at 50% or more"
    assert ar.reason("breach forecast >= 50%") == "توقع الإخلال ٥٠٪ أو أكثر"
    assert (ar.tier("page"), ar.tier("sev1")) == ("استدعاء فوري", "sev1")


def _catalogue(lang: str) -> dict[str, str]:
    found: dict[str, str] = json.loads(Path(ROOT / "src/slmo/i18n/catalogues" / f"{lang}.json").read_text("utf-8"))
    return found


def test_every_key_a_template_completes_is_in_both_catalogues() -> None:
    completed = {
        "status.": [s.value for s in EvaluationStatus],
        "state.": [s.value for s in VersionState],
        "alert.state_": [s.value for s in AlertStatus],
        "web.role_": [r.value for r in Role],
        "web.kind_": [k.value for k in AgreementKind],
        "web.party_": [p.value for p in PartyRole],
        "web.budgeting_": [b.value for b in BudgetingMethod],
        "web.contributor_": [c.value for c in ContributorKind],
        "web.per_": ["month", "quarter", "year"],
        "web.alerts_": list(STATES),
        "web.audit_kind_": list(KINDS),
        "web.interface_": ["cli", "api", "web", "worker"],
        "web.action_": ["create", "change", "delete"],
        "web.clock_": ["response", "resolution"],
        "web.ticket_unit_": ["business", "business_days", "end_of_day", "calendar"],
        "web.span_": [u.name.lower() for u in WindowUnit],
        "web.unit_": ["days", "hours", "minutes", "seconds"],
        "web.reason_": ["burn", "budget", "at_risk", "no_data"],
        "web.tier_": ["page", "ticket"],
        "web.language_": ["en", "ar"],
        "web.report_format_": ["pdf", "html"],
        "ticket.event.": ["opened", "started", "paused", "resumed", "priority", "warning", "breached", "resolved"],
        "portfolio.group_": [g.value for g in GroupBy],
        "portfolio.no_": [g.value for g in GroupBy],
        "portfolio.trend_": [*(d.value for d in TrendDirection), "none"],
    }
    templates = "".join(p.read_text("utf-8") for p in (ROOT / "src/slmo/web/templates").glob("*.html"))
    for lang in ("en", "ar"):
        catalogue = _catalogue(lang)
        missing = [p + v for p, values in completed.items() for v in values if p + v not in catalogue]
        assert missing == [], lang
    # Each prefix a template completes is one of those.
    used = set(re.findall(r"""t\(\s*'([a-z_]+\.[a-z_.]*[._])'\s*~""", templates))
    assert used <= set(completed), used - set(completed)
    # The Arabic says something else than the English for every web key but the neutral ones.
    en, ar = _catalogue("en"), _catalogue("ar")
    same = sorted(k for k in en if k.startswith("web.") and en[k] == ar.get(k))
    assert same == [], same


def test_the_overview_shows_where_each_window_will_end(alerting: Site) -> None:
    """The forecast cell: the expected end-of-window attainment and the chance of breach, as
    the API gives them, with the 80 % interval in the cell's title; in Arabic too."""
    browser = signed_in(alerting, "root")
    (row,) = browser.get("/api/v1/status").json()
    forecast = row["forecast"]
    assert forecast is not None and forecast["expected_attainment"] is not None
    page = browser.get("/ui/").text
    english = Formats("en")
    assert english.percent(forecast["expected_attainment"], 3) in page
    assert "P(breach) " + english.percent(forecast["breach_probability"], 0) in page
    assert 'title="80 % interval ' in page
    arabic = browser.get("/ui/?lang=ar").text
    assert "احتمال الإخلال" in arabic
    assert Formats("ar").percent(forecast["expected_attainment"], 3) in arabic
