"""Portfolio benchmark: the server time of ``GET /api/v1/portfolio`` (and of the web page
``/ui/portfolio``) with 200 agreements and 2,000 objectives, on SQLite (``--postgres``: on a new
schema of the PostgreSQL server at ``SLMO_TEST_POSTGRES_URL`` as well).

    .venv/bin/python -m bench.bench_portfolio [--agreements 200] [--objectives 10] [--repeat 100]
        [--postgres] [--skip-sqlite]

Target (issue 10): the portfolio loads in at most 500 ms. Setup (not timed): ``--agreements``
agreements of ``--objectives`` ratio objectives each (every objective its own indicator), 20
customers, 4 suppliers, 40 services of tiers 1 to 4 (every fourth depending on a supplier), one
agreement in ten an underpinning contract; every objective's closed periods of the twelve
months 2025-10 to 2026-09 (what the close job keeps) and its current evaluation stored a minute
ago with a forecast (what the scheduler keeps); credits ledger lines for July to September,
each service's cost for those months, and a review of every other agreement. Today is
10 October 2026.

Then the same with one objective's newer evaluation stored before each request (not timed), as
under a running scheduler: a new board version, so the lines are made again.

Every request goes through the whole app in process (httpx's ``ASGITransport``, a viewer's
token or session), timed from sending to the last byte of the body: server time, with no
network. Measured: the first request of the process (the closed periods, the catalogue and
the board read from the store), then ``--repeat`` requests of the finished quarter 2026-Q3
grouped by customer and sorted by risk, of the running quarter 2026-Q4 (the board's current
standing added), of another grouping and order, and a request after one more period was closed
(read in past the chain's head). Reference in the same run: ``GET /api/v1/status``, the status
board's rows alone as JSON, for the same viewer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from pathlib import Path

import anyio
import httpx
import numpy as np
from bench.bench_api import ACTOR, postgres_database
from sqlalchemy import select, update

from slmo.api import create_app
from slmo.bootstrap import Slmo, connect
from slmo.core.engine import BURN_WINDOWS
from slmo.core.engine.credits import service_credit
from slmo.core.model import Charge, CreditSchedule, CreditTier
from slmo.core.model.chain import CLOSES_CHAIN, GENESIS, close_content, link_hash
from slmo.core.model.forecast import AttainmentForecast
from slmo.core.model.ledger import CreditBasis, CreditEntry, ServiceCost
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.period_close import ClosedPeriod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.core.model.review import Review
from slmo.settings import Settings
from slmo.store.chains import HEADS
from slmo.store.documents import evaluation_document
from slmo.store.engine import make_engine
from slmo.store.period_closes import PeriodCloseRow

TARGET_MS = 500.0
NOW = dt.datetime(2026, 10, 10, 12, 0, tzinfo=dt.UTC)
MONTHS = [f"2025-{m}" for m in ("10", "11", "12")] + [f"2026-{m:02d}" for m in range(1, 10)]
ORIGIN = "http://127.0.0.1:8000"
PASSWORD = "benchmark passphrase"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SCHEDULE = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))


class FixedClock:
    def now(self) -> dt.datetime:
        return NOW


def catalogue(agreements: int, objectives: int) -> str:
    docs = [
        f"apiVersion: slmo/v1\nkind: Party\nmetadata: {{name: cust-{c:02d}}}\nspec: {{type: customer}}\n"
        for c in range(20)
    ]
    docs += [
        f"apiVersion: slmo/v1\nkind: Party\nmetadata: {{name: supp-{s}}}\nspec: {{type: supplier}}\n" for s in range(4)
    ]
    docs.append("apiVersion: slmo/v1\nkind: Party\nmetadata: {name: ops}\nspec: {type: internal}\n")
    for s in range(40):
        depends = f", dependsOn: {{suppliers: [supp-{s % 4}]}}" if s % 4 == 0 else ""
        docs.append(
            f"apiVersion: slmo/v1\nkind: Service\nmetadata: {{name: svc-{s:02d}}}\n"
            f"spec: {{owner: ops, tier: {s % 4 + 1}{depends}}}\n"
        )
    for a in range(agreements):
        uc = a % 10 == 9
        parties = (
            f"[{{party: supp-{a % 4}, role: provider}}, {{party: ops, role: customer}}]"
            if uc
            else f"[{{party: ops, role: provider}}, {{party: cust-{a % 20:02d}, role: customer}}]"
        )
        lines = []
        for o in range(objectives):
            name = f"ind-{a:03d}-{o:02d}"
            docs.append(
                f"apiVersion: slmo/v1\nkind: Indicator\nmetadata: {{name: {name}}}\n"
                f"spec: {{service: svc-{a % 40:02d}, kind: ratio}}\n"
            )
            lines.append(
                f"        - {{name: obj-{o:02d}, indicator: {name}, target: 0.999, window: {{rolling: 28d}}}}\n"
            )
        docs.append(
            f"apiVersion: slmo/v1\nkind: Agreement\nmetadata: {{name: agr-{a:03d}}}\nspec:\n"
            f"  type: {'uc' if uc else 'sla'}\n  parties: {parties}\n"
            f"  services: [svc-{a % 40:02d}, svc-{(a + 7) % 40:02d}]\n"
            f"  versions:\n    - version: 1\n      state: active\n      effective: {{from: 2025-01-01}}\n"
            f"      charge: {{amount: {10000 + 100 * a}, currency: SAR, period: month}}\n"
            f"      review: {{everyMonths: {6 if a % 2 else 12}}}\n"
            "      objectives:\n" + "".join(lines)
        )
    return "---\n".join(docs)


def record(agreement: int, objective: int, at: dt.datetime, budget: float, forecast: bool) -> ObjectiveEvaluation:
    spent = 1 - budget
    status = (
        EvaluationStatus.BREACHED if budget < 0 else EvaluationStatus.AT_RISK if budget < 0.1 else EvaluationStatus.MET
    )
    return ObjectiveEvaluation(
        agreement=f"agr-{agreement:03d}",
        version=1,
        service=f"svc-{agreement % 40:02d}",
        indicator=f"ind-{agreement:03d}-{objective:02d}",
        evaluation=Evaluation(
            objective=f"obj-{objective:02d}",
            at=at,
            window_start=at - dt.timedelta(days=28),
            window_end=at,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=1000.0 - spent,
            total=1000.0,
            attainment=(1000.0 - spent) / 1000,
            target=0.999,
            budget_total=1.0,
            budget_spent=spent,
            budget_left=budget,
            burn_rates=dict.fromkeys(BURN_WINDOWS),
            status=status,
        ),
        forecast=AttainmentForecast(
            at=at,
            window_start=at - dt.timedelta(days=28),
            window_end=at + dt.timedelta(days=21),
            target=0.999,
            expected=0.999,
            interval_80=None,
            interval_95=None,
            breach_probability=float(min(1.0, max(0.0, 0.5 - budget))),
            known=0.999,
            remaining_days=21.0,
            history_days=28,
            draws=1000,
        )
        if forecast
        else None,
    )


def prepare(slmo: Slmo, url: str, agreements: int, objectives: int) -> None:
    slmo.catalogue.apply(slmo.codec.load_text(catalogue(agreements, objectives), "bench.yaml"), ACTOR)
    rng = np.random.default_rng(10)
    began = time.perf_counter()
    write_closes(url, [rng.uniform(-0.3, 1.0, (agreements, objectives)) for _ in MONTHS])
    chains = {r.chain: r for r in slmo.integrity.verify()}
    assert all(r.ok for r in chains.values()), chains
    print(f"closed periods written in {time.perf_counter() - began:.1f} s (their chain verified)")
    with slmo.portfolio._uow() as uow:
        now = rng.uniform(-0.2, 1.0, (agreements, objectives))
        stored = NOW - dt.timedelta(minutes=1)
        uow.evaluations.add(
            [record(a, o, stored, float(now[a, o]), True) for a in range(agreements) for o in range(objectives)]
        )
        for month in MONTHS[-3:]:
            for a in range(agreements):
                calculation = service_credit(SCHEDULE, 0.998, Charge(amount=10000 + 100 * a, currency="SAR"))
                uow.credits.add(
                    CreditEntry(
                        agreement=f"agr-{a:03d}",
                        period=month,
                        basis=CreditBasis.SCHEDULE,
                        clause="",
                        version=1,
                        objective="obj-00",
                        attainment=0.998,
                        amount=calculation.amount,
                        currency="SAR",
                        calculation=calculation,
                        computed_at=NOW,
                    )
                )
        uow.costs.put(
            [
                ServiceCost(service=f"svc-{s:02d}", period=m, amount=Decimal(50000 + 1000 * s), currency="SAR")
                for s in range(40)
                for m in MONTHS[-3:]
            ]
        )
        for a in range(0, agreements, 2):
            uow.reviews.add(
                Review(
                    subject_kind="Agreement",
                    subject=f"agr-{a:03d}",
                    date=dt.date(2026, 3, 1),
                    next_review=dt.date(2026, 9, 1) if a % 4 == 0 else None,
                    recorded_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                    recorded_by="bench",
                )
            )
        uow.commit()
    slmo.users.create("bench", "viewer", PASSWORD, ACTOR)


def write_closes(url: str, budgets: list[np.ndarray]) -> None:
    """Every objective's closed period of each month, as the close job stores them (the same
    document and hash chain, ``store.period_closes``), written in one statement per month: the
    close job's one transaction per period is slower than this benchmark needs."""
    engine = make_engine(url)
    closed_at = dt.datetime(2026, 10, 2, tzinfo=dt.UTC)
    table = PeriodCloseRow.__table__
    with engine.begin() as connection:
        head = connection.execute(select(HEADS.c.seq, HEADS.c.hash).where(HEADS.c.chain == CLOSES_CHAIN)).first()
        seq, digest = (0, GENESIS) if head is None else (head.seq, head.hash)
        for month, grid in zip(MONTHS, budgets, strict=True):
            rows = []
            for a in range(grid.shape[0]):
                for o in range(grid.shape[1]):
                    seq += 1
                    document = evaluation_document(record(a, o, closed_at, float(grid[a, o]), False))
                    names = (f"agr-{a:03d}", f"obj-{o:02d}", month)
                    prev, digest = digest, link_hash(digest, close_content(seq, *names, closed_at, document))
                    rows.append(
                        {
                            "agreement": names[0],
                            "objective": names[1],
                            "period": month,
                            "closed_at": closed_at,
                            "document": document,
                            "seq": seq,
                            "prev_hash": prev,
                            "hash": digest,
                        }
                    )
            connection.execute(table.insert(), rows)
        connection.execute(update(HEADS).where(HEADS.c.chain == CLOSES_CHAIN).values(seq=seq, hash=digest))
    engine.dispose()


class Client:
    """A viewer's requests to the app in process: an API token, and a signed-in session."""

    def __init__(self, slmo: Slmo, token: str) -> None:
        from slmo.web import create_web_app

        self.app = create_app(slmo, web=create_web_app(slmo))
        self.headers = {"Authorization": f"Bearer {token}"}
        self.cookies = httpx.Cookies()

    def get(self, path: str) -> tuple[float, httpx.Response]:
        async def send() -> tuple[float, httpx.Response]:
            transport = httpx.ASGITransport(app=self.app)
            headers = self.headers if path.startswith("/api/") else {}
            async with httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=self.cookies) as client:
                began = time.perf_counter()
                answer = await client.get(path, headers=headers)
                elapsed = time.perf_counter() - began
                self.cookies = httpx.Cookies(client.cookies)
                return elapsed, answer

        return anyio.run(send)

    def sign_in(self) -> None:
        _, page = self.get("/ui/signin")
        found = _TOKEN.search(page.text)
        assert found is not None, page.text

        async def send() -> None:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=self.cookies) as client:
                answer = await client.post(
                    "/ui/signin",
                    data={"csrf_token": found.group(1), "name": "bench", "password": PASSWORD},
                    headers={"Origin": ORIGIN},
                )
                assert answer.status_code == 303, answer.text
                self.cookies = httpx.Cookies(client.cookies)

        anyio.run(send)


def timed(client: Client, path: str, repeat: int, before: Callable[[int], None] | None = None) -> np.ndarray:
    found = []
    for i in range(repeat):
        if before is not None:
            before(i)
        elapsed, answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
        found.append(elapsed * 1000)
    return np.array(found)


def describe(label: str, ms: np.ndarray, reference: np.ndarray | None = None) -> str:
    p50, p95 = np.percentile(ms, [50, 95])
    text = f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(ms)} requests); p95 / target {p95 / TARGET_MS:.2f}"
    if reference is not None:
        text += f"; p50 {p50 / np.percentile(reference, 50):.1f}x the reference's"
    return text


def run(name: str, url: str, args: argparse.Namespace) -> float:
    began = time.perf_counter()
    with connect(Settings(database_url=url), clock=FixedClock()) as slmo:
        prepare(slmo, url, args.agreements, args.objectives)
        _, token = slmo.auth.create("viewer", ACTOR, name="bench-viewer")
    objectives = args.agreements * args.objectives
    print(
        f"[{name}] setup: {args.agreements} agreements, {objectives:,} objectives, "
        f"{objectives * len(MONTHS):,} closed periods, {objectives:,} stored evaluations, "
        f"in {time.perf_counter() - began:.1f} s"
    )
    worst = 0.0
    # A new process's handle over the same database: nothing kept from the setup.
    with connect(Settings(database_url=url), clock=FixedClock()) as slmo:
        client = Client(slmo, token)
        path = "/api/v1/portfolio?period=2026-Q3&group=customer&sort=risk&order=desc"
        first, answer = client.get(path)
        assert answer.status_code == 200, answer.text
        lines = len(answer.json()["lines"])
        assert lines == args.agreements, lines
        print(
            f"[{name}] first GET of the process ({lines} lines, {len(answer.content):,} bytes; the closed periods, "
            f"the catalogue and the status board read from the store): {first * 1000:.0f} ms"
        )
        reference = timed(client, "/api/v1/status", args.repeat)
        print(f"[{name}] " + describe("reference GET /api/v1/status (the status board alone)", reference))
        cases: list[tuple[str, str]] = [
            ("GET /api/v1/portfolio 2026-Q3 by customer, risk desc", path),
            ("GET /api/v1/portfolio 2026-Q4 (running) by supplier, net", "/api/v1/portfolio?group=supplier&sort=net"),
            (
                "GET /api/v1/portfolio 2026-Q3 by tier, health desc",
                "/api/v1/portfolio?period=2026-Q3&group=tier&sort=health&order=desc",
            ),
        ]
        client.sign_in()
        if _has_page(client):
            cases.append(
                (
                    "GET /ui/portfolio 2026-Q3 by customer, risk desc",
                    "/ui/portfolio?period=2026-Q3&group=customer&sort=risk&order=desc",
                )
            )
            cases.append(
                ("GET /ui/portfolio?lang=ar 2026-Q3 by service", "/ui/portfolio?period=2026-Q3&group=service&lang=ar")
            )
        for label, case in cases:
            ms = timed(client, case, args.repeat)
            print(f"[{name}] " + describe(label, ms, reference))
            worst = max(worst, float(np.percentile(ms, 95)))

        stored = itertools.count()

        def store_one(_: int) -> None:
            # As a running scheduler does: one objective's newer evaluation (each at its own
            # instant, a millisecond apart), a new board version, so every line is made again
            # (its risk may have moved). Not timed.
            n = next(stored)
            with slmo.portfolio._uow() as uow:
                at = NOW - dt.timedelta(seconds=50) + dt.timedelta(milliseconds=n)
                uow.evaluations.add(
                    [record(n % args.agreements, n // args.agreements % args.objectives, at, 0.5, True)]
                )
                uow.commit()

        changing_ref = timed(client, "/api/v1/status", args.repeat // 2, store_one)
        print(f"[{name}] " + describe("reference GET /api/v1/status, one objective stored before each", changing_ref))
        for label, case in cases[:1] + cases[3:4]:
            ms = timed(client, case, args.repeat // 2, store_one)
            print(f"[{name}] " + describe(label + ", one objective stored before each", ms, changing_ref))
            worst = max(worst, float(np.percentile(ms, 95)))

        def close_one() -> None:
            with slmo.portfolio._uow() as uow:
                closed_at = NOW
                uow.period_closes.add(
                    ClosedPeriod(
                        agreement="agr-000",
                        objective="obj-00",
                        period="2026-Q3",
                        closed_at=closed_at,
                        record=record(0, 0, closed_at, 0.5, False),
                    )
                )
                uow.commit()

        close_one()
        after, _ = client.get(path)
        print(f"[{name}] GET after one more period was closed (read past the chain's head): {after * 1000:.1f} ms")
    return worst


def _has_page(client: Client) -> bool:
    _, answer = client.get("/ui/portfolio?period=2026-Q3")
    return answer.status_code == 200


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slmo-bench-portfolio-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--objectives", type=int, default=10, help="objectives per agreement")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    stores: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = []
    if not args.skip_sqlite:
        stores.append(("sqlite", sqlite_database))
    if args.postgres:
        stores.append(("postgresql", postgres_database))
    worst = 0.0
    for name, database in stores:
        with database() as url:
            worst = max(worst, run(name, url, args))
    verdict = "met" if worst <= TARGET_MS else "MISSED"
    print(f"verdict: worst p95 {worst:.1f} ms against the target of {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
