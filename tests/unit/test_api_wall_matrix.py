"""Every operation of the app's own OpenAPI document, walked with every principal, on the
caller's own objects and on another party's, against one table of rules.

The principals: ``admin``, ``manager``, ``owner`` (party ``ops``), ``viewer``, ``customer``
(party ``ministry``), no token (``anonymous``) and a revoked admin token (``revoked``).

The two sides (``tests/api_support.py``, ``seed_walls``):

| side  | customer party | agreements              | service (owner)      | indicator          | calendar | ticket |
|-------|----------------|-------------------------|----------------------|--------------------|----------|--------|
| own   | ministry       | portal-sla, portal-desk | portal (ops)         | portal-requests    | office   | T1     |
| other | bank           | payments-sla, ...-desk  | payments (partner)   | payments-requests  | night    | B1     |

What each cell must answer:

1. no token, or a revoked one: 401 (``/healthz`` and ``/readyz`` are public: 200);
2. a role that may not do this kind of thing: 403 (on both sides alike, so it leaks nothing);
3. on the other side, a ``wall``: 404 where a customer may not see the object (never 403),
   403 where an owner may not write a service its party does not own (owners read
   everything, so there is nothing to hide);
4. otherwise the operation's success status. A list filtered by another party's object is
   200 and empty for a customer: no 2xx body a customer gets names the other side.

An operation in the document without a rule here fails the walk, so a new endpoint must
come with its walls.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from slmo.api.routes.catalogue import RESOURCES
from slmo.services.improvements import ActionDraft, parse_origin
from slmo.services.reviews import ReviewInput
from tests.api_support import ADMIN, TICKETS_CSV, Api, api_over, seed_walls
from tests.claims_support import claim_of
from tests.factories import AGREEMENT, CALENDAR, INDICATOR, PARTY, PROCEDURE, SERVICE
from tests.money_support import costs_csv, line_of
from tests.negotiation_support import matrix_agreed, matrix_draft, matrix_proposal, seed_terms
from tests.proposal_support import proposal_of

ROLES = ("admin", "manager", "owner", "viewer", "customer")
PRINCIPALS = (*ROLES, "anonymous", "revoked")
PARTIES = {"owner": "ops", "customer": "ministry"}
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"admin", "manager", "viewer"})
FEEDERS = frozenset({"admin", "owner"})
NOT_CUSTOMERS = EVERYONE - {"customer"}
SETTLERS = frozenset({"admin", "manager"})
HIDDEN = {"customer": 404}  # another party's object, which a customer may not see
NOT_OWNED = {"owner": 403}  # another party's service, which an owner may not write
# Names of the other side: none may appear in a 2xx body a customer of ministry gets.
OTHER_SIDE = ("payments", '"bank"', '"B1"', '"night"', "partner")

SIDES = {
    "own": {
        "agreement": "portal-sla",
        "desk": "portal-desk",
        "service": "portal",
        "indicator": "portal-requests",
        "party": "ministry",
        "calendar": "office",
        "ticket": "T1",
        "procedure": "portal-runbook",
        "terms": "portal-terms",
    },
    "other": {
        "agreement": "payments-sla",
        "desk": "payments-desk",
        "service": "payments",
        "indicator": "payments-requests",
        "party": "bank",
        "calendar": "night",
        "ticket": "B1",
        "procedure": "payments-runbook",
        "terms": "payments-terms",
    },
}


@dataclass(frozen=True)
class Call:
    """One request: ``path`` with its query, and a JSON body or raw content."""

    path: str
    json: Any = None
    content: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


# A call is made from the side's names, a tag unique to the cell (for names of new objects)
# and the app (to read an ETag just before a PUT).
Make = Callable[[Mapping[str, str], str, Api], Call]


@dataclass(frozen=True)
class Rule:
    may: frozenset[str]
    make: Make
    ok: int = 200
    walls: Mapping[str, int] = field(default_factory=dict)
    public: bool = False

    def expected(self, principal: str, side: str) -> int:
        if self.public:
            return self.ok
        if principal in ("anonymous", "revoked"):
            return 401
        if principal not in self.may:
            return 403
        return self.walls.get(principal, self.ok) if side == "other" else self.ok


def get(path: str) -> Make:
    """A GET of ``path`` with the side's names put in (``{agreement}``, ``{ticket}``...)."""
    return lambda names, tag, api: Call(path.format(**names))


# -- the catalogue: who may create and change each kind, and a new document of each side --

_DOCUMENTS: dict[str, Callable[[Mapping[str, str], str], str]] = {
    "parties": lambda n, name: PARTY.format(name=name, type="supplier"),
    "calendars": lambda n, name: CALENDAR.format(name=name, zone="Asia/Riyadh"),
    "services": lambda n, name: SERVICE.format(name=name, owner="ops" if n["service"] == "portal" else "partner"),
    "indicators": lambda n, name: INDICATOR.format(name=name, service=n["service"]),
    "agreements": lambda n, name: AGREEMENT.format(
        name=name, party=n["party"], service=n["service"], indicator=n["indicator"], target="0.99", calendar="office"
    ),
    "procedures": lambda n, name: PROCEDURE.format(
        name=name, owner="ops" if n["service"] == "portal" else "partner", service=n["service"]
    ),
}
_WRITERS = {
    "parties": frozenset({"admin"}),
    "calendars": frozenset({"admin"}),
    "services": FEEDERS,
    "indicators": frozenset({"admin"}),
    "agreements": frozenset({"admin", "manager"}),
    "procedures": frozenset({"admin", "manager"}),
}
_NAME_OF = {
    "parties": "party",
    "calendars": "calendar",
    "services": "service",
    "indicators": "indicator",
    "procedures": "procedure",
}


def _document(api: Api, resource: str, names: Mapping[str, str], name: str) -> Any:
    (loaded,) = api.slmo.codec.load_text(_DOCUMENTS[resource](names, name), f"{resource}.yaml")
    return api.slmo.codec.dump_one(loaded.obj)


def _create(resource: str) -> Make:
    return lambda names, tag, api: Call(
        f"/api/v1/{resource}", json=_document(api, resource, names, f"{resource[:4]}-{tag}")
    )


def _replace(resource: str) -> Make:
    """A PUT of the object as it is, with the ETag an admin reads just before."""

    def make(names: Mapping[str, str], tag: str, api: Api) -> Call:
        path = f"/api/v1/{resource}/{names[_NAME_OF.get(resource, 'agreement')]}"
        current = api.request("GET", path, token=api.token("admin"))
        return Call(path, json=current.json(), headers={"If-Match": current.headers["etag"]})

    return make


def _catalogue_rules() -> dict[tuple[str, str], Rule]:
    rules: dict[tuple[str, str], Rule] = {}
    for resource in RESOURCES:
        name = _NAME_OF.get(resource, "agreement")
        writers = _WRITERS[resource]
        # The other side's new service belongs to partner, and its new indicator or agreement
        # is of payments: an owner may not create the first, and creates none of the others.
        owned = NOT_OWNED if resource == "services" else {}
        rules[("GET", f"/api/v1/{resource}")] = Rule(EVERYONE, get(f"/api/v1/{resource}?q={{{name}}}"))
        rules[("GET", f"/api/v1/{resource}/{{name}}")] = Rule(
            EVERYONE, get(f"/api/v1/{resource}/{{{name}}}"), walls=HIDDEN
        )
        rules[("POST", f"/api/v1/{resource}")] = Rule(writers, _create(resource), ok=201, walls=owned)
        rules[("PUT", f"/api/v1/{resource}/{{name}}")] = Rule(writers, _replace(resource), walls=owned)
    return rules


# -- measurements ---------------------------------------------------------------------------


def _events(names: Mapping[str, str], tag: str, api: Api) -> Call:
    rows = [{"timestamp": "2026-11-02T11:00:00Z", "good": 99, "total": 100}]
    return Call(f"/api/v1/ingest/events?indicator={names['indicator']}&source=matrix", json=rows)


def _incidents(names: Mapping[str, str], tag: str, api: Api) -> Call:
    row = {
        "id": f"INC-{tag}",
        "service": names["service"],
        "start": "2026-11-02T10:00:00Z",
        "end": "2026-11-02T10:05:00Z",
    }
    return Call("/api/v1/ingest/incidents", json=[{**row, "impact": "degraded"}])


def _tickets(names: Mapping[str, str], tag: str, api: Api) -> Call:
    mine = [line for line in TICKETS_CSV.splitlines()[1:] if f",{names['service']}," in line]
    return Call(
        "/api/v1/ingest/tickets",
        content="\n".join([TICKETS_CSV.splitlines()[0], *mine]) + "\n",
        headers={"Content-Type": "text/csv"},
    )


def _runs(names: Mapping[str, str], tag: str, api: Api) -> Call:
    job = next(j for j in api.slmo.scheduler.jobs() if j.key == f"{names['agreement']}/success")
    return Call(f"/api/v1/jobs/{job.id}/runs")


def _alert_of(names: Mapping[str, str], api: Api) -> int:
    """The id of an alert of the side's agreement (the fixture's failing hour pages on both
    sides); an id no alert has for names that are not there."""
    found = [a.id for a in api.slmo.alerts.alerts(everything=True) if a.agreement == names["agreement"]]
    return found[0] if found and found[0] is not None else 999_999


def _ack(names: Mapping[str, str], tag: str, api: Api) -> Call:
    return Call(f"/api/v1/alerts/{_alert_of(names, api)}/ack")


def _notifications(names: Mapping[str, str], tag: str, api: Api) -> Call:
    return Call(f"/api/v1/alerts/{_alert_of(names, api)}/notifications")


# -- negotiation: each step on a version set up for it (a draft, a proposal, an agreed one) --------

NEGOTIATORS = frozenset({"admin", "manager"})
PARTIES_NEGOTIATE = NEGOTIATORS | {"customer"}
_TERMS = "/api/v1/agreements/{terms}"


def _step(step: str, prepare: Callable[[Any, str], int], body: Callable[[str], Any] | None = None) -> Make:
    def make(names: Mapping[str, str], tag: str, api: Api) -> Call:
        number = prepare(api.slmo, names["terms"])
        return Call(
            f"/api/v1/agreements/{names['terms']}/versions/{number}/{step}", json=None if body is None else body(tag)
        )

    return make


# -- reviews and the improvement register ----------------------------------------------------

WRITERS = frozenset({"admin", "manager"})


def _review_of(names: Mapping[str, str], tag: str, api: Api) -> Call:
    found = [r.id for r in api.slmo.reviews.list(names["agreement"])]
    return Call(f"/api/v1/reviews/{found[0] if found and found[0] is not None else 999_999}")


def _record_review(names: Mapping[str, str], tag: str, api: Api) -> Call:
    body = {"subject": names["agreement"], "date": api.clock.at.date().isoformat(), "findings": [f"seen by {tag}"]}
    return Call("/api/v1/reviews", json=body)


def _action_id(names: Mapping[str, str], api: Api) -> int:
    key = f"{names['agreement']}/success"
    found = [a.id for a in api.slmo.improvements.list() if a.objectives == (key,)]
    return found[0] if found and found[0] is not None else 999_999


def _action_of(names: Mapping[str, str], tag: str, api: Api) -> Call:
    return Call(f"/api/v1/actions/{_action_id(names, api)}")


def _add_action(names: Mapping[str, str], tag: str, api: Api) -> Call:
    body = {
        "title": f"Action of {tag}",
        "origin": "trend:seen in the matrix",
        "owner": names["party"],
        "due": (api.clock.at.date() + dt.timedelta(days=30)).isoformat(),
        "objectives": [f"{names['agreement']}/success"],
    }
    return Call("/api/v1/actions", json=body)


def _patch_action(names: Mapping[str, str], tag: str, api: Api) -> Call:
    return Call(f"/api/v1/actions/{_action_id(names, api)}", json={"notes": f"checked by {tag}"})


RECORD_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/reviews/schedule"): Rule(EVERYONE, get("/api/v1/reviews/schedule")),
    ("GET", "/api/v1/reviews"): Rule(EVERYONE, get("/api/v1/reviews?subject={agreement}")),
    ("POST", "/api/v1/reviews"): Rule(WRITERS, _record_review, ok=201),
    ("GET", "/api/v1/reviews/{review_id}"): Rule(EVERYONE, _review_of, walls=HIDDEN),
    ("GET", "/api/v1/actions"): Rule(EVERYONE, get("/api/v1/actions")),
    ("POST", "/api/v1/actions"): Rule(WRITERS, _add_action, ok=201),
    ("GET", "/api/v1/actions/{action_id}"): Rule(EVERYONE, _action_of, walls=HIDDEN),
    ("PATCH", "/api/v1/actions/{action_id}"): Rule(WRITERS, _patch_action),
}


def seed_records(slmo: Any) -> None:
    """A procedure, a review and an action on each side."""
    for side in SIDES.values():
        text = _DOCUMENTS["procedures"](side, side["procedure"])
        slmo.catalogue.apply(slmo.codec.load_text(text, "procedure.yaml"), ADMIN)
        slmo.reviews.record(ReviewInput(subject=side["agreement"], date=slmo.time.now().date()), ADMIN)
        draft = ActionDraft(
            title=f"Improve {side['agreement']}",
            owner=side["party"],
            due=slmo.time.now().date() + dt.timedelta(days=30),
            objectives=(f"{side['agreement']}/success",),
        )
        slmo.improvements.add(draft, parse_origin("trend:seeded"), ADMIN)


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule(EVERYONE, get("/healthz"), public=True),
    ("GET", "/readyz"): Rule(EVERYONE, get("/readyz"), public=True),
    # A customer's scrape has its own objectives only (the leak check reads the body).
    ("GET", "/metrics"): Rule(EVERYONE, get("/metrics")),
    **_catalogue_rules(),
    ("POST", "/api/v1/ingest/{kind}"): Rule(FEEDERS, _events, walls=NOT_OWNED),
    ("POST", "/api/v1/ingest/incidents"): Rule(FEEDERS, _incidents, walls=NOT_OWNED),
    ("POST", "/api/v1/ingest/tickets"): Rule(FEEDERS, _tickets, walls=NOT_OWNED),
    ("GET", "/api/v1/status"): Rule(EVERYONE, get("/api/v1/status?agreement={agreement}")),
    ("GET", "/api/v1/evaluations"): Rule(EVERYONE, get("/api/v1/evaluations?objective={agreement}/success")),
    ("GET", "/api/v1/forecasts"): Rule(EVERYONE, get("/api/v1/forecasts?agreement={agreement}")),
    ("GET", "/api/v1/history"): Rule(
        EVERYONE, get("/api/v1/history?objective={agreement}/success&period=2026-10"), walls=HIDDEN
    ),
    # Trends: a customer reads its own agreements' objectives; another party's is a missing one.
    ("GET", "/api/v1/trends"): Rule(
        EVERYONE, get("/api/v1/trends?objective={agreement}/success&unit=day&periods=3"), walls=HIDDEN
    ),
    ("GET", "/api/v1/targets"): Rule(
        EVERYONE, get("/api/v1/targets?objective={agreement}/success&periods=2&what_if=0.995"), walls=HIDDEN
    ),
    ("GET", "/api/v1/audit"): Rule(NOT_CUSTOMERS, get("/api/v1/audit?kind=Agreement&name={agreement}")),
    ("GET", "/api/v1/tickets"): Rule(EVERYONE, get("/api/v1/tickets?period=2026-10&agreement={desk}")),
    ("GET", "/api/v1/tickets/{ticket_id}"): Rule(EVERYONE, get("/api/v1/tickets/{ticket}"), walls=HIDDEN),
    ("GET", "/api/v1/breaches"): Rule(EVERYONE, get("/api/v1/breaches?agreement={agreement}")),
    # A customer's opportunities are its own agreements', without suppliers or owners (the
    # current windows hold the hour in which both sides failed).
    ("GET", "/api/v1/opportunities"): Rule(EVERYONE, get("/api/v1/opportunities?top=10")),
    ("GET", "/api/v1/jobs"): Rule(STAFF, get("/api/v1/jobs?q={agreement}")),
    ("GET", "/api/v1/jobs/{job_id}/runs"): Rule(STAFF, _runs),
    ("GET", "/api/v1/alerts"): Rule(EVERYONE, get("/api/v1/alerts?state=all&agreement={agreement}")),
    ("POST", "/api/v1/alerts/{alert_id}/ack"): Rule(frozenset({"admin", "manager", "owner"}), _ack, walls=NOT_OWNED),
    ("GET", "/api/v1/alerts/{alert_id}/notifications"): Rule(EVERYONE, _notifications, walls=HIDDEN),
    **RECORD_RULES,
    ("POST", "/api/v1/agreements/{name}/versions/{number}/propose"): Rule(NEGOTIATORS, _step("propose", matrix_draft)),
    ("POST", "/api/v1/agreements/{name}/versions/{number}/counter"): Rule(
        PARTIES_NEGOTIATE, _step("counter", matrix_proposal, lambda tag: {"set": {"notes": tag}}), ok=201, walls=HIDDEN
    ),
    ("POST", "/api/v1/agreements/{name}/versions/{number}/comment"): Rule(
        PARTIES_NEGOTIATE, _step("comment", lambda slmo, name: 1, lambda tag: {"comment": tag}), ok=201, walls=HIDDEN
    ),
    ("POST", "/api/v1/agreements/{name}/versions/{number}/approve"): Rule(
        PARTIES_NEGOTIATE, _step("approve", matrix_proposal), walls=HIDDEN
    ),
    ("POST", "/api/v1/agreements/{name}/versions/{number}/activate"): Rule(
        NEGOTIATORS, _step("activate", matrix_agreed)
    ),
    ("GET", "/api/v1/agreements/{name}/history"): Rule(EVERYONE, get(_TERMS + "/history"), walls=HIDDEN),
    ("GET", "/api/v1/agreements/{name}/versions/{number}/diff"): Rule(
        EVERYONE, get(_TERMS + "/versions/1/diff?against=1"), walls=HIDDEN
    ),
    ("GET", "/api/v1/agreements/{name}/versions/{number}/evidence"): Rule(
        EVERYONE, get(_TERMS + "/versions/1/evidence?objective=success&periods=2"), walls=HIDDEN
    ),
    # The credits ledger: a customer reads its own agreements' lines; admins and managers settle.
    ("GET", "/api/v1/credits"): Rule(EVERYONE, get("/api/v1/credits?period=2026-10&agreement={agreement}")),
    ("GET", "/api/v1/credits/{entry_id}"): Rule(
        EVERYONE, lambda n, tag, api: Call(f"/api/v1/credits/{line_of(api.slmo, n)}"), walls=HIDDEN
    ),
    ("POST", "/api/v1/credits/compute"): Rule(
        SETTLERS, lambda n, tag, api: Call(f"/api/v1/credits/compute?period=2026-10&agreement={n['agreement']}")
    ),
    ("POST", "/api/v1/credits/{entry_id}/confirm"): Rule(
        SETTLERS, lambda n, tag, api: Call(f"/api/v1/credits/{line_of(api.slmo, n, tag)}/confirm")
    ),
    ("POST", "/api/v1/credits/{entry_id}/pay"): Rule(
        SETTLERS, lambda n, tag, api: Call(f"/api/v1/credits/{line_of(api.slmo, n, tag)}/pay")
    ),
    # Costs are the organisation's own: staff read them, admins and managers import them.
    ("GET", "/api/v1/costs"): Rule(STAFF, get("/api/v1/costs?period=2026-10")),
    ("POST", "/api/v1/costs"): Rule(
        SETTLERS, lambda n, tag, api: Call("/api/v1/costs", content=costs_csv(n), headers={"Content-Type": "text/csv"})
    ),
    ("GET", "/api/v1/costs/report"): Rule(STAFF, get("/api/v1/costs/report?period=2026-10")),
    # Claims on suppliers are the organisation's dealings: staff read them, admins and managers
    # move them (with If-Match); owners and customers never see them.
    ("GET", "/api/v1/claims"): Rule(STAFF, get("/api/v1/claims?period=2026-10&status=due")),
    ("GET", "/api/v1/claims/{claim_id}"): Rule(
        STAFF, lambda n, tag, api: Call(f"/api/v1/claims/{claim_of(api.slmo, n)}")
    ),
    ("POST", "/api/v1/claims/{claim_id}/{step}"): Rule(
        SETTLERS,
        lambda n, tag, api: Call(
            f"/api/v1/claims/{claim_of(api.slmo, n, tag)}/file", json={"reference": tag}, headers={"If-Match": '"1"'}
        ),
    ),
    # Impact names internal services and suppliers: every role but the customer reads it.
    ("GET", "/api/v1/impact"): Rule(NOT_CUSTOMERS, get("/api/v1/impact?service={service}&period=2026-10")),
    # Proposals for change: every role reads them, a customer its own agreements' only; admins and
    # managers draft a period's, and accept or reject one (with If-Match).
    ("GET", "/api/v1/proposals"): Rule(EVERYONE, get("/api/v1/proposals?period=2099")),
    ("POST", "/api/v1/proposals"): Rule(
        SETTLERS, lambda n, tag, api: Call("/api/v1/proposals", json={"period": "2099"})
    ),
    ("GET", "/api/v1/proposals/{proposal_id}"): Rule(
        EVERYONE, lambda n, tag, api: Call(f"/api/v1/proposals/{proposal_of(api.slmo, n)}"), walls=HIDDEN
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/accept"): Rule(
        SETTLERS,
        lambda n, tag, api: Call(
            f"/api/v1/proposals/{proposal_of(api.slmo, n, f'accept-{tag}')}/accept",
            json={},
            headers={"If-Match": '"1"'},
        ),
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): Rule(
        SETTLERS,
        lambda n, tag, api: Call(
            f"/api/v1/proposals/{proposal_of(api.slmo, n, f'reject-{tag}')}/reject",
            json={"reason": tag},
            headers={"If-Match": '"1"'},
        ),
    ),
    # Demand forecasts: every role reads them, a customer those of its own services only.
    ("GET", "/api/v1/demand"): Rule(EVERYONE, get("/api/v1/demand?service={service}&days=2"), walls=HIDDEN),
    # Every role reads the portfolio: a customer its own agreements' lines, without suppliers or costs.
    ("GET", "/api/v1/portfolio"): Rule(
        EVERYONE, get("/api/v1/portfolio?period=2026-Q4&group=service&sort=risk&order=desc")
    ),
}


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    """Both sides with something in every list: tickets, breached evaluations (one request
    in ten failed for an hour on both services), and a run of every evaluation job."""
    with api_over() as made:
        seed_walls(made.slmo)
        seed_terms(made.slmo)
        night = CALENDAR.format(name="night", zone="Asia/Riyadh")
        made.slmo.catalogue.apply(made.slmo.codec.load_text(night, "night.yaml"), ADMIN)
        admin = made.token("admin")
        csv = {"Content-Type": "text/csv"}
        assert made.request("POST", "/api/v1/ingest/tickets", token=admin, content=TICKETS_CSV, headers=csv).is_success
        start = made.clock.at - dt.timedelta(hours=1)
        rows = [
            {"timestamp": (start + dt.timedelta(minutes=i)).isoformat(), "good": 90, "total": 100} for i in range(60)
        ]
        for indicator in ("portal-requests", "payments-requests"):
            sent = made.request("POST", f"/api/v1/ingest/events?indicator={indicator}", token=admin, json=rows)
            assert sent.is_success, sent.text
        made.slmo.scheduler.sync()
        made.slmo.scheduler.run_due("matrix-worker", limit=100)
        seed_records(made.slmo)
        assert {r.evaluation.status.value for r in made.slmo.evaluation.evaluations()} >= {"breached"}
        yield made


def token_of(api: Api, principal: str) -> str | None:
    if principal == "anonymous":
        return None
    if principal == "revoked":
        secret = api.token("admin", name="revoked-admin")
        api.slmo.auth.revoke(secret.split("_")[1], ADMIN)
        return secret
    return api.token(principal, party=PARTIES.get(principal), name=f"matrix-{principal}")


def operations(api: Api) -> list[tuple[str, str]]:
    document = api.app.openapi()
    return sorted((method.upper(), path) for path, item in document["paths"].items() for method in item)


def test_every_operation_has_a_rule_and_every_rule_an_operation(api: Api) -> None:
    found = set(operations(api))
    assert sorted(found - set(RULES)) == [], "operations without a rule in RULES"
    assert sorted(set(RULES) - found) == [], "rules of operations the app no longer has"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_wall_holds(api: Api, principal: str) -> None:
    token = token_of(api, principal)
    wrong: list[str] = []
    for operation in operations(api):
        rule = RULES.get(operation)
        if rule is None:
            wrong.append(f"{operation}: no rule")
            continue
        for side, names in SIDES.items():
            call = rule.make(names, f"{principal}-{side}", api)
            answer = api.request(
                operation[0], call.path, token=token, json=call.json, content=call.content, headers=dict(call.headers)
            )
            expected = rule.expected(principal, side)
            where = f"{operation[0]} {call.path} ({side})"
            if answer.status_code != expected:
                wrong.append(f"{where}: {answer.status_code}, expected {expected}: {answer.text[:200]}")
            elif answer.status_code >= 400 and not answer.headers["content-type"].startswith(
                "application/problem+json"
            ):
                wrong.append(f"{where}: a {answer.status_code} that is not a problem")
            elif principal == "customer" and answer.is_success:
                leaks = [name for name in OTHER_SIDE if name in answer.text]
                if leaks:
                    wrong.append(f"{where}: the other side shows through: {leaks}")
    assert wrong == [], json.dumps(wrong, indent=1)


def test_a_hidden_object_answers_as_a_missing_one(api: Api) -> None:
    """404 for another party's object has the same shape as for no object at all."""
    customer = token_of(api, "customer")
    for operation, rule in RULES.items():
        if rule.walls.get("customer") != 404:
            continue
        hidden = api.request(operation[0], rule.make(SIDES["other"], "x", api).path, token=customer)
        missing_names = {k: f"{v}-nothing" for k, v in SIDES["other"].items()}
        missing = api.request(operation[0], rule.make(missing_names, "x", api).path, token=customer)
        assert hidden.status_code == missing.status_code == 404, operation
        assert (hidden.json()["title"], sorted(hidden.json())) == (missing.json()["title"], sorted(missing.json()))
