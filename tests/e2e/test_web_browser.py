"""The web UI in a real browser: Debian's chromium, driven by Playwright (the system browser,
headless), against a real `slmo serve` on a free port over SQLite.

The server holds what README's first command sets up (`tasks.py start`): the example
catalogue, the real NAB CPU series of `examples/data`, and the same series replayed as if it
ended this week (`tasks.replayed`), so the report engine's objective has a live status. Beside
them: a day of requests of the portal with an hour of errors (a breached objective on the
overview), two service-desk tickets, and stored evaluations of the report engine every two
hours over its replayed week, the last at an instant where its page alert fires (as
`slmo evaluate --at` stores them and decides the alerts). The server runs with
`--no-scheduler`: its scheduler would evaluate every objective now and resolve that alert.

The walk: sign in and open the overview; drill down from a service to an objective and zoom
a chart; switch to Arabic on every page (`dir="rtl"`, and no visible text is an untranslated
English string); acknowledge the alert; a customer sees its own agreements only, and
downloads a PDF report of one (kept beside the screenshots). Every page is saved as a screenshot in both languages under `artifacts/screenshots/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from ruamel.yaml import YAML
from tasks import replayed

from slmo.bootstrap import connect
from slmo.core.model.alerts import AlertStatus
from slmo.settings import Settings
from tests.conftest import EXAMPLES, ROOT, require
from tests.e2e.conftest import SLMO

pytestmark = pytest.mark.xdist_group("web_browser")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SERIES = EXAMPLES / "data" / "ec2_cpu_utilization_825cc2.csv"
NAB = "report-engine-headroom/cpu-headroom"
# In the original series (2014), the page tier of the NAB objective fires from 23:10 to 23:40
# on 23 April (`slmo alerts backtest`, tests/e2e/test_cli_alerts.py): the last instant stored.
FIRING = dt.datetime(2014, 4, 23, 23, 20, tzinfo=dt.UTC)
ADMIN, CUSTOMER, PASSWORD = "ops-lead", "noura", "a long web test passphrase"
TICKETS = """id,service,priority,opened,status,at,sequence,resolved
T1,service-desk,P1,{day}T09:00:00+03:00,New,{day}T09:00:00+03:00,0,
T1,service-desk,P1,{day}T09:00:00+03:00,Awaiting User Info,{day}T10:00:00+03:00,1,
T1,service-desk,P1,{day}T09:00:00+03:00,Active,{day}T12:00:00+03:00,2,
T1,service-desk,P1,{day}T09:00:00+03:00,Resolved,{day}T15:30:00+03:00,3,{day}T15:30:00+03:00
T2,service-desk,P2,{day}T09:00:00+03:00,New,{day}T09:00:00+03:00,0,
T2,service-desk,P2,{day}T09:00:00+03:00,Resolved,{day}T12:00:00+03:00,1,{day}T12:00:00+03:00
"""


@dataclass
class Served:
    base: str
    database: str
    # Latin words that may stay in an Arabic page: names from the catalogue data and the
    # tickets, the users and the audit log's names, units and the period syntax
    # (``latin_allowed``).
    allowed: set[str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _slmo(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*SLMO, *args], env=env, input=stdin, capture_output=True, text=True, cwd=ROOT, check=False, timeout=180
    )
    assert done.returncode == 0, f"slmo {' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


# Keys of the example documents whose values are names (identifiers, people, currencies): they
# may appear in an Arabic page as they are. English display texts (``en``) may not.
NAME_KEYS = {"name", "party", "signatory", "services", "service", "indicator", "calendar", "currency", "owner"}


def _names(node: Any, key: str | None = None) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            found |= _names(v, str(k))
    elif isinstance(node, list):
        for v in node:
            found |= _names(v, key)
    elif isinstance(node, str) and key in NAME_KEYS:
        found.add(node)
    return found


def latin_allowed(users: set[str]) -> set[str]:
    names: set[str] = set(users)
    yaml = YAML(typ="safe")
    for path in EXAMPLES.glob("*.yaml"):
        for document in yaml.load_all(path.read_text(encoding="utf-8")):
            names |= _names(document)
    for line in TICKETS.splitlines()[1:]:
        names.update(line.split(",")[1:5:1])  # service, priority, opened, status
    words = {w.lower() for name in names for w in re.findall(r"[A-Za-z]+", name)}
    # Units (1h, 5m, 28 d), the brand, the period syntax (2026-Q3) and the names of file
    # formats, which Arabic writes in Latin letters too.
    return words | {"h", "m", "d", "w", "s", "slmo", "q", "pdf", "html"}


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "slmo serve did not start:\n" + log.read_text()
        time.sleep(0.2)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require(CHROMIUM.exists(), f"Debian's chromium ({CHROMIUM}) is not installed: apt-get install chromium")
    folder = tmp_path_factory.mktemp("web")
    database = f"sqlite:///{folder / 'slmo.db'}"
    env = {**os.environ, "SLMO_DATABASE_URL": database, "SLMO_LANG": "en", "COLUMNS": "200", "NO_COLOR": "1"}
    now = dt.datetime.now(dt.UTC)
    # README's first command.
    _slmo(env, "apply", "-f", str(EXAMPLES))
    _slmo(env, "ingest", "samples", "--indicator", "report-engine-cpu", "--tz", "UTC", str(SERIES))
    copy = replayed(SERIES, folder / "demo", now)
    _slmo(env, "ingest", "samples", "--indicator", "report-engine-cpu", "--source", "replay", "--tz", "UTC", str(copy))
    # A day of portal requests with an hour of 20 % errors: breached now.
    events = folder / "requests.csv"
    start = now.replace(second=0, microsecond=0) - dt.timedelta(days=1)
    with events.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "good", "total"])
        for minute in range(24 * 60):
            at = start + dt.timedelta(minutes=minute)
            writer.writerow([at.strftime("%Y-%m-%dT%H:%M:%SZ"), 800 if 600 <= minute < 660 else 999, 1000])
    _slmo(env, "ingest", "events", "--indicator", "eportal-requests", "--tz", "UTC", str(events))
    tickets = folder / "tickets.csv"
    tickets.write_text(TICKETS.format(day=(now - dt.timedelta(days=3)).date().isoformat()), encoding="utf-8")
    _slmo(env, "ingest", "tickets", str(tickets))
    # Evaluations of the report engine every two hours over its replayed week, stored with
    # their alerts decided, the last where its page alert fires.
    with copy.open() as rows:
        last = dt.datetime.fromisoformat(list(csv.reader(rows))[-1][0].replace("Z", "+00:00"))
    firing = FIRING + (last - dt.datetime(2014, 4, 24, 0, 0, tzinfo=dt.UTC)).days // 7 * dt.timedelta(weeks=1)
    with connect(Settings(database_url=database)) as slmo:
        at = firing - dt.timedelta(days=6)
        while at < firing:
            slmo.alerts.evaluate(at, NAB)
            at += dt.timedelta(hours=2)
    _slmo(env, "evaluate", "--at", firing.isoformat(), "--objective", NAB)
    _slmo(env, "user", "create", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    _slmo(
        env,
        "user",
        "create",
        CUSTOMER,
        "--role",
        "customer",
        "--party",
        "ministry",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    with connect(Settings(database_url=database)) as slmo:
        # Who changed what, by name: the audit page shows them (the files ingested among them).
        audited = {e.actor for e in slmo.catalogue.audit()} | {e.name for e in slmo.catalogue.audit()}
        assert [a.state for a in slmo.alerts.alerts() if a.key == NAB and a.tier == "page"] == [AlertStatus.FIRING]

    port = _free_port()
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*SLMO, "serve", "--no-scheduler", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield Served(base, database, latin_allowed(audited | {ADMIN, CUSTOMER}))
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any, served: Served) -> Iterator[Any]:
    context = chromium.new_context(base_url=served.base, viewport={"width": 1280, "height": 900}, locale="en-GB")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    # A page may be a 403 or 404 on purpose; what it loads (styles, scripts) may not.
    opened.on(
        "response",
        lambda answer: (
            problems.append(f"{answer.status} {answer.url}")
            if answer.status >= 400 and answer.request.resource_type != "document"
            else None
        ),
    )
    opened.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield opened
    context.close()
    assert problems == [], problems  # no script error, no resource missing or refused (CSP)


def sign_in(page: Any, name: str) -> None:
    page.goto("/ui/")
    assert page.url.endswith("/ui/signin?next=/ui/")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_url("**/ui/")


def shot(page: Any, name: str) -> None:
    lang = page.evaluate("document.documentElement.lang")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)


# -- the walk ---------------------------------------------------------------------------------


def test_sign_in_and_open_the_overview(page: Any) -> None:
    sign_in(page, ADMIN)
    rows = page.locator("table.board tbody tr")
    assert rows.count() == 9  # every objective in force
    statuses = set(page.eval_on_selector_all("table.board tbody tr", "rows => rows.map(r => r.className)"))
    assert {"s-breached", "s-no_data"} <= statuses, statuses
    # Status colours: a breached badge is red on pink, a met one green on green.
    breached = page.locator("table.board span.status.s-breached").first
    assert breached.evaluate("e => getComputedStyle(e).color") == "rgb(164, 14, 38)"
    assert page.locator("ul.counts").inner_text().count(":") == 4
    shot(page, "overview")

    # The search box filters as one types (the script), and the form on the server.
    page.fill("#board-search", "report engine")
    assert page.locator("table.board tbody tr:visible").count() == 1
    assert "1 of 9 objectives shown" in page.inner_text("#board-shown")
    page.press("#board-search", "Enter")
    page.wait_for_url("**/ui/?q=report+engine*")
    assert page.locator("table.board tbody tr").count() == 1
    page.goto("/ui/")
    page.select_option("select[name=status]", "breached")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=breached*")
    classes = page.eval_on_selector_all("table.board tbody tr", "rows => rows.map(r => r.className)")
    assert classes and set(classes) == {"s-breached"}
    page.goto("/ui/?agreement=report-engine-headroom")
    assert page.locator("table.board tbody tr").count() == 1


def test_drill_down_from_a_service_to_an_objective_and_zoom_its_chart(page: Any) -> None:
    sign_in(page, ADMIN)
    page.click("table.board a:text-is('Report engine')")
    page.wait_for_url("**/ui/services/report-engine")
    assert page.inner_text("h1") == "Report engine"
    shot(page, "service")
    page.click("table.board a:text-is('5-minute slices with CPU under 97 %')")
    page.wait_for_url(f"**/ui/agreements/{NAB.replace('/', '/objectives/')}")
    assert page.inner_text("h1") == "5-minute slices with CPU under 97 %"
    # Two charts from the stored evaluations, drawn by uPlot.
    page.wait_for_selector("figure.chart.drawn canvas")
    assert page.locator("figure.chart.drawn").count() == 2
    assert "The newest 73 stored evaluations." in page.inner_text("main")
    figure = page.locator("figure.chart[data-chart=chart-attainment]")
    before = figure.evaluate("f => [f.uplot.scales.x.min, f.uplot.scales.x.max]")
    # The mouse acts in the viewport: bring the chart into it (the nav may push it below).
    figure.scroll_into_view_if_needed()
    box = figure.locator(".u-over").bounding_box()
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, middle)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, middle, steps=5)
    page.mouse.up()
    after = figure.evaluate("f => [f.uplot.scales.x.min, f.uplot.scales.x.max]")
    assert before[0] < after[0] < after[1] < before[1]  # zoomed in on the stretch dragged over
    page.mouse.dblclick(box["x"] + box["width"] / 2, middle)
    assert figure.evaluate("f => [f.uplot.scales.x.min, f.uplot.scales.x.max]") == before
    # Burn rates, contributors and the firing alert of the objective.
    assert page.locator("h2:text-is('Burn rates') + p + table tbody tr").count() == 7
    assert page.locator("h2:text-is('What spent the budget')").count() == 1
    assert "firing" in page.inner_text("table.alerts")
    shot(page, "objective")
    page.click(f"p.crumbs a[href$='/agreements/{NAB.split('/', maxsplit=1)[0]}']")
    assert page.inner_text("h1") == "Report engine headroom"
    page.wait_for_selector("figure.chart.drawn canvas")
    shot(page, "agreement")
    page.goto("/ui/agreements/eportal-sla")
    assert "250,000 SAR a month" in page.inner_text("main")
    assert page.locator("table.credits tbody tr").count() == 3
    shot(page, "agreement-sla")


PAGES = {
    "overview": "/ui/",
    "service": "/ui/services/report-engine",
    "agreement": "/ui/agreements/report-engine-headroom",
    "agreement-sla": "/ui/agreements/eportal-sla",
    "objective": f"/ui/agreements/{NAB.replace('/', '/objectives/')}",
    "tickets": "/ui/tickets",
    "ticket": "/ui/tickets/T1",
    "alerts": "/ui/alerts?state=all",
    "reports": "/ui/reports",
    "portfolio": "/ui/portfolio?group=customer",
    "opportunities": "/ui/opportunities",
    "costs": "/ui/costs",
    "suppliers": "/ui/suppliers",
    "proposals": "/ui/proposals",
    "audit": "/ui/audit",
}

VISIBLE_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || element.closest('script, style, noscript, [lang="en"]')) continue;
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    found.push(text);
  }
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (input.checkVisibility()) found.push(input.placeholder);
  }
  return found;
}"""


def _english(lang_values: dict[str, str], arabic: dict[str, str]) -> list[re.Pattern[str]]:
    """The English catalogue's messages that Arabic says otherwise, as patterns (a placeholder
    matches anything), for those with an English word in them."""
    found = []
    for key, text in lang_values.items():
        if arabic.get(key, text) == text or not re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", text)):
            continue
        parts = re.split(r"\{\w+\}", text)
        found.append(re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL))
    return found


def _catalogue(lang: str) -> dict[str, str]:
    found: dict[str, str] = json.loads((ROOT / "src/slmo/i18n/catalogues" / f"{lang}.json").read_text("utf-8"))
    return found


def test_switch_to_arabic_every_page_is_right_to_left_and_translated(page: Any, served: Served) -> None:
    sign_in(page, ADMIN)
    english = _english(_catalogue("en"), _catalogue("ar"))
    page.click("nav.languages a[hreflang=ar]")
    page.wait_for_url("**lang=ar")
    for name, path in PAGES.items():
        page.goto(path)
        assert page.evaluate("[document.documentElement.dir, document.documentElement.lang]") == ["rtl", "ar"], name
        if page.locator("figure.chart").count():
            page.wait_for_selector("figure.chart.drawn canvas")
        texts: list[str] = page.evaluate(VISIBLE_TEXT)
        assert texts, name
        untranslated = [t for t in texts if any(p.fullmatch(t) for p in english)]
        assert untranslated == [], (name, untranslated)
        words = {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)}
        assert sorted(words - served.allowed) == [], (name, sorted(words - served.allowed))
        # Laid out right to left: the brand sits at the right edge.
        brand = page.locator("a.brand").bounding_box()
        assert brand["x"] > 1280 / 2, name
        shot(page, name)
    # The choice is remembered; English again with the switch, and the English screenshots.
    page.goto("/ui/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.click("nav.languages a[hreflang=en]")
    for name, path in PAGES.items():
        page.goto(path)
        assert page.evaluate("document.documentElement.dir") == "ltr"
        if page.locator("figure.chart").count():
            page.wait_for_selector("figure.chart.drawn canvas")
        shot(page, name)


def test_acknowledge_an_alert(page: Any, served: Served) -> None:
    sign_in(page, ADMIN)
    page.click("nav.sections a:text-is('Alerts')")
    row = page.locator("table.alerts tbody tr", has_text=NAB).filter(has_text="page")
    assert row.count() == 1
    assert row.locator(".state").inner_text() == "firing"
    alert_id = row.get_attribute("id").removeprefix("alert-")
    row.locator("button.ack").click()
    page.wait_for_url(f"**/ui/alerts?acknowledged={alert_id}")
    assert f"Alert {alert_id} ({NAB}) is acknowledged" in page.inner_text("p.notice")
    row = page.locator(f"#alert-{alert_id}")
    assert row.locator(".state").inner_text() == "acknowledged"
    assert row.locator("button.ack").count() == 0
    assert ADMIN in row.inner_text()
    shot(page, "alerts-acknowledged")
    # Stored, and audited as made through the web by the signed-in user.
    with connect(Settings(database_url=served.database)) as slmo:
        (alert,) = [a for a in slmo.alerts.alerts() if str(a.id) == alert_id]
        assert (alert.state, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, ADMIN)
        (entry,) = slmo.catalogue.audit("Alert", alert_id)
        assert (entry.actor, entry.interface, entry.after) == (ADMIN, "web", {**entry.after, "state": "acknowledged"})
    page.goto("/ui/audit?kind=Alert")
    assert f"alert {alert_id}" in page.inner_text("table.audit")


def test_a_customer_sees_only_its_own_agreements(page: Any) -> None:
    sign_in(page, CUSTOMER)
    agreements = set(
        page.eval_on_selector_all(
            "table.board tbody tr td:nth-child(2) a", "links => links.map(a => a.getAttribute('href'))"
        )
    )
    assert agreements == {"/ui/agreements/eportal-sla", "/ui/agreements/report-engine-headroom"}
    assert page.locator("nav.sections a:text-is('Audit log')").count() == 0
    shot(page, "overview-customer")
    for hidden in ("/ui/agreements/network-ola", "/ui/services/network", "/ui/agreements/nimbus-uc/objectives/uptime"):
        answer = page.goto(hidden)
        assert answer is not None and answer.status == 404, hidden
        assert "There is no such page, or it is not yours to see." in page.inner_text("main")
    answer = page.goto("/ui/audit")
    assert answer is not None and answer.status == 403
    page.goto("/ui/alerts?state=all")
    assert page.locator("button.ack").count() == 0


def test_download_a_pdf_report(page: Any) -> None:
    sign_in(page, CUSTOMER)
    page.click("nav.sections a:text-is('Reports')")
    page.wait_for_url("**/ui/reports")
    options = page.eval_on_selector_all("select[name=agreement] option", "o => o.map(x => x.value)")
    assert sorted(options) == ["eportal-sla", "report-engine-headroom"]  # the customer's own
    shot(page, "reports")
    page.select_option("select[name=agreement]", "report-engine-headroom")
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")  # this month so far: the replayed series
    page.fill("input[name=period]", month)
    page.select_option("select[name=report_lang]", "ar")
    page.select_option("select[name=format]", "pdf")
    with page.expect_download(timeout=120_000) as downloading:
        page.click("form.report button[type=submit]")
    download = downloading.value
    assert download.suggested_filename == f"report-engine-headroom-{month}-ar.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-") and len(content) > 10_000
    (SCREENSHOTS.parent / download.suggested_filename).write_bytes(content)
