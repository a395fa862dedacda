"""Every document of the OpenSLO corpus (../shared/corpus/openslo): the valid ones import and
export back equivalent, the ones the schema tests mean to fail are refused with a message that
names the file and the field, and v2alpha is refused as a version slmo does not read.

"Equivalent" is model equality: import, dump, import the dump, and compare the objects. Where
every source document of a file passes the OpenSLO v1 JSON schema, every dumped one must too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7
from ruamel.yaml import YAML

from slmo.core import model as m
from slmo.errors import SpecError
from slmo.spec.openslo import OpenSloFormat
from slmo.spec.openslo_reader import plain
from slmo.spec.yaml_source import parse_documents
from tests.conftest import require

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "openslo"

# PROVENANCE.md: the schema-test files upstream's schema_test.go expects to fail, and three
# files no test names that fail the schema too. Each with the field the refusal must name.
INVALID = {
    "schema-test/spec-files/invalid-apiversion.yaml": "apiVersion",
    "schema-test/spec-files/v1/invalid-apiversion.yaml": "kind",
    "schema-test/spec-files/v1/alert-condition/alert-condition-no-condition.yaml": "spec.condition",
    "schema-test/spec-files/v1/alert-condition/alert-condition-no-sev.yaml": "spec.severity",
    "schema-test/spec-files/v1/alert-notification-target/alert-notification-target-no-target.yaml": "spec.target",
    "schema-test/spec-files/v1/alert-policy/alert-policy-malformed-cond.yaml": "spec.conditions[0]",
    "schema-test/spec-files/v1/alert-policy/alert-policy-malformed-targetref.yaml": "spec.notificationTargets[0]",
    "schema-test/spec-files/v1/alert-policy/alert-policy-many-cond.yaml": "spec.conditions",
    "schema-test/spec-files/v1/alert-policy/alert-policy-no-cond.yaml": "spec.conditions",
    "schema-test/spec-files/v1/alert-policy/alert-policy-no-notification.yaml": "spec.notificationTargets",
    "schema-test/spec-files/v1/service/service-long-description.yaml": "spec.description",
    "schema-test/spec-files/v1/sli/sli-description-ratio-inline-metricsource.yaml": "spec.ratioMetric",
    "schema-test/spec-files/v1/sli/sli-ratio-good-and-bad.yaml": "spec.ratioMetric",
}
V2ALPHA_MESSAGE = "apiVersion: unsupported apiVersion openslo.com/v2alpha; slmo reads openslo/v1 and openslo/v1alpha"


def _documents() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = (p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".json") and p.is_file())
    return sorted(str(p.relative_to(CORPUS)) for p in found if p.parts[len(CORPUS.parts)] != "schemas")


DOCUMENTS = _documents()
V2ALPHA = [d for d in DOCUMENTS if "v2alpha" in d]
VALID = [d for d in DOCUMENTS if d not in INVALID and d not in V2ALPHA]


def _or_missing(names: list[str]) -> list[str]:
    # With the corpus missing, one case stands in, so that CI fails rather than collects nothing.
    return names or ["(corpus missing)"]


def corpus_file(name: str) -> Path:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    return CORPUS / name


@pytest.fixture(scope="module")
def schema() -> Draft7Validator:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    resources = []
    for path in sorted((CORPUS / "schemas" / "v1").rglob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], DRAFT7.create_resource(contents)))
    main = json.loads((CORPUS / "schemas" / "v1" / "openslo.schema.json").read_text())
    return Draft7Validator(main, registry=Registry().with_resources(resources))


def test_the_corpus_is_all_there() -> None:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    assert len(DOCUMENTS) == 73
    assert sorted(INVALID) == sorted(d for d in DOCUMENTS if d in INVALID)
    assert len(V2ALPHA) == 9


@pytest.mark.parametrize("name", _or_missing(VALID))
def test_a_valid_document_imports(name: str) -> None:
    imported = OpenSloFormat().load_paths([str(corpus_file(name))])
    assert imported.objects
    for loaded in imported.objects:
        assert loaded.location.source == str(CORPUS / name)
        assert loaded.location.line is not None


@pytest.mark.parametrize("name", _or_missing(sorted(INVALID)))
def test_an_invalid_document_is_refused_naming_file_and_field(name: str) -> None:
    path = corpus_file(name)
    with pytest.raises(SpecError) as caught:
        OpenSloFormat().load_paths([str(path)])
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{path}:") and f": {INVALID[name]}: " in m for m in messages), messages


@pytest.mark.parametrize("name", _or_missing(V2ALPHA))
def test_v2alpha_is_refused_as_a_version_slmo_does_not_read(name: str) -> None:
    path = corpus_file(name)
    with pytest.raises(SpecError) as caught:
        OpenSloFormat().load_paths([str(path)])
    assert caught.value.problems
    assert all(str(p).endswith(V2ALPHA_MESSAGE) for p in caught.value.problems)


def _plain_documents(items: list[Any]) -> list[dict[str, Any]]:
    # A top-level list is a list of documents; timestamps as the text they were written as.
    out: list[dict[str, Any]] = []
    for item in items:
        out.extend(plain(item) if isinstance(item, list) else [plain(item)])
    return out


@pytest.mark.parametrize("name", _or_missing(VALID))
def test_a_valid_document_exports_back_equivalent(name: str, schema: Draft7Validator) -> None:
    path = corpus_file(name)
    fmt = OpenSloFormat()
    first = fmt.load_paths([str(path)])
    text = fmt.dump([lo.obj for lo in first.objects])
    again = fmt.load_text(text, "dump.yaml")
    assert [lo.obj for lo in again.objects] == [lo.obj for lo in first.objects]
    assert again.unrepresented == []
    source = _source(name)
    dumped = _plain_documents(list(YAML(typ="safe", pure=True).load_all(text)))
    if all(schema.is_valid(d) for d in source):
        for document in dumped:
            errors = [e.message for e in schema.iter_errors(document)]
            assert errors == [], (document, errors)


def _source(name: str) -> list[dict[str, Any]]:
    path = corpus_file(name)
    return _plain_documents([d.data for d in parse_documents(path.read_text(), str(path))])


def test_the_schema_agrees_with_what_is_refused_and_checks_most_exports(schema: Draft7Validator) -> None:
    for name in INVALID:
        assert not all(schema.is_valid(d) for d in _source(name)), name
    checked = [name for name in VALID if all(schema.is_valid(d) for d in _source(name))]
    # The SDK examples and worked examples are newer than the 2022 schema (see PROVENANCE.md).
    assert len(checked) == 42


def test_multi_objective_slos_keep_their_objectives_apart() -> None:
    path = corpus_file("examples/budgeting-method/timeslices-slo.yaml")
    [agreement] = [lo.obj for lo in OpenSloFormat().load_paths([str(path)]).objects if isinstance(lo.obj, m.Agreement)]
    objectives = agreement.versions[0].objectives
    assert [o.name for o in objectives] == ["service-availability/Internal objective", "service-availability/SLA"]
    assert [(o.target, o.time_slice) for o in objectives] == [
        (0.995, m.TimeSlice(seconds=60, target=0.99)),
        (0.99, m.TimeSlice(seconds=60, target=0.99)),
    ]
    assert objectives[0].operator == m.Operator.GT
    assert all(o.budgeting == m.BudgetingMethod.TIMESLICES for o in objectives)


def test_fields_slmo_cannot_hold_are_reported_from_the_corpus() -> None:
    path = corpus_file("schema-test/spec-files/v1/alert-policy/alert-policy.yaml")
    [note] = OpenSloFormat().load_paths([str(path)]).unrepresented
    assert str(note) == f"{path}:12:7: spec.conditions[0].operator: field not represented by slmo, left out"
    path = corpus_file("schema-test/spec-files/v1/alert-policy/alert-policy-inline-cond.yaml")
    [note] = OpenSloFormat().load_paths([str(path)]).unrepresented
    assert str(note).startswith(f"{path}:19:9: spec.conditions[0].spec.condition.op: not given; slmo takes gte")


def test_the_sdk_examples_read_together() -> None:
    folder = corpus_file("pkg/openslo/v1/examples")
    imported = OpenSloFormat().load_paths([str(folder)])
    kinds = sorted({m.kind_of(lo.obj) for lo in imported.objects})
    assert kinds == [
        "Agreement",
        "AlertCondition",
        "AlertPolicy",
        "DataSource",
        "Indicator",
        "NotificationTarget",
        "Service",
    ]
