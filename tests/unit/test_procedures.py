"""Procedures (runbooks, tools, facilities) as catalogue documents: read, written back, in the
schema, their references checked, and a next review date in the past refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jsonschema
import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.audit import Actor
from slmo.core.model.procedure import Procedure, ProcedureKind
from slmo.errors import ConflictError, SpecError
from slmo.spec.codec import YamlSpecCodec
from tests.api_support import FixedClock
from tests.factories import PARTY, catalogue_text

ADMIN = Actor(name="admin", interface="cli")
TODAY = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

PROCEDURE = """\
apiVersion: slmo/v1
kind: Procedure
metadata:
  name: {name}
  displayName: {{en: Portal runbook, ar: دليل تشغيل البوابة}}
spec:
  type: {type}
  owner: {owner}
  services: [{service}]
  review: {{everyMonths: 6}}
  nextReview: {next}
  location: https://wiki.example/runbooks/portal
"""


def procedure(
    name: str = "portal-runbook",
    *,
    kind: str = "runbook",
    owner: str = "ops",
    service: str = "portal",
    next_review: str = "2027-01-15",
) -> str:
    return PROCEDURE.format(name=name, type=kind, owner=owner, service=service, next=next_review)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def slmo(clock: FixedClock) -> Iterator[Slmo]:
    with in_memory(clock=clock) as handle:
        handle.catalogue.apply(handle.codec.load_text(catalogue_text(), "catalogue.yaml"), ADMIN)
        yield handle


def test_a_procedure_reads_and_writes_back() -> None:
    codec = YamlSpecCodec()
    (loaded,) = codec.load_text(procedure(), "procedures.yaml")
    obj = loaded.obj
    assert isinstance(obj, Procedure)
    assert (obj.kind, obj.owner, obj.services, obj.review.months) == (ProcedureKind.RUNBOOK, "ops", ("portal",), 6)
    assert obj.next_review == dt.date(2027, 1, 15) and obj.display_name.ar == "دليل تشغيل البوابة"
    (again,) = codec.load_text(codec.dump([obj]), "export.yaml")
    assert again.obj == obj
    document = codec.dump_one(obj)
    assert document["kind"] == "Procedure" and document["spec"]["type"] == "runbook"


def test_the_schema_knows_procedures() -> None:
    codec = YamlSpecCodec()
    schema = codec.json_schema()
    (loaded,) = codec.load_text(procedure(kind="facility"), "p.yaml")
    document = codec.dump_one(loaded.obj)
    document["spec"]["nextReview"] = "2027-01-15"
    jsonschema.validate(document, schema)
    document["spec"]["type"] = "server"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_a_bad_kind_and_a_missing_cadence_are_named() -> None:
    codec = YamlSpecCodec()
    bad = procedure(kind="rota").replace("  review: {everyMonths: 6}\n", "")
    with pytest.raises(SpecError) as caught:
        codec.load_text(bad, "p.yaml")
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["spec.review", "spec.type"]


def test_references_to_the_owner_and_services_are_checked(slmo: Slmo) -> None:
    text = procedure(owner="opps", service="portl")
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.apply(slmo.codec.load_text(text, "p.yaml"), ADMIN)
    messages = sorted(str(p) for p in caught.value.problems)
    assert messages == [
        "p.yaml:8:3: spec.owner: Party 'opps' does not exist; did you mean 'ops'?",
        "p.yaml:9:14: spec.services[0]: Service 'portl' does not exist; did you mean 'portal'?",
    ]
    assert slmo.catalogue.get("Procedure") == []


def test_a_next_review_in_the_past_is_refused_and_nothing_changes(slmo: Slmo, clock: FixedClock) -> None:
    audit_before = len(slmo.catalogue.audit())
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.apply(slmo.codec.load_text(procedure(next_review="2026-11-25"), "p.yaml"), ADMIN)
    (problem,) = caught.value.problems
    assert problem.key == "spec.review_in_past" and problem.field == "spec.nextReview"
    assert str(problem) == (
        "p.yaml:11:3: spec.nextReview: the next review date 2026-11-25 is in the past (today is 2026-11-26); "
        "give today or a later day"
    )
    assert slmo.catalogue.get("Procedure") == []
    assert len(slmo.catalogue.audit()) == audit_before


def test_today_is_accepted_and_a_stored_date_may_pass(slmo: Slmo, clock: FixedClock) -> None:
    (change,) = slmo.catalogue.apply(slmo.codec.load_text(procedure(next_review="2026-11-26"), "p.yaml"), ADMIN)
    assert change.action.value == "created"
    clock.at = TODAY + dt.timedelta(days=40)
    # The same document again: its date is past now, but unchanged, so it is no news.
    (again,) = slmo.catalogue.apply(slmo.codec.load_text(procedure(next_review="2026-11-26"), "p.yaml"), ADMIN)
    assert again.action.value == "unchanged"
    # Changed to another past day: refused.
    with pytest.raises(SpecError):
        slmo.catalogue.apply(slmo.codec.load_text(procedure(next_review="2026-12-01"), "p.yaml"), ADMIN)


def test_a_party_that_owns_a_procedure_cannot_be_deleted(slmo: Slmo) -> None:
    facilities = PARTY.format(name="facilities", type="internal")
    slmo.catalogue.apply(slmo.codec.load_text(facilities, "f.yaml"), ADMIN)
    slmo.catalogue.apply(slmo.codec.load_text(procedure(owner="facilities", kind="facility"), "p.yaml"), ADMIN)
    with pytest.raises(ConflictError) as caught:
        slmo.catalogue.delete("Party", "facilities", ADMIN)
    assert str(caught.value) == "Party 'facilities' is still used by Procedure 'portal-runbook' (owner)"
    slmo.catalogue.delete("Procedure", "portal-runbook", ADMIN)
    slmo.catalogue.delete("Party", "facilities", ADMIN)
    assert slmo.catalogue.get("Procedure") == []
