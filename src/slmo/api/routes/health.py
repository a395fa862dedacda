"""Liveness (``/healthz``: the process answers) and readiness (``/readyz``: the database does)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from slmo.api.deps import SlmoDep
from slmo.api.problems import problem
from slmo.errors import SlmoError

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers", response_model=None)
def readyz(slmo: SlmoDep) -> dict[str, str] | JSONResponse:
    try:
        slmo.catalogue.audit(limit=1)
    except SlmoError as error:
        logger.warning("not ready: %s", error.message)
        return problem(503, "the database does not answer", key="not-ready")
    return {"status": "ready"}
