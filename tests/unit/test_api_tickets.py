"""Tickets over the API: uploads (CSV, JSON lines, JSON batches, idempotency keys), the rows
of ``slmo tickets status --json`` and ``slmo tickets show --json``, and the walls."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from slmo.cli.tickets import _figures_json, _timer_json
from tests.api_support import TICKETS_CSV, Api, api_over, seed_walls

AT = "2026-11-01T00:00:00Z"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        seed_walls(made.slmo)
        yield made


@pytest.fixture
def admin(api: Api) -> str:
    return api.token("admin", name="desk-admin")


def upload(api: Api, token: str, body: str = TICKETS_CSV, query: str = "", **headers: str) -> dict[str, object]:
    answer = api.request(
        "POST", f"/api/v1/ingest/tickets{query}", token=token, content=body, headers={**CSV, **headers}
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def test_a_csv_upload_is_merged_by_id_and_audited(api: Api, admin: str) -> None:
    first = upload(api, admin)
    assert {k: first[k] for k in ("kind", "rows", "rejected", "tickets", "written")} == {
        "kind": "tickets",
        "rows": 6,
        "rejected": 0,
        "tickets": 3,
        "written": 3,
    }
    assert upload(api, admin)["written"] == 0
    audit = api.request("GET", "/api/v1/audit?kind=Tickets", token=admin).json()
    assert [(e["actor"], e["interface"], e["after"]["written"]) for e in audit] == [
        ("desk-admin", "api", 3),
        ("desk-admin", "api", 0),
    ]


def test_json_lines_and_a_json_batch_read_as_the_csv(api: Api, admin: str) -> None:
    rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(TICKETS_CSV))]
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    assert upload(api, admin, lines, **{"Content-Type": "application/x-ndjson"})["tickets"] == 3
    batch = api.request("POST", "/api/v1/ingest/tickets", token=admin, json={"rows": rows})
    assert batch.status_code == 200, batch.text
    assert (batch.json()["tickets"], batch.json()["written"]) == (3, 0)


def test_an_idempotency_key_replays_the_first_answer(api: Api, admin: str) -> None:
    first = upload(api, admin, **{"Idempotency-Key": "desk-2026-10"})
    again = upload(api, admin, **{"Idempotency-Key": "desk-2026-10"})
    assert first == again and first["written"] == 3
    assert len(api.request("GET", "/api/v1/audit?kind=Tickets", token=admin).json()) == 1
    other = api.request(
        "POST",
        "/api/v1/ingest/tickets",
        token=admin,
        content=TICKETS_CSV.replace("15:00", "14:00"),
        headers={**CSV, "Idempotency-Key": "desk-2026-10"},
    )
    assert other.status_code == 409
    # The same key on another endpoint is another request.
    events = api.request(
        "POST",
        "/api/v1/ingest/events?indicator=portal-requests",
        token=admin,
        json=[],
        headers={"Idempotency-Key": "desk-2026-10"},
    )
    assert events.status_code == 409


def test_service_preset_and_on_error(api: Api, admin: str) -> None:
    single = "id,priority,opened,resolved\nS1,P2,2026-10-07T09:00:00Z,2026-10-07T10:00:00Z\n"
    assert upload(api, admin, single, "?service=portal")["written"] == 1
    shown = api.request("GET", f"/api/v1/tickets/S1?at={AT}", token=admin).json()
    assert shown["service"] == "portal"
    bad = single + "S2,P7,2026-10-07T09:00:00Z,\nS3,P1,yesterday,\n"
    refused = api.request("POST", "/api/v1/ingest/tickets?service=portal", token=admin, content=bad, headers=CSV)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "priority"), (4, "opened")]
    skipped = upload(api, admin, bad, "?service=portal&on_error=skip")
    assert (skipped["rejected"], skipped["tickets"]) == (2, 1)
    unknown = api.request("POST", "/api/v1/ingest/tickets?preset=remedy", token=admin, content=single, headers=CSV)
    assert unknown.status_code == 422
    (problem,) = unknown.json()["errors"]
    assert problem["field"] == "preset" and "remedy" in problem["message"]
    broken = api.request("POST", "/api/v1/ingest/tickets?mapping=%7B", token=admin, content=single, headers=CSV)
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "mapping"


def test_a_mapping_document_in_the_query(api: Api, admin: str) -> None:
    mapping = json.dumps(
        {"name": "desk", "columns": {"id": "Number", "priority": "Urgency", "opened": "Opened", "resolved": "Done"}}
    )
    body = "Number,Urgency,Opened,Done\nM1,P1,2026-10-08T09:00:00Z,2026-10-08T10:00:00Z\n"
    answer = api.request(
        "POST",
        "/api/v1/ingest/tickets",
        token=admin,
        params={"mapping": mapping, "service": "portal"},
        content=body,
        headers=CSV,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["written"] == 1


def test_status_rows_are_those_of_the_cli(api: Api, admin: str) -> None:
    upload(api, admin)
    rows = api.request("GET", f"/api/v1/tickets?period=2026-10&at={AT}", token=admin).json()
    cli = [_figures_json(r) for r in api.slmo.tickets.status("2026-10", api.clock.at.fromisoformat(AT))]
    assert rows == json.loads(json.dumps(cli))
    every = {(r["objective"], r["priority"]): (r["volume"], r["breaches"]) for r in rows}
    assert every[("portal-desk/resolution", "all")] == (2, 1)
    assert every[("payments-desk/resolution", "P1")] == (1, 0)
    only = api.request(
        "GET", f"/api/v1/tickets?period=2026-10&at={AT}&objective=portal-desk/resolution", token=admin
    ).json()
    assert {r["objective"] for r in only} == {"portal-desk/resolution"}
    assert api.request("GET", "/api/v1/tickets?period=2026-13", token=admin).status_code == 422
    bad_at = api.request("GET", "/api/v1/tickets?at=tomorrow", token=admin)
    assert bad_at.status_code == 422 and bad_at.json()["errors"][0]["field"] == "at"


def test_show_is_the_cli_json_with_timelines(api: Api, admin: str) -> None:
    upload(api, admin)
    shown = api.request("GET", f"/api/v1/tickets/T1?at={AT}", token=admin).json()
    ticket, timers = api.slmo.tickets.show("T1", api.clock.at.fromisoformat(AT))
    assert shown == {"id": ticket.id, "service": ticket.service, "timers": [_timer_json(t) for t in timers]}
    (timer,) = shown["timers"]
    assert (timer["elapsed_seconds"], timer["breached_at"]) == (6 * 3600, "2026-10-04T13:00:00+00:00")
    assert [e["event"] for e in timer["timeline"]][-2:] == ["breached", "resolved"]
    missing = api.request("GET", "/api/v1/tickets/nope", token=admin)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_a_customer_sees_the_tickets_of_its_agreements_only(api: Api, admin: str) -> None:
    upload(api, admin)
    ministry = api.token("customer", party="ministry")
    bank = api.token("customer", party="bank")
    rows = api.request("GET", f"/api/v1/tickets?period=2026-10&at={AT}", token=ministry).json()
    assert {r["objective"] for r in rows} == {"portal-desk/resolution"}
    assert {r["objective"] for r in api.request("GET", "/api/v1/tickets", token=bank).json()} == {
        "payments-desk/resolution"
    }
    assert api.request("GET", f"/api/v1/tickets/T1?at={AT}", token=ministry).status_code == 200
    hidden = api.request("GET", "/api/v1/tickets/B1", token=ministry)
    missing = api.request("GET", "/api/v1/tickets/B9", token=ministry)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("B1", "B9") == missing.json()["detail"]
    assert api.request("GET", "/api/v1/tickets/B1", token=bank).status_code == 200


def test_who_may_upload_tickets(api: Api) -> None:
    for role, party in (("viewer", None), ("manager", None), ("customer", "ministry")):
        answer = api.request(
            "POST", "/api/v1/ingest/tickets", token=api.token(role, party=party), content=TICKETS_CSV, headers=CSV
        )
        assert answer.status_code == 403, role
    owner = api.token("owner", party="ops")
    # The export holds B1 of payments, which ops does not own (partner does): nothing is written.
    refused = api.request("POST", "/api/v1/ingest/tickets", token=owner, content=TICKETS_CSV, headers=CSV)
    assert refused.status_code == 403
    assert "payments" in refused.json()["detail"]
    named = api.request(
        "POST", "/api/v1/ingest/tickets?service=payments", token=owner, content=TICKETS_CSV, headers=CSV
    )
    assert named.status_code == 403
    own = "\n".join(line for line in TICKETS_CSV.splitlines() if not line.startswith("B1")) + "\n"
    assert upload(api, owner, own)["written"] == 2
    assert api.request("GET", "/api/v1/tickets/B1", token=api.token("admin")).status_code == 404
