"""API benchmark: ``GET /api/v1/status`` latency at a steady request rate on SQLite, and HTTP
ingestion throughput in batches of buckets on PostgreSQL.

    .venv/bin/python -m bench.bench_api [--objectives 1000] [--days 1] [--rate 200] [--seconds 10] [--warmup 2]
        [--ingest-batches 10] [--batch 10000] [--scheduler] [--skip-status] [--skip-ingest]

Status (target, issue 5: p99 under 50 ms at 200 requests a second, 1,000 objectives, SQLite):
a real ``slmo serve --no-scheduler`` process (``--scheduler``: with the scheduler in it) over a
SQLite file with ``--objectives`` ratio objectives (one agreement, service and indicator each)
and ``--days`` of one-minute buckets each. Every objective is evaluated and stored once
beforehand (``slmo.evaluation.evaluate()``), as a running scheduler would have done. The load
generator runs here, on the same machine, and sends at a fixed rate whatever the answers' pace
(open loop), so slow answers show in the latency instead of lowering the rate; it receives
every byte of every body. Measured twice: whole bodies, and with the ETag sent back (304).
Reference in the same run: the same status evaluated live, once (``GET /status?at=``, what
every request cost before the status board).

Ingestion (target: at least 100,000 buckets a second on PostgreSQL): ``--ingest-batches``
CSV bodies of ``--batch`` one-minute buckets each, posted one after the other to
``/api/v1/ingest/events`` of a server over a database of its own (a new schema in the server
at ``SLMO_TEST_POSTGRES_URL``, default postgresql+psycopg://postgres@127.0.0.1:5432/test,
dropped afterwards). Reference in the same run: the same kind of batches through
``slmo.ingest.measurements`` in process, without HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from slmo.bootstrap import connect
from slmo.core.model.audit import Actor
from slmo.core.model.measurement import BucketBatch
from slmo.services.ingest import MeasurementKind
from slmo.settings import Settings
from slmo.store.engine import make_engine
from slmo.store.unit_of_work import unit_of_work_factory

NOW = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
ACTOR = Actor(name="bench", interface="bench")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
P99_TARGET_MS = 50.0
INGEST_TARGET = 100_000


def catalogue(objectives: int) -> str:
    docs = [
        "apiVersion: slmo/v1\nkind: Party\nmetadata: {name: customer}\nspec: {type: customer}\n",
        "apiVersion: slmo/v1\nkind: Party\nmetadata: {name: ops}\nspec: {type: internal}\n",
    ]
    for i in range(objectives):
        docs.append(f"apiVersion: slmo/v1\nkind: Service\nmetadata: {{name: svc-{i:04d}}}\nspec: {{owner: ops}}\n")
        docs.append(
            f"apiVersion: slmo/v1\nkind: Indicator\nmetadata: {{name: ind-{i:04d}}}\n"
            f"spec: {{service: svc-{i:04d}, kind: ratio}}\n"
        )
        docs.append(
            f"apiVersion: slmo/v1\nkind: Agreement\nmetadata: {{name: sla-{i:04d}}}\nspec:\n  type: sla\n"
            f"  parties: [{{party: customer, role: customer}}]\n  services: [svc-{i:04d}]\n"
            f"  versions:\n    - version: 1\n      state: active\n      objectives:\n"
            f"        - {{name: success, indicator: ind-{i:04d}, target: 0.999, window: {{rolling: 28d}}}}\n"
        )
    return "---\n".join(docs)


def prepare(url: str, objectives: int, days: int) -> str:
    """The catalogue and ``days`` of buckets per indicator; an admin token's secret."""
    with connect(Settings(database_url=url)) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(catalogue(objectives), "bench.yaml"), ACTOR)
        _, secret = slmo.auth.create("admin", ACTOR, name="bench")
    if not days:
        return secret
    engine = make_engine(url)
    count = days * 1440
    end = int(NOW.timestamp()) // 60 * 60
    starts = np.arange(end - 60 * count, end, 60, dtype=np.int64)
    rng = np.random.default_rng(1)
    with unit_of_work_factory(engine)() as uow:
        for i in range(objectives):
            total = rng.integers(50, 150, count).astype(np.int64)
            good = total - rng.binomial(total, 0.0005)
            uow.measurements.write_buckets(BucketBatch(f"ind-{i:04d}", "bench", 60, starts, good, total))
        uow.commit()
    engine.dispose()
    return secret


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(url: str, *, scheduler: bool = False) -> Iterator[str]:
    """A ``slmo serve`` process over ``url`` (``--no-scheduler`` unless told); its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "slmo", "serve", "--scheduler" if scheduler else "--no-scheduler", "--port", str(port)],
        env={**os.environ, "SLMO_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a new, empty schema of its own on the PostgreSQL server, dropped afterwards."""
    base = make_url(os.environ.get("SLMO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    schema = f"bench_api_{secrets.token_hex(4)}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request at a time; the body's bytes are received and
    counted, not kept (as wrk and other load generators do)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._waiter: asyncio.Future[tuple[int, int, dict[str, str]]] | None = None
        self._head = bytearray()
        self._left: int | None = None
        self._answer: tuple[int, dict[str, str]] = (0, {})
        self._size = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError("the server closed the connection"))

    def data_received(self, data: bytes) -> None:
        if self._left is None:
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self._head[:end]).decode("latin-1").split("\r\n")
            headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
            self._answer = (int(lines[0].split(" ", 2)[1]), headers)
            self._size = len(self._head) - end - 4
            self._left = int(headers.get("content-length", "0")) - self._size
            self._head = bytearray()
        else:
            self._size += len(data)
            self._left -= len(data)
        if self._left == 0 and self._waiter is not None:
            self._left = None
            self._waiter.set_result((self._answer[0], self._size, self._answer[1]))

    async def send(self, request: bytes) -> tuple[int, int, dict[str, str]]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self._waiter


class Client:
    """A lean HTTP/1.1 client for the load: keep-alive connections, one request at a time on
    each, every byte of each body received. httpx costs 1 to 3 ms of CPU a request here, which
    on two shared cores would show as the server's latency; this costs a tenth of that."""

    def __init__(self, base: str, token: str) -> None:
        url = httpx.URL(base)
        self._host, self._port = url.host, url.port or 80
        self._token = token
        self._idle: list[_Connection] = []
        self._all: list[_Connection] = []

    def request(self, path: str, headers: dict[str, str] | None = None) -> bytes:
        lines = [f"GET {path} HTTP/1.1", f"Host: {self._host}", f"Authorization: Bearer {self._token}"]
        lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def send(self, request: bytes) -> tuple[int, int, dict[str, str]]:
        """The status, the body's size and the headers (names in lower case)."""
        while self._idle:
            connection = self._idle.pop()
            if connection.closed:
                continue  # the server closed it after it stayed idle too long
            try:
                answer = await connection.send(request)
            except ConnectionError:
                continue
            self._idle.append(connection)
            return answer
        _, connection = await asyncio.get_running_loop().create_connection(_Connection, self._host, self._port)
        self._all.append(connection)
        answer = await connection.send(request)
        self._idle.append(connection)
        return answer

    async def close(self) -> None:
        for connection in self._all:
            if connection.transport is not None:
                connection.transport.close()


async def load(
    base: str, token: str, rate: float, seconds: float, warmup: float, *, conditional: bool = False
) -> tuple[list[float], set[int], set[int]]:
    """Latencies of GETs sent at ``rate`` for ``seconds``, after ``warmup`` seconds at the same
    rate that are not counted (while the client opens the connections the rate needs); the
    status codes and body sizes seen. ``conditional`` sends the first answer's ETag back as
    If-None-Match."""
    latencies: list[float] = []
    codes: set[int] = set()
    sizes: set[int] = set()
    client = Client(base, token)
    _, _, first = await client.send(client.request("/api/v1/status"))
    request = client.request("/api/v1/status", {"If-None-Match": first["etag"]} if conditional else None)

    async def one(counted: bool) -> None:
        began = time.perf_counter()
        code, size, _ = await client.send(request)
        if counted:
            latencies.append(time.perf_counter() - began)
        codes.add(code)
        sizes.add(size)

    # This process's objects (numpy, SQLAlchemy, slmo...) out of the collector's full passes,
    # which would otherwise stall the load generator itself for tens of milliseconds.
    gc.collect()
    gc.freeze()
    tasks = []
    start = time.perf_counter()
    skipped = int(rate * warmup)
    for n in range(skipped + int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n >= skipped)))
    await asyncio.gather(*tasks)
    await client.close()
    return latencies, codes, sizes


def bodies(batches: int, size: int, *, first_batch: int = 0) -> list[str]:
    """CSV bodies of ``size`` one-minute buckets each, one after the other back from now."""
    end = int(NOW.timestamp()) // 60 * 60
    found = []
    for b in range(first_batch, first_batch + batches):
        first = end - 60 * size * (b + 1)
        stamps = np.arange(first, first + 60 * size, 60).astype("datetime64[s]")
        rows = [f"{s}Z,99,100" for s in np.datetime_as_string(stamps, unit="s")]
        found.append("timestamp,good,total\n" + "\n".join(rows) + "\n")
    return found


async def post_all(base: str, token: str, payloads: list[str]) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
        began = time.perf_counter()
        for body in payloads:
            answer = await client.post("/api/v1/ingest/events?indicator=ind-0000&source=http", content=body)
            answer.raise_for_status()
        return time.perf_counter() - began


def status_benchmark(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="slmo-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        began = time.perf_counter()
        token = prepare(url, args.objectives, args.days)
        print(
            f"setup: {args.objectives:,} objectives x {args.days} day(s) of buckets in {time.perf_counter() - began:.1f} s"
        )
        with connect(Settings(database_url=url)) as slmo:
            began = time.perf_counter()
            stored = slmo.evaluation.evaluate()
            print(f"setup: evaluated and stored {len(stored):,} objectives in {time.perf_counter() - began:.1f} s")
        with server(url, scheduler=args.scheduler) as base:
            auth = {"Authorization": f"Bearer {token}"}
            began = time.perf_counter()
            first = httpx.get(base + "/api/v1/status", headers=auth, timeout=600)
            first.raise_for_status()
            rows = len(first.json())
            first_ms = 1000 * (time.perf_counter() - began)
            print(
                f"first GET /api/v1/status (reads the stored records): {rows:,} rows, {len(first.content):,} bytes in {first_ms:.0f} ms"
            )
            at = dt.datetime.now(dt.UTC).isoformat()
            began = time.perf_counter()
            live = httpx.get(base + "/api/v1/status", params={"at": at}, headers=auth, timeout=600)
            live.raise_for_status()
            live_ms = 1000 * (time.perf_counter() - began)
            print(f"reference: GET /api/v1/status?at=now, every objective evaluated live: {live_ms:,.0f} ms")
            for conditional in (False, True):
                latencies, codes, sizes = asyncio.run(
                    load(base, token, args.rate, args.seconds, args.warmup, conditional=conditional)
                )
                ms = np.array(latencies) * 1000
                p50, p99, worst = np.percentile(ms, [50, 99, 100])
                verdict = "met" if p99 < P99_TARGET_MS else "MISSED"
                label = "with If-None-Match (304)" if conditional else "whole bodies"
                print(
                    f"GET /api/v1/status {label} at {args.rate:.0f}/s for {args.seconds:.0f} s ({len(ms):,} requests, "
                    f"answers {sorted(codes)}, {max(sizes):,} bytes): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                    f"max {worst:.0f} ms; p99 / target {p99 / P99_TARGET_MS:.2f} (target p99 < {P99_TARGET_MS:.0f} ms: "
                    f"{verdict}); p50 {live_ms / p50:,.0f}x faster than the live reference"
                )


def ingest_benchmark(args: argparse.Namespace) -> None:
    with postgres_database() as url:
        token = prepare(url, args.objectives, 0)
        payloads = bodies(args.ingest_batches, args.batch)
        buckets = args.ingest_batches * args.batch
        with server(url) as base:
            seconds = asyncio.run(post_all(base, token, payloads))
        rate = buckets / seconds
        # The reference: the same amount through the use case in process, on other buckets.
        reference = bodies(args.ingest_batches, args.batch, first_batch=args.ingest_batches)
        with connect(Settings(database_url=url)) as slmo:
            began = time.perf_counter()
            for body in reference:
                stream = io.BytesIO(body.encode())
                slmo.ingest.measurements(MeasurementKind.EVENTS, "ind-0000", stream, "bench", ACTOR, source="local")
            local = buckets / (time.perf_counter() - began)
    verdict = "met" if rate >= INGEST_TARGET else "MISSED"
    print(
        f"PostgreSQL, ingestion over HTTP, {args.ingest_batches} x {args.batch:,} buckets as CSV: {seconds:.2f} s, "
        f"{rate:,.0f} buckets/s ({rate / INGEST_TARGET:.1f}x the target of {INGEST_TARGET:,}/s: {verdict})"
    )
    print(
        f"reference: the same through slmo.ingest.measurements in process: {local:,.0f} buckets/s "
        f"(HTTP reaches {rate / local:.2f}x of it)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2, help="Seconds at the rate before counting.")
    parser.add_argument("--ingest-batches", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument(
        "--scheduler", action="store_true", help="Run the scheduler in the server too (slmo serve's default)."
    )
    parser.add_argument("--skip-status", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    if not args.skip_status:
        status_benchmark(args)
    if not args.skip_ingest:
        ingest_benchmark(args)


if __name__ == "__main__":
    main()
