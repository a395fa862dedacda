"""The web UI's pages, one router per noun; each reads through ``services.access`` as the
signed-in principal (``security.access_for``), so a customer sees its own agreements only and
another party's page is 404 like a missing one, exactly as in the API."""

from fastapi import APIRouter

from slmo.web.routes import (
    alerts,
    audit,
    catalogue,
    costs,
    negotiation,
    opportunities,
    overview,
    portfolio,
    proposals,
    reports,
    signin,
    suppliers,
    tickets,
)

router = APIRouter()
for module in (
    signin,
    overview,
    catalogue,
    negotiation,
    tickets,
    alerts,
    reports,
    opportunities,
    portfolio,
    proposals,
    costs,
    suppliers,
    audit,
):
    router.include_router(module.router)

__all__ = ["router"]
