"""Web UI benchmark: the server time of rendering the overview page (``GET /ui/``) with 1,000
objectives on SQLite.

    .venv/bin/python -m bench.bench_web [--objectives 1000] [--days 1] [--repeat 200] [--lang en]

Target (issue 7): the overview renders in at most 300 ms of server time. Setup as
``bench_api``'s status benchmark (``prepare``): ``--objectives`` ratio objectives, each in its
own agreement, service and indicator, with ``--days`` of one-minute buckets, every objective
evaluated and stored once, as a running scheduler would have done. A viewer user signs in
through the sign-in form; then every request goes through the whole app (the API with the UI
mounted at ``/ui``, security headers, session look-up) in process, over httpx's
``ASGITransport``, and is timed from sending to the last byte of the body: server time with no
network and no browser. Measured:

- the first overview of the process (the board read from the store, every row formatted and
  rendered), and the first of a second app over the same handle (the board kept, the rows
  formatted and rendered);
- ``--repeat`` overviews with nothing changed (the board and the formatted rows kept);
- ``--repeat`` overviews, each after one objective was evaluated and stored again (a new board
  version: one row formatted anew), as under a running scheduler; the storing is not timed;
- a search (``?q=``) and a status filter over the same rows.

Reference in the same run, for the same principal and session: ``GET /api/v1/status``, the
same rows as JSON (its serialised body kept per board version), measured the same ways.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import numpy as np
from bench.bench_api import ACTOR, prepare

from slmo.api import create_app
from slmo.bootstrap import Slmo, connect
from slmo.settings import Settings
from slmo.web import create_web_app

TARGET_MS = 300.0
PASSWORD = "benchmark passphrase"
ORIGIN = "http://127.0.0.1:8000"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """One signed-in browser's requests to the app, in process."""

    def __init__(self, slmo: Slmo) -> None:
        self.app = create_app(slmo, web=create_web_app(slmo))
        self.cookies = httpx.Cookies()

    def get(self, path: str) -> tuple[float, httpx.Response]:
        async def send() -> tuple[float, httpx.Response]:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=self.cookies) as client:
                began = time.perf_counter()
                answer = await client.get(path)
                elapsed = time.perf_counter() - began
                self.cookies = httpx.Cookies(client.cookies)
                return elapsed, answer

        return anyio.run(send)

    def sign_in(self, name: str) -> None:
        _, page = self.get("/ui/signin")
        found = _TOKEN.search(page.text)
        assert found is not None, page.text

        async def send() -> None:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=self.cookies) as client:
                answer = await client.post(
                    "/ui/signin",
                    data={"csrf_token": found.group(1), "name": name, "password": PASSWORD},
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
    p50, p99 = np.percentile(ms, [50, 99])
    text = f"{label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(ms)} requests); p99 / target {p99 / TARGET_MS:.2f}"
    if reference is not None:
        text += f"; p50 {p50 / np.percentile(reference, 50):.1f}x the reference's"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--lang", choices=("en", "ar"), default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slmo-bench-web-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        began = time.perf_counter()
        prepare(url, args.objectives, args.days)
        with connect(Settings(database_url=url, lang=args.lang)) as slmo:
            stored = slmo.evaluation.evaluate()
            slmo.users.create("bench", "viewer", PASSWORD, ACTOR)
            print(
                f"setup: {args.objectives:,} objectives x {args.days} day(s) of buckets, {len(stored):,} "
                f"evaluations stored, in {time.perf_counter() - began:.1f} s"
            )
            client = Client(slmo)
            client.sign_in("bench")
            first, page = client.get("/ui/")
            rows = page.text.count('<tr class="s-')
            assert rows == args.objectives, rows
            _, status = client.get("/api/v1/status")
            print(
                f"first GET /ui/ of the process ({rows:,} rows, {len(page.content):,} bytes, lang {args.lang}; "
                f"the status board read from the store, every row formatted and rendered): {first * 1000:.0f} ms; "
                f"GET /api/v1/status: {len(status.content):,} bytes"
            )
            # A second app over the same handle: the board is kept (by the evaluation service),
            # the rows are not (by the app): the page's own share of a cold start.
            second = Client(slmo)
            second.sign_in("bench")
            cold, _ = second.get("/ui/")
            print(f"first GET /ui/ of a new app, the board already read: {cold * 1000:.0f} ms")
            reference = timed(client, "/api/v1/status", args.repeat)
            overview = timed(client, "/ui/", args.repeat)
            print(describe("reference GET /api/v1/status, nothing changed", reference))
            print(describe("GET /ui/, nothing changed", overview, reference))

            names = [f"sla-{i:04d}/success" for i in range(args.objectives)]

            def store_one(i: int) -> None:
                slmo.evaluation.evaluate(objective=names[i % len(names)])

            changing_ref = timed(client, "/api/v1/status", args.repeat // 2, store_one)
            changing = timed(client, "/ui/", args.repeat // 2, store_one)
            print(describe("reference GET /api/v1/status, one objective stored before each", changing_ref))
            print(describe("GET /ui/, one objective stored before each", changing, changing_ref))
            print(describe("GET /ui/?q=sla-09 (a search)", timed(client, "/ui/?q=sla-09", args.repeat // 2), reference))
            print(
                describe(
                    "GET /ui/?status=met (a filter)", timed(client, "/ui/?status=met", args.repeat // 2), reference
                )
            )
            worst = max(np.percentile(overview, 99), np.percentile(changing, 99))
            print(
                f"verdict: worst p99 {worst:.1f} ms against the target of {TARGET_MS:.0f} ms: "
                f"{'met' if worst <= TARGET_MS else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
