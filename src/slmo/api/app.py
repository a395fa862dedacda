"""The FastAPI application, built by ``create_app(slmo)`` around an already wired handle.

Nothing happens at import: the app is made by a function, so tests build one per test over
the in-memory fakes or a database of their own, and ``slmo serve`` builds one over the
configured database.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp

from slmo.api import problems
from slmo.api.limits import BodyLimit, BodyTooLargeError
from slmo.api.routes import (
    actions,
    alerts,
    audit,
    breaches,
    catalogue,
    claims,
    costs,
    credits,
    demand,
    health,
    impact,
    ingest,
    jobs,
    metrics,
    negotiation,
    opportunities,
    portfolio,
    proposals,
    reviews,
    status,
    targets,
    tickets,
    trends,
)
from slmo.bootstrap import Slmo, connect
from slmo.services.scheduler import LEASE_SECONDS, worker_name
from slmo.settings import env_flag, load_settings

logger = logging.getLogger(__name__)

PREFIX = "/api/v1"
# Large enough for a day of one-second events in CSV, small enough that one request
# cannot fill the disk. A 100 MB body is refused with 413.
DEFAULT_BODY_LIMIT = 64 * 1024 * 1024
# Where the web UI is mounted, over the same process.
WEB_PREFIX = "/ui"
STATUS_COALESCE_SECONDS = 1.0
# The scheduler in the server rests this long between two jobs, so that a burst of jobs (every
# objective is due at start) leaves requests the interpreter: 1,000 objectives a minute need
# about 17 jobs a second, and a job takes 10 to 20 ms.
SCHEDULER_PAUSE_SECONDS = 0.01
# The web UI is an entry point of its own, which the API does not import (the layers'
# contract keeps the two independent): ``from_environment`` finds its factory by name, as
# `slmo serve` finds this module.
WEB_APP = "slmo.web:create_web_app"


class SchedulerThread:
    """The scheduler inside the server process: a worker loop in a thread of its own, so that
    one ``slmo serve`` on SQLite needs no other process. Stopping waits for the job in hand."""

    def __init__(self, slmo: Slmo, interval: float) -> None:
        self.owner = worker_name()
        self._slmo = slmo
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slmo-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()
        logger.info("scheduler %s started in the server", self.owner)

    def _run(self) -> None:
        self._slmo.scheduler.work(self.owner, self._stopping, interval=self._interval, pause=SCHEDULER_PAUSE_SECONDS)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
        logger.info("scheduler %s stopped", self.owner)


def _warm(slmo: Slmo) -> None:
    try:
        slmo.evaluation.current()
        # The running quarter's portfolio too: its first read of the closed periods takes
        # seconds with thousands of objectives, and is kept while nothing changes.
        slmo.portfolio.portfolio()
    except Exception:  # the first request will say what is wrong
        logger.warning("reading the stored status at start failed", exc_info=True)


def create_app(
    slmo: Slmo,
    *,
    body_limit: int = DEFAULT_BODY_LIMIT,
    web: ASGIApp | None = None,
    owns_handle: bool = False,
    scheduler: bool = False,
    scheduler_interval: float = 5.0,
) -> FastAPI:
    """The app over ``slmo``; with ``owns_handle`` it closes the handle when the server stops,
    and with ``scheduler`` it runs the scheduled jobs in a thread while it serves."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owns_handle:
            # Read the stored status (and the running quarter's portfolio) once now, beside the start,
            # so the first visitor does not wait for them (seconds with thousands of objectives).
            threading.Thread(target=_warm, args=(slmo,), name="slmo-status-warm-up", daemon=True).start()
        running = SchedulerThread(slmo, scheduler_interval) if scheduler else None
        if running is not None:
            running.start()
        try:
            yield
        finally:
            if running is not None:
                running.stop()
            if owns_handle:
                slmo.close()

    app = FastAPI(
        lifespan=lifespan,
        title="slmo",
        summary="Service level management: agreements as code, measurements, error budgets.",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.slmo = slmo
    # Answers by idempotency key: one store per app, so two apps in one process never share.
    app.state.replays = ingest.Replays()
    problems.install(app)

    async def too_large(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BodyTooLargeError)
        return problems.problem(413, str(exc), key="too-large")

    app.add_exception_handler(BodyTooLargeError, too_large)
    app.add_middleware(BodyLimit, limit=body_limit)
    app.include_router(health.router)
    # Where scrapers look for it, outside the API's prefix.
    app.include_router(metrics.router)
    for router in catalogue.routers():
        app.include_router(router, prefix=PREFIX)
    app.include_router(ingest.router, prefix=PREFIX)
    app.include_router(status.router, prefix=PREFIX)
    app.include_router(audit.router, prefix=PREFIX)
    app.include_router(tickets.router, prefix=PREFIX)
    app.include_router(breaches.router, prefix=PREFIX)
    app.include_router(jobs.router, prefix=PREFIX)
    app.include_router(alerts.router, prefix=PREFIX)
    app.include_router(reviews.router, prefix=PREFIX)
    app.include_router(actions.router, prefix=PREFIX)
    app.include_router(opportunities.router, prefix=PREFIX)
    app.include_router(negotiation.router, prefix=PREFIX)
    app.include_router(credits.router, prefix=PREFIX)
    app.include_router(costs.router, prefix=PREFIX)
    app.include_router(demand.router, prefix=PREFIX)
    app.include_router(claims.router, prefix=PREFIX)
    app.include_router(impact.router, prefix=PREFIX)
    app.include_router(targets.router, prefix=PREFIX)
    app.include_router(portfolio.router, prefix=PREFIX)
    app.include_router(proposals.router, prefix=PREFIX)
    app.include_router(trends.router, prefix=PREFIX)
    if web is not None:
        app.mount(WEB_PREFIX, web)
    return app


def web_app(slmo: Slmo) -> ASGIApp:
    """The web UI over ``slmo``, made by the factory ``WEB_APP`` names."""
    module, _, name = WEB_APP.partition(":")
    made: ASGIApp = getattr(importlib.import_module(module), name)(slmo)
    return made


def from_environment() -> FastAPI:
    """The app over the database the environment names (``SLMO_DATABASE_URL``...): the factory
    ``slmo serve`` hands uvicorn by name, so the command line needs no import of the API.
    ``SLMO_SCHEDULER`` (default true) runs the scheduler in the server; ``SLMO_LEASE_SECONDS``
    sets its leases. The web UI is mounted at ``WEB_PREFIX``."""
    slmo = connect(load_settings())
    slmo.scheduler.lease_seconds = int(os.environ.get("SLMO_LEASE_SECONDS", LEASE_SECONDS))
    # A server answers "now" from what the scheduler stored at most a second ago (see StatusBoard).
    slmo.evaluation.board.coalesce_seconds = STATUS_COALESCE_SECONDS
    app = create_app(slmo, web=web_app(slmo), owns_handle=True, scheduler=env_flag("SLMO_SCHEDULER", default=True))
    # Everything loaded so far lives as long as the process: leave it out of the collector's
    # full passes, which otherwise scan it all and stall every request for 50 to 100 ms.
    gc.collect()
    gc.freeze()
    return app
