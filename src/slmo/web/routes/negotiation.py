"""The negotiation on the agreement page: the history of the steps, and a button for each step the
signed-in user may take now (``NegotiationDesk.possible``: the user's role and party, and the
rules); each button is a form POST with the session's CSRF token (checked by ``security.guard``),
taken through ``Access.negotiation`` as the user (the API's walls) and audited as made through
the web. The counter-proposal form offers each objective's target (in percent) and the start
date; only the fields changed become edits. A version's changes are on a page of their own.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from slmo.core.model.agreement import Agreement
from slmo.core.model.negotiation import NegotiationStep, StepKind
from slmo.errors import NotFoundError, PermissionDeniedError, Problem, SpecError
from slmo.i18n import gettext
from slmo.services.access import Access
from slmo.services.negotiation_access import NegotiationDesk
from slmo.web.formats import Formats
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for, form, root

router = APIRouter()
STEPS = {
    "propose": StepKind.PROPOSED,
    "counter": StepKind.COUNTERED,
    "comment": StepKind.COMMENTED,
    "approve": StepKind.APPROVED,
    "activate": StepKind.ACTIVATED,
}
# A form carries at most 20 fields (``security.form``): the token, the comment, the start date,
# and the objectives' targets; an agreement with more objectives is countered by the CLI or API.
COUNTER_OBJECTIVES = 15
TARGET_FIELD = "target:"


def _row(step: NegotiationStep, lang: str, f: Formats) -> dict[str, Any]:
    what = gettext(f"step.{step.kind.value}", lang)
    if step.related is not None:
        what += gettext(f"cli.step_related_{step.kind.value}", lang, number=f.integer(step.related))
    return {
        "at": f.when(step.at),
        "version": f.integer(step.version),
        "what": what,
        "kind": step.kind.value,
        "state": step.state,
        "party": step.party,
        "signatory": step.signatory,
        "actor": step.actor,
        "interface": step.interface,
        "comment": step.comment,
    }


def negotiation_context(
    access: Access, agreement: Agreement, lang: str, done: str | None = None, version: str | None = None
) -> dict[str, Any]:
    """What the agreement page shows of the negotiation: the steps (newest first), per version
    the buttons this user may use, the party it speaks for, and what its last step did
    (``done``, ``version``: the query of the page a step redirects to)."""
    desk = access.negotiation()
    _, steps, possible = desk.possible(agreement.name)
    f = Formats(lang)
    try:
        party: str | None = desk.party_for(agreement)
    except (PermissionDeniedError, SpecError):
        party = None
    actions = []
    for shown in sorted(agreement.versions, key=lambda v: v.number, reverse=True):
        allowed = possible.get(shown.number, frozenset())
        countered = [s.related for s in steps if s.version == shown.number and s.kind is StepKind.PROPOSED]
        against = countered[-1] if countered and countered[-1] else None
        if not allowed and against is None:
            continue
        actions.append(
            {
                "version": shown,
                "allowed": {name for name, kind in STEPS.items() if kind in allowed},
                "against": against,
                "objectives": shown.objectives[:COUNTER_OBJECTIVES],
            }
        )
    return {
        "negotiation": [_row(s, lang, f) for s in reversed(steps)],
        "negotiation_actions": actions,
        "negotiation_party": party,
        "negotiation_done": None
        if done not in STEPS or not (version or "").isdigit()
        else gettext(f"web.negotiation_done_{done}", lang, number=f.integer(int(version or 0))),
    }


def _edits(fields: dict[str, str], agreement: Agreement, number: int) -> dict[str, Any]:
    """The counter form's changed fields as edits: targets in percent, the start date."""
    version = agreement.version(number)
    if version is None:
        return {}
    edits: dict[str, Any] = {}
    problems = []
    for objective in version.objectives:
        text = fields.get(TARGET_FIELD + objective.name, "").strip()
        if not text:
            continue
        try:
            ratio = float(Decimal(text) / 100)
        except InvalidOperation:
            problems.append(
                Problem(
                    None, f"objectives.{objective.name}.target", f"{text!r} is not a percentage", key="web.bad_percent"
                )
            )
            continue
        if ratio != objective.target:
            edits[f"objectives.{objective.name}.target"] = ratio
    start = fields.get("effective_from", "").strip()
    current = "" if version.effective_from is None else version.effective_from.isoformat()
    if start and start != current:
        edits["effective.from"] = start
    if problems:
        raise SpecError(problems)
    return edits


@router.post("/agreements/{name}/versions/{number}/{step}")
async def take(request: Request, name: str, number: int, step: str, signed: SignedInDep) -> Response:
    if step not in STEPS:
        raise NotFoundError(f"no step {step!r}", key="web.not_found")
    fields = await form(request)
    desk: NegotiationDesk = access_for(request, signed).negotiation()
    comment = fields.get("comment") or None
    if step == "propose":
        outcome = desk.propose(name, number, comment)
    elif step == "comment":
        outcome = desk.comment(name, number, comment)
    elif step == "approve":
        outcome = desk.approve(name, number, comment)
    elif step == "activate":
        outcome = desk.activate(name, number, comment)
    else:
        desk.history(name)  # the walls first: another party's agreement is not found
        edits = _edits(fields, desk.negotiation.agreement(name), number)
        outcome = desk.counter(name, number, edits=edits, comment=comment)
    acted = outcome.steps[-1].version if step == "counter" else number
    return RedirectResponse(
        f"{root(request)}/agreements/{name}?done={step}&version={acted}#negotiation", status_code=303
    )


@router.get("/agreements/{name}/versions/{number}/diff")
def diff(request: Request, name: str, number: int, signed: SignedInDep) -> Response:
    desk = access_for(request, signed).negotiation()
    asked = request.query_params.get("against", "")
    if asked.isdigit():
        against = int(asked)
    else:
        countered = [s.related for s in desk.history(name) if s.version == number and s.kind is StepKind.PROPOSED]
        against = countered[-1] if countered and countered[-1] else max(number - 1, 1)
    changes = desk.diff(name, against, number)
    lang = lang_of(request)
    rows = [
        {
            "field": c.path,
            "change": gettext(f"change_kind.{c.change}", lang),
            "before": _shown(c.before),
            "after": _shown(c.after),
        }
        for c in changes
    ]
    return render(
        request,
        "negotiation_diff.html",
        current=signed,
        agreement=desk.negotiation.agreement(name),
        before=against,
        after=number,
        changes=rows,
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
