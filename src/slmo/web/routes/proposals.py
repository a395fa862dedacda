"""Proposals for change (``services.proposals``): the proposals held, filtered by status and
period, each with its change, expected effect a year, status and, unfolded, every figure of its
evidence with its source; for admins and managers a form to draft a period's proposals and, on
each draft, buttons to accept it (a draft version of the agreement) or reject it with a reason.
Each is a form POST with the session's CSRF token, taken through ``Access.proposals`` as the
user (the API's walls: a customer reads its own agreements' proposals only and decides nothing)
and audited as made through the web."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.errors import NotFoundError
from slmo.i18n import gettext
from slmo.i18n.proposals import change_text, effect_text, figure_text, kind_label, status_label
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for, form, get_slmo, root

router = APIRouter()
_PERIOD = re.compile(r"[0-9Q-]{4,7}")
_DONE = ("drafted", "accepted", "rejected")


def _row(proposal: Proposal, lang: str) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "kind": kind_label(proposal.kind, lang),
        "change": change_text(proposal, lang),
        "effect": effect_text(proposal.effect, lang),
        "status": status_label(proposal.status.value, lang),
        "figures": [figure_text(f, lang) for f in proposal.evidence],
        "draft": proposal.status is ProposalStatus.DRAFT,
    }


@router.get("/proposals")
def proposals(request: Request, signed: SignedInDep) -> Response:
    lang = lang_of(request)
    desk = access_for(request, signed).proposals()
    status = request.query_params.get("status", "")
    period = request.query_params.get("period", "").strip()
    statuses = {ProposalStatus(status)} if status in {s.value for s in ProposalStatus} else None
    found = desk.proposals(period=period if _PERIOD.fullmatch(period) else None, statuses=statuses)
    done = request.query_params.get("done", "")
    number = request.query_params.get("id", "")
    return render(
        request,
        "proposals.html",
        current=signed,
        rows=[_row(p, lang) for p in found],
        chosen=status if statuses else "",
        period=period if _PERIOD.fullmatch(period) else "",
        statuses=[(s.value, status_label(s.value, lang)) for s in ProposalStatus],
        may_decide=desk.may_decide(),
        next_year=str(get_slmo(request).time.now().year + 1),
        done=gettext(f"web.proposals_done_{done}", lang, id=number) if done in _DONE else None,
    )


@router.post("/proposals/draft")
async def draft(request: Request, signed: SignedInDep) -> Response:
    fields = await form(request)
    report = access_for(request, signed).proposals().draft(fields.get("period", ""))
    return RedirectResponse(
        f"{root(request)}/proposals?period={report.period}&done=drafted&id={len(report.proposals)}", status_code=303
    )


@router.post("/proposals/{proposal_id}/{decision}")
async def decide(request: Request, proposal_id: int, decision: str, signed: SignedInDep) -> Response:
    if decision not in ("accept", "reject"):
        raise NotFoundError(f"no decision {decision!r}", key="web.not_found")
    fields = await form(request)
    desk = access_for(request, signed).proposals()
    revision = fields.get("revision", "")
    seen = int(revision) if revision.isdigit() else None
    if decision == "accept":
        desk.accept(proposal_id, revision=seen, comment=fields.get("comment") or None)
    else:
        desk.reject(proposal_id, fields.get("reason"), revision=seen)
    done = "accepted" if decision == "accept" else "rejected"
    return RedirectResponse(f"{root(request)}/proposals?done={done}&id={proposal_id}", status_code=303)
