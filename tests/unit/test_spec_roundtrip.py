"""Documents read, written back and read again give equal objects; the schema accepts them."""

from __future__ import annotations

import datetime as dt

import jsonschema
from ruamel.yaml import YAML

from slmo.core import model as m
from slmo.spec.codec import YamlSpecCodec
from tests.conftest import EXAMPLES

codec = YamlSpecCodec()


def test_examples_round_trip() -> None:
    first = [item.obj for item in codec.load_paths([str(EXAMPLES)])]
    again = [item.obj for item in codec.load_text(codec.dump(first), "export.yaml")]
    assert sorted(again, key=repr) == sorted(first, key=repr)


def test_export_is_stable() -> None:
    first = [item.obj for item in codec.load_paths([str(EXAMPLES)])]
    text = codec.dump(first)
    assert codec.dump([item.obj for item in codec.load_text(text, "x")]) == text


def test_examples_hold_every_kind_of_agreement_and_arabic_names() -> None:
    objects = [item.obj for item in codec.load_paths([str(EXAMPLES)])]
    kinds = {o.kind for o in objects if isinstance(o, m.Agreement)}
    assert kinds == set(m.AgreementKind)
    assert all(o.display_name.ar for o in objects if isinstance(o, m.Service | m.Agreement | m.Party))


def test_the_issue_calendar_reads_as_written() -> None:
    (calendar,) = (o.obj for o in codec.load_paths([str(EXAMPLES / "calendars.yaml")]) if o.obj.name == "riyadh-office")
    assert isinstance(calendar, m.Calendar)
    assert calendar.time_zone == "Asia/Riyadh"
    assert calendar.hours_on(m.Weekday.MON) == (m.TimeRange(start=480, end=720), m.TimeRange(start=780, end=1020))
    overnight = calendar.hours_on(m.Weekday.THU)[1]
    assert overnight.crosses_midnight and overnight.minutes == 8 * 60
    assert calendar.hours_on(m.Weekday.FRI) == ()
    assert calendar.holiday_countries == (m.CountryHolidays(country="SA"),)
    eid = calendar.holiday_dates[1]
    assert (eid.start, eid.end, eid.name) == (dt.date(2025, 3, 30), dt.date(2025, 4, 2), "Eid al-Fitr")
    assert calendar.holiday_dates[2].hours == (m.TimeRange(start=540, end=780),)
    upgrade, patching = calendar.exclusions
    assert upgrade.end is not None and upgrade.start is not None
    assert upgrade.end - upgrade.start == dt.timedelta(hours=4)
    assert upgrade.start.utcoffset() == dt.timedelta(hours=3)
    assert patching.rrule == "FREQ=WEEKLY;BYDAY=FR;BYHOUR=1;BYMINUTE=0" and patching.duration_seconds == 7200
    # Sun 8 h + Mon 8 h + Tue 8 h + Wed 8 h + Thu 6 h + the Thursday night shift 8 h.
    assert calendar.weekly_minutes() == 46 * 60


def test_target_percent_equals_target() -> None:
    (sla,) = (o.obj for o in codec.load_paths([str(EXAMPLES / "agreements.yaml")]) if o.obj.name == "eportal-sla")
    assert isinstance(sla, m.Agreement)
    version = sla.active_version()
    assert version is not None
    assert version.objectives[0].target == 0.999
    assert version.credit_schedule is not None
    # Attainment 99.6 % is below 99.9 % (5 %) but not below 99.5 %: the 5 % tier applies.
    assert version.credit_schedule.credit_for(0.996) == 0.05
    assert version.credit_schedule.credit_for(0.98) == 0.25
    assert version.credit_schedule.credit_for(0.9995) == 0.0


def test_json_schema_accepts_every_example_document() -> None:
    schema = codec.json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    yaml = YAML(typ="safe")
    count = 0
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for document in yaml.load_all(path.read_text(encoding="utf-8")):
            # JSON has no dates: the schema describes them as strings in ISO 8601.
            plain = _dates_as_text(document)
            errors = list(validator.iter_errors(plain))
            assert errors == [], f"{path}: {errors[0].message}"
            count += 1
    assert count == 31


def test_json_schema_rejects_an_unknown_field() -> None:
    validator = jsonschema.Draft202012Validator(codec.json_schema())
    document = {"apiVersion": "slmo/v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"teir": 1}}
    assert not validator.is_valid(document)


def _dates_as_text(value: object) -> object:
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
