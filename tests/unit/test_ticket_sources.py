"""Reading ticket exports: presets, mapping files, and each bad input as file:line: field."""

from __future__ import annotations

import gzip
import io

from slmo.sources.ticket_presets import SERVICENOW, SLMO, TicketMapping
from slmo.sources.tickets import read_tickets

NOW = 2_000_000_000
SN_HEAD = "number,incident_state,sys_mod_count,sys_updated_at,opened_at,resolved_at,closed_at,priority,category\n"


def read(text: str, mapping: TicketMapping = SLMO, tz: str | None = "UTC", gz: bool = False):  # type: ignore[no-untyped-def]
    data = text.encode()
    return read_tickets(io.BytesIO(gzip.compress(data) if gz else data), "t.csv", mapping, now_epoch=NOW, tz=tz)


def test_servicenow_rows_per_update_make_one_ticket_with_its_history() -> None:
    found = read(
        SN_HEAD
        + "INC1,New,0,29/2/2016 01:23,29/2/2016 01:16,?,?,3 - Moderate,C\n"
        + "INC1,Awaiting User Info,1,29/2/2016 02:00,29/2/2016 01:16,?,?,2 - High,C\n"
        + "INC1,Resolved,2,29/2/2016 08:53,29/2/2016 01:16,29/2/2016 11:29,?,2 - High,C\n"
        + "INC1,Resolved,2,29/2/2016 08:53,29/2/2016 01:16,29/2/2016 11:29,?,2 - High,C\n",
        SERVICENOW,
        gz=True,
    )
    assert found.rejected == 0
    (ticket,) = found.tickets
    assert ticket.priority == "P2"
    assert [c.status for c in ticket.history] == ["New", "Awaiting User Info", "Resolved"]
    assert [c.priority for c in ticket.history] == ["P3", "P2", "P2"]
    assert ticket.resolved is not None and ticket.resolved.hour == 11


def test_bad_rows_are_named_by_line_and_field() -> None:
    found = read(
        SN_HEAD
        + "INC1,New,0,29/2/2016 01:23,29/2/2016 01:16,?,?,9 - Whenever,C\n"
        + "INC2,New,0,29/2/2016 01:23,29/2/2016 01:16,28/2/2016 01:00,?,3 - Moderate,C\n"
        + "INC3,New,0,29/2/2016 05:00,29/2/2016 01:16,?,?,3 - Moderate,C\n"
        + "INC3,Active,1,29/2/2016 04:00,29/2/2016 01:16,?,?,3 - Moderate,C\n"
        + "INC3,Active,0,29/2/2016 06:00,29/2/2016 01:16,?,?,3 - Moderate,C\n",
        SERVICENOW,
    )
    messages = [str(p) for p in found.problems]
    assert messages[0].startswith("t.csv:2: priority: unknown priority '9 - Whenever'")
    assert messages[1].startswith("t.csv:3: resolved_at: 2016-02-28T01:00:00+00:00 is before opened")
    assert messages[2].startswith("t.csv:5: sys_updated_at:") and "goes backwards" in messages[2]
    assert messages[3].startswith("t.csv:6: sys_mod_count: update 0 of ticket INC3 is given again")
    assert found.rejected == 4


def test_times_without_a_zone_need_tz() -> None:
    found = read(SN_HEAD + "INC1,New,0,29/2/2016 01:23,29/2/2016 01:16,?,?,3 - Moderate,C\n", SERVICENOW, tz=None)
    assert "no UTC offset or zone; give --tz ZONE" in str(found.problems[0])


def test_conflicting_duplicate_ids_in_a_file_of_one_row_per_ticket() -> None:
    mapping = TicketMapping(name="flat", columns={"id": "id", "opened": "opened", "priority": "priority"})
    found = read(
        "id,opened,priority\nT1,2026-10-01T09:00:00Z,P1\nT1,2026-10-01T09:00:00Z,P1\nT1,2026-10-01T09:00:00Z,P2\n",
        mapping,
    )
    assert len(found.tickets) == 1
    assert [str(p) for p in found.problems] == ["t.csv:4: id: ticket T1 is given again with other data (line 2)"]


def test_json_lines_in_slmo_columns() -> None:
    found = read(
        '{"id": "T1", "opened": "2026-10-01T09:00:00+03:00", "priority": "P1", "status": "New", "at": "2026-10-01T09:00:00+03:00"}\n'
        '{"id": "T1", "opened": "2026-10-01T09:00:00+03:00", "priority": "P1", "status": "Resolved", "at": "2026-10-01T10:00:00+03:00"}\n'
    )
    assert found.rejected == 0
    assert [c.status for c in found.tickets[0].history] == ["New", "Resolved"]


def test_jira_export_one_row_per_issue() -> None:
    from slmo.sources.ticket_presets import JIRA

    found = read(
        "Issue key,Status,Priority,Created,Resolved,Updated,Issue Type,Component/s\n"
        "DESK-1,Resolved,High,05/Oct/26 9:15 AM,05/Oct/26 1:40 PM,05/Oct/26 1:40 PM,Incident,Email\n"
        "DESK-2,Waiting for customer,Low,06/Oct/26 10:00 AM,,06/Oct/26 11:00 AM,Service request,Email\n",
        JIRA,
        tz="Asia/Riyadh",
    )
    assert found.rejected == 0
    one, two = found.tickets
    assert (one.id, one.priority, one.service) == ("DESK-1", "High", "Email")
    assert one.opened.isoformat() == "2026-10-05T06:15:00+00:00"
    assert one.resolved is not None and one.resolved.hour == 10
    assert [c.status for c in two.history] == ["Waiting for customer"]
