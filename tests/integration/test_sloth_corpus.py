"""Every file of the Sloth corpus (../shared/corpus/sloth): the specs import, what Sloth's own
tests refuse slmo refuses (naming file and field), and files that are not specs (generated
Prometheus rules, alert window catalogues) are refused as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmo.core import model as m
from slmo.core.ports import Imported
from slmo.errors import SpecError
from slmo.spec.sloth import SlothFormat
from tests.conftest import require

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "sloth"
TESTDATA = "test/integration/prometheus/testdata"

# validate/bad in Sloth's integration tests, with the field each refusal names. bad-openslo.yaml
# is left out on purpose: Sloth refuses its 28-day period for want of 28-day alert windows,
# while slmo reads any window.
INVALID = {
    f"{TESTDATA}/in-invalid-version.yaml": "version",
    f"{TESTDATA}/validate/bad/bad-aa.yaml": "slos[1].objective",
    f"{TESTDATA}/validate/bad/bad-ab.yaml": "slos[1].objective",
    f"{TESTDATA}/validate/bad/bad-ba.yaml": "slos[1].objective",
    f"{TESTDATA}/validate/bad/bad-k8s.yaml": "spec.service",
    f"{TESTDATA}/validate/bad/bad-multi-k8s.yaml": "spec.slos[0].alerting.name",
    f"{TESTDATA}/validate/bad/bad-multi.yaml": "slos[1].sli",
}
DUPLICATES = ["validate_with_duplicates/prom", "validate_with_duplicates/k8s", "validate_with_duplicates/openslo"]


def _files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = (p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return sorted(str(p.relative_to(CORPUS)) for p in found)


FILES = _files()
GENERATED = [f for f in FILES if f.startswith("examples/_gen/")]
WINDOWS = [f for f in FILES if "/windows/" in f]
VALID = [
    f
    for f in FILES
    if f not in INVALID and f not in GENERATED and f not in WINDOWS and "bad-prom-multi-duplicates" not in f
]


def _or_missing(names: list[str]) -> list[str]:
    # With the corpus missing, one case stands in, so that CI fails rather than collects nothing.
    return names or ["(corpus missing)"]


def corpus_file(name: str) -> Path:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    return CORPUS / name


def load(*names: str) -> Imported:
    return SlothFormat().load_paths([str(corpus_file(n)) for n in names])


def refusals(*names: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(*names)
    return [str(p) for p in caught.value.problems]


def test_the_corpus_is_all_there() -> None:
    require(CORPUS.is_dir(), f"{CORPUS} is missing")
    assert (len(FILES), len(GENERATED), len(WINDOWS)) == (71, 18, 5)
    assert all(name in FILES for name in INVALID)
    assert len([f for f in VALID if f.startswith("examples/")]) == 18


@pytest.mark.parametrize("name", _or_missing(VALID))
def test_a_spec_imports(name: str) -> None:
    imported = load(name)
    agreements = [lo.obj for lo in imported.objects if isinstance(lo.obj, m.Agreement)]
    assert agreements and all(a.versions[0].objectives for a in agreements)


@pytest.mark.parametrize("name", _or_missing(sorted(INVALID)))
def test_what_sloth_refuses_is_refused_naming_file_and_field(name: str) -> None:
    path = corpus_file(name)
    messages = refusals(name)
    assert any(msg.startswith(f"{path}:") and f": {INVALID[name]}: " in msg for msg in messages), messages


@pytest.mark.parametrize("name", _or_missing(GENERATED))
def test_generated_rules_are_refused_as_not_a_spec(name: str) -> None:
    messages = refusals(name)
    assert all("a Prometheus rule file (as Sloth generates from a spec), not a Sloth SLO spec" in m for m in messages)


@pytest.mark.parametrize("name", _or_missing(WINDOWS))
def test_alert_window_catalogues_are_refused_as_not_a_spec(name: str) -> None:
    [message] = refusals(name)
    assert "kind: a Sloth AlertWindows catalogue, not an SLO spec" in message


@pytest.mark.parametrize("folder", DUPLICATES)
def test_an_slo_in_two_files_read_together_is_refused(folder: str) -> None:
    messages = refusals(f"{TESTDATA}/{folder}")
    assert len(messages) >= 1
    assert all("is defined twice (first at" in m and "-original.yaml" in m for m in messages), messages


def test_an_slo_twice_in_one_file_is_refused() -> None:
    messages = refusals(f"{TESTDATA}/validate_with_duplicates/bad-prom-multi-duplicates.yaml")
    assert [m.split(": ", 2)[1] for m in messages] == [
        "SLO svc01-slo1 of service svc01 is defined twice (first at "
        + str(corpus_file(f"{TESTDATA}/validate_with_duplicates/bad-prom-multi-duplicates.yaml"))
        + ":7:5)",
        "SLO svc01-slo02 of service svc01 is defined twice (first at "
        + str(corpus_file(f"{TESTDATA}/validate_with_duplicates/bad-prom-multi-duplicates.yaml"))
        + ":28:5)",
    ]


def test_the_same_spec_reads_alike_plain_and_as_kubernetes_resource() -> None:
    plain = [lo.obj for lo in load("examples/getting-started.yml").objects]
    kubernetes = [lo.obj for lo in load("examples/k8s-getting-started.yml").objects]
    assert plain == kubernetes


def test_kubernetes_apiserver_slos() -> None:
    imported = load("examples/kubernetes-apiserver.yml")
    [agreement] = [lo.obj for lo in imported.objects if isinstance(lo.obj, m.Agreement)]
    objectives = agreement.versions[0].objectives
    assert [(o.name, o.target) for o in objectives] == [
        ("k8s-apiserver-requests-availability", 0.999),
        ("k8s-apiserver-requests-latency", 0.99),
    ]
    assert objectives[1].labels == {"cluster": "valhalla", "component": "kubernetes", "category": "latency"}
    policies = {lo.obj.name: lo.obj for lo in imported.objects if isinstance(lo.obj, m.AlertPolicy)}
    assert policies["k8s-apiserver-requests-latency"].display_name.en == "K8sApiserverLatencyAlert"


def test_plugins_are_represented_or_reported() -> None:
    imported = load("examples/plugin-getting-started.yml")
    [indicator] = [lo.obj for lo in imported.objects if isinstance(lo.obj, m.Indicator)]
    assert indicator.ratio is not None and indicator.ratio.raw is not None
    assert indicator.ratio.raw.type == "sloth-plugin"
    assert indicator.ratio.raw.spec["id"] == "getting_started_availability"
    notes = [str(n) for n in load("examples/slo-plugin-getting-started.yml").unrepresented]
    assert any(n.endswith("slo_plugins: Sloth SLO plugins are not represented by slmo, left out") for n in notes)
    assert any(n.endswith("slos[0].plugins: Sloth SLO plugins are not represented by slmo, left out") for n in notes)


def test_an_spec_without_alerts_has_no_policy() -> None:
    imported = load("examples/no-alerts.yml")
    assert not [lo for lo in imported.objects if isinstance(lo.obj, m.AlertPolicy)]
