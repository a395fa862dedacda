"""Bad documents: each gets a message naming file:line:column, the field and what was expected,
and the store is left unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.audit import Actor
from slmo.errors import SpecError
from tests.factories import catalogue_text

ACTOR = Actor(name="tester", interface="cli")


@pytest.fixture
def slmo() -> Slmo:
    return in_memory()


def problems_of(slmo: Slmo, tmp_path: Path, text: str | bytes, name: str = "catalogue.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.apply(slmo.catalogue.load([str(path)]), ACTOR)
    assert slmo.catalogue.get() == [], "nothing may be written"
    assert slmo.catalogue.audit() == []
    return [str(p) for p in caught.value.problems]


def test_valid_catalogue_applies(slmo: Slmo, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(catalogue_text(), encoding="utf-8")
    changes = slmo.catalogue.apply(slmo.catalogue.load([str(path)]), ACTOR)
    assert [c.action.value for c in changes] == ["created"] * 6


def test_target_above_one(slmo: Slmo, tmp_path: Path) -> None:
    problems = problems_of(slmo, tmp_path, catalogue_text(target="1.2"))
    # The target's key is on line 59 of the generated file, column 11.
    assert problems == [
        f"{tmp_path}/catalogue.yaml:59:11: spec.versions[0].objectives[0].target: 1.2 is not a ratio in [0, 1)"
    ]


def test_negative_target(slmo: Slmo, tmp_path: Path) -> None:
    (problem,) = problems_of(slmo, tmp_path, catalogue_text(target="-0.1"))
    assert problem.endswith("spec.versions[0].objectives[0].target: -0.1 is not a ratio in [0, 1)")


def test_target_of_wrong_type(slmo: Slmo, tmp_path: Path) -> None:
    (problem,) = problems_of(slmo, tmp_path, catalogue_text(target="high"))
    assert problem.endswith("spec.versions[0].objectives[0].target: expected a number, got 'high'")


def test_unknown_time_zone_suggests_the_near_one(slmo: Slmo, tmp_path: Path) -> None:
    (problem,) = problems_of(slmo, tmp_path, catalogue_text(zone="Asia/Riyad"))
    assert problem == (
        f"{tmp_path}/catalogue.yaml:22:3: spec.timeZone: 'Asia/Riyad' is not an IANA time zone; did you mean 'Asia/Riyadh'?"
    )


def test_missing_calendar_reference(slmo: Slmo, tmp_path: Path) -> None:
    (problem,) = problems_of(slmo, tmp_path, catalogue_text(calendar="ofice"))
    assert problem == (
        f"{tmp_path}/catalogue.yaml:61:11: spec.versions[0].objectives[0].calendar: Calendar 'ofice' does not exist; did you mean 'office'?"
    )


def test_missing_service_reference(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace("services: [portal]", "services: [portl]")
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem.endswith("spec.services[0]: Service 'portl' does not exist; did you mean 'portal'?")


def test_misspelt_field_and_kind(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace("  tier: 1", "  teir: 1").replace("kind: Indicator", "kind: Indicatr")
    problems = problems_of(slmo, tmp_path, text)
    assert problems == [
        f"{tmp_path}/catalogue.yaml:34:3: spec.teir: unknown field 'teir'; did you mean 'tier'?",
        f"{tmp_path}/catalogue.yaml:37:1: kind: unknown kind 'Indicatr'; did you mean 'Indicator'?",
    ]


def test_wrong_value_in_a_choice(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace("type: sla", "type: slaa")
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem.endswith("spec.type: 'slaa' is not one of 'sla', 'ola', 'uc' or 'expectation'; did you mean 'sla'?")


def test_overlapping_service_hours(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace('sun: ["08:00-16:00"]', 'sun: ["08:00-16:00", "15:00-18:00"]')
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem.endswith("spec.hours.sun: service hours overlap: 08:00-16:00 on sun and 15:00-18:00 on sun")


def test_overnight_hours_overlapping_the_next_morning(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace('sun: ["08:00-16:00"]', 'sun: ["20:00-09:00"]')
    (problem,) = problems_of(slmo, tmp_path, text)
    assert "service hours overlap: 20:00-09:00 on sun and 08:00-16:00 on mon" in problem


def test_two_documents_with_one_name(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text() + "---\n" + catalogue_text().split("---\n")[0]
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem == (
        f"{tmp_path}/catalogue.yaml:66:3: metadata.name: Party 'ministry' is defined twice; "
        f"first at {tmp_path}/catalogue.yaml:4:3"
    )


def test_yaml_syntax_error(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text().replace("  tier: 1", "  tier: [1")
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem == (
        f"{tmp_path}/catalogue.yaml:35:1: YAML syntax error: expected ',' or ']', but got '<document start>' "
        "(while parsing a flow sequence started at line 34, column 9)"
    )


def test_empty_file(slmo: Slmo, tmp_path: Path) -> None:
    assert problems_of(slmo, tmp_path, "\n# only a comment\n") == [
        f"{tmp_path}/catalogue.yaml: empty file, expected at least one document"
    ]


def test_binary_junk(slmo: Slmo, tmp_path: Path) -> None:
    junk = bytes(range(256)) * 40
    assert problems_of(slmo, tmp_path, junk) == [f"{tmp_path}/catalogue.yaml: binary file, expected YAML or JSON text"]


def test_not_utf8(slmo: Slmo, tmp_path: Path) -> None:
    text = "apiVersion: slmo/v1\nkind: Party\n# caf\xe9\n".encode("latin-1")
    assert problems_of(slmo, tmp_path, text) == [f"{tmp_path}/catalogue.yaml:3: not UTF-8 text, expected YAML or JSON"]


def test_fifty_megabyte_file(slmo: Slmo, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as f:
        f.write(catalogue_text())
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.load([str(path)])
    assert str(caught.value) == f"{path}: file is 52.4 MB; documents are limited to 8 MB"


def test_one_bad_document_among_good_ones_writes_nothing(slmo: Slmo, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(catalogue_text(), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: slmo/v1\nkind: Service\nmetadata: {name: other}\nspec: {tier: 9}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        slmo.catalogue.apply(slmo.catalogue.load([str(good), str(bad)]), ACTOR)
    assert [str(p) for p in caught.value.problems] == [f"{bad}:4:8: spec.tier: Input should be less than or equal to 4"]
    assert slmo.catalogue.get() == []


def test_every_problem_is_reported_at_once(slmo: Slmo, tmp_path: Path) -> None:
    text = catalogue_text(target="1.5", zone="Mars/Olympus").replace("type: customer", "type: client")
    problems = problems_of(slmo, tmp_path, text)
    assert len(problems) == 3


def test_openslo_document_given_to_apply_points_at_import(slmo: Slmo, tmp_path: Path) -> None:
    text = "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: web}\nspec: {}\n"
    (problem,) = problems_of(slmo, tmp_path, text)
    assert problem.endswith(
        "apiVersion: 'openslo/v1' is not 'slmo/v1'; OpenSLO documents are read by `slmo import openslo`"
    )
