"""The field-level diff of two versions and the edits on the same paths."""

from __future__ import annotations

import pytest

from slmo.core.model.version_diff import EditPathError, field_changes, with_edit

ONE = {
    "version": 1,
    "state": "active",
    "effective": {"from": "2026-01-01"},
    "credits": {"cap": 0.3, "tiers": [{"below": 0.999, "credit": 0.05}, {"below": 0.995, "credit": 0.1}]},
    "objectives": [
        {"name": "availability", "target": 0.999, "window": {"calendar": "month"}},
        {"name": "latency", "target": 0.95, "window": {"calendar": "month"}},
    ],
}


def test_changes_are_named_by_the_paths_a_person_writes() -> None:
    two = with_edit(ONE, "objectives.availability.target", 0.9995)
    two = with_edit(two, "credits.tiers[1].credit", 0.15)
    two = with_edit(two, "effective.to", "2027-01-01")
    two = {**two, "version": 2, "state": "proposed"}
    two["objectives"] = [*two["objectives"][:1], {"name": "success-rate", "target": 0.99}]
    assert [(c.path, c.change, c.before, c.after) for c in field_changes(ONE, two)] == [
        ("effective.to", "added", None, "2027-01-01"),
        ("credits.tiers[1].credit", "changed", 0.1, 0.15),
        ("objectives.availability.target", "changed", 0.999, 0.9995),
        ("objectives.latency", "removed", ONE["objectives"][1], None),
        ("objectives.success-rate", "added", None, {"name": "success-rate", "target": 0.99}),
    ]
    assert field_changes(ONE, {**ONE, "version": 7, "state": "draft"}) == []  # number and state say nothing
    assert ONE["objectives"][0]["target"] == 0.999  # edits copy


def test_a_target_replaces_a_percent_target() -> None:
    given = {"objectives": [{"name": "uptime", "targetPercent": 99.99}]}
    assert with_edit(given, "objectives.uptime.target", 0.999)["objectives"][0] == {"name": "uptime", "target": 0.999}


@pytest.mark.parametrize(
    ("path", "code", "where"),
    [
        ("objectives.uptime.target", "no_name", "objectives.uptime"),
        ("objectives.availability", "name_a_field", "objectives.availability"),
        ("credits.tiers[5].credit", "no_item", "credits.tiers.5"),
        ("credits.tiers[x].credit", "bad_index", "credits.tiers[x].credit"),
        ("credits.cap.value", "no_fields", "credits.cap.value"),
        ("", "empty", ""),
    ],
)
def test_an_edit_of_nothing_says_which_part(path: str, code: str, where: str) -> None:
    with pytest.raises(EditPathError) as refused:
        with_edit(ONE, path, 1)
    assert (refused.value.code, refused.value.where) == (code, where)
