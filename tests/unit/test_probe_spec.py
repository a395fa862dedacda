"""Probes in documents: what is accepted, the message of each mistake, and the way back from
model objects to documents (slmo/v1, the store's plain form, the JSON Schema, OpenSLO)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from ruamel.yaml import YAML

from slmo.core import model as m
from slmo.core.model.plain import from_plain, to_plain
from slmo.errors import SpecError
from slmo.spec.codec import YamlSpecCodec
from slmo.spec.openslo_write import dump_openslo

codec = YamlSpecCodec()

HTTP = """
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-up}
spec:
  service: portal
  kind: availability
  availability:
    probe:
      http:
        url: https://portal.example/health
        method: GET
        expectStatus: [200, 204]
        bodyMatch: '"status": *"ok"'
        timeoutSeconds: 2.5
        certificateWarningDays: 14
        headers: {Accept: application/json}
        followRedirects: true
        tlsVerify: false
        caFile: /etc/slmo/ca.pem
      every: 60s
"""

TCP = """
apiVersion: slmo/v1
kind: Indicator
metadata: {name: db-up}
spec:
  kind: availability
  bucket: 5m
  availability:
    incidents: false
    probe: {tcp: {host: db.internal, port: 5432, timeoutSeconds: 5}, every: 30s}
"""


def _indicator(text: str) -> m.Indicator:
    (loaded,) = codec.load_text(text, "indicators.yaml")
    assert isinstance(loaded.obj, m.Indicator)
    return loaded.obj


def _problems(probe: str) -> list[str]:
    text = f"""
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: x}}
spec:
  kind: availability
  availability:
    probe: {probe}
"""
    with pytest.raises(SpecError) as caught:
        codec.load_text(text, "bad.yaml")
    return [str(p) for p in caught.value.problems]


def test_an_http_probe_reads_into_the_model() -> None:
    indicator = _indicator(HTTP)
    assert indicator.availability is not None
    assert indicator.availability.probe == m.ProbeSpec(
        every_seconds=60,
        http=m.HttpProbe(
            url="https://portal.example/health",
            method="GET",
            expect_status=(200, 204),
            body_match='"status": *"ok"',
            timeout_seconds=2.5,
            certificate_warning_days=14,
            headers={"Accept": "application/json"},
            follow_redirects=True,
            tls_verify=False,
            ca_file="/etc/slmo/ca.pem",
        ),
    )


def test_a_tcp_probe_and_the_defaults() -> None:
    probe = _indicator(TCP).availability
    assert probe is not None and probe.probe is not None
    assert probe.probe == m.ProbeSpec(
        every_seconds=30, tcp=m.TcpProbe(host="db.internal", port=5432, timeout_seconds=5)
    )
    (least,) = codec.load_text(
        "apiVersion: slmo/v1\nkind: Indicator\nmetadata: {name: y}\n"
        "spec: {kind: availability, availability: {probe: {http: {url: 'http://h/'}}}}\n",
        "y.yaml",
    )
    assert isinstance(least.obj, m.Indicator) and least.obj.availability is not None
    http = least.obj.availability.probe
    assert http == m.ProbeSpec(every_seconds=60, http=m.HttpProbe(url="http://h/"))
    assert http.timeout_seconds == 10.0
    # No expected statuses: any 2xx is up, a redirect is not.
    assert http.http is not None
    assert [http.http.expects(s) for s in (200, 204, 299, 301, 404, 503)] == [True, True, True, False, False, False]
    assert not m.HttpProbe(url="http://h/", expect_status=(503,)).expects(200)


@pytest.mark.parametrize("text", [HTTP, TCP], ids=["http", "tcp"])
def test_probes_round_trip_through_documents_and_the_store_form(text: str) -> None:
    indicator = _indicator(text)
    dumped = codec.dump([indicator])
    assert [lo.obj for lo in codec.load_text(dumped, "again.yaml")] == [indicator]
    assert codec.dump([lo.obj for lo in codec.load_text(dumped, "again.yaml")]) == dumped
    # The store and the audit log keep objects in their plain form: exact both ways.
    assert from_plain(m.Indicator, json.loads(json.dumps(to_plain(indicator)))) == indicator


def test_defaults_are_left_out_when_written() -> None:
    indicator = _indicator(
        "apiVersion: slmo/v1\nkind: Indicator\nmetadata: {name: y}\n"
        "spec: {kind: availability, availability: {probe: {http: {url: 'http://h/', timeoutSeconds: 10}}}}\n"
    )
    written = codec.dump_one(indicator)["spec"]["availability"]["probe"]
    assert written == {"http": {"url": "http://h/"}, "every": "1m"}


def test_the_json_schema_describes_probes() -> None:
    validator = jsonschema.Draft202012Validator(codec.json_schema())
    for text in (HTTP, TCP):
        document = YAML(typ="safe").load(text)
        assert list(validator.iter_errors(document)) == []
    wrong = YAML(typ="safe").load(TCP)
    wrong["spec"]["availability"]["probe"]["tcp"]["prot"] = 5432
    assert not validator.is_valid(wrong)


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        ("{every: 60s}", "spec.availability.probe: give exactly one of http and tcp"),
        (
            "{http: {url: 'http://a/'}, tcp: {host: a, port: 1}}",
            "spec.availability.probe: give exactly one of http and tcp",
        ),
        (
            "{http: {url: 'ftp://files.example/x'}}",
            "spec.availability.probe.http.url: 'ftp://files.example/x' is not an http:// or https:// URL with a host",
        ),
        (
            "{http: {url: 'https:///health'}}",
            "spec.availability.probe.http.url: 'https:///health' is not an http:// or https:// URL with a host",
        ),
        ("{tcp: {host: db, port: 70000}}", "spec.availability.probe.tcp.port: 70000 is not a TCP port (1 to 65535)"),
        ("{tcp: {host: db, port: 0}}", "spec.availability.probe.tcp.port: 0 is not a TCP port (1 to 65535)"),
        (
            "{tcp: {host: db, port: 5432}, every: 5s}",
            "spec.availability.probe: every 5 s is too often; probes run at most every 10 s",
        ),
        (
            "{tcp: {host: db, port: 5432, timeoutSeconds: 20}, every: 10s}",
            "spec.availability.probe: timeoutSeconds (20) is longer than every (10 s)",
        ),
        (
            "{tcp: {host: db, port: 5432, timeoutSeconds: 0}}",
            "spec.availability.probe.tcp.timeoutSeconds: 0 is not a timeout in seconds (more than 0, at most 300)",
        ),
        (
            "{http: {url: 'http://a/', expectStatus: [200, 700]}}",
            "spec.availability.probe.http.expectStatus[1]: 700 is not an HTTP status (100 to 599)",
        ),
        (
            "{http: {url: 'http://a/', bodyMatch: 'ok('}}",
            "spec.availability.probe.http.bodyMatch: 'ok(' is not a regular expression: "
            "missing ), unterminated subpattern at position 2",
        ),
        (
            "{http: {url: 'http://a/', certificateWarningDays: 14}}",
            "spec.availability.probe.http: certificateWarningDays needs an https:// URL, not 'http://a/'",
        ),
        (
            "{http: {url: 'https://a/', certificateWarningDays: 0}}",
            "spec.availability.probe.http.certificateWarningDays: 0 is not a number of days (1 or more)",
        ),
        (
            "{http: {url: 'http://a/', method: FETCH}}",
            "spec.availability.probe.http.method: 'FETCH' is not one of 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', "
            "'DELETE' or 'OPTIONS'",
        ),
        (
            "{http: {url: 'http://a/', timeout: 5}}",
            "spec.availability.probe.http.timeout: unknown field 'timeout'; did you mean 'timeoutSeconds'?",
        ),
        ("{tcp: {host: db}}", "spec.availability.probe.tcp.port: required field is missing"),
    ],
)
def test_each_mistake_is_named(probe: str, message: str) -> None:
    problems = _problems(probe)
    assert len(problems) == 1, problems
    assert message in problems[0]
    assert problems[0].startswith("bad.yaml:")


def test_a_probe_that_would_be_ignored_is_refused() -> None:
    text = (
        "apiVersion: slmo/v1\nkind: Indicator\nmetadata: {name: y}\n"
        "spec: {kind: availability, availability: {probes: false, probe: {tcp: {host: a, port: 1}}}}\n"
    )
    with pytest.raises(SpecError) as caught:
        codec.load_text(text, "bad.yaml")
    (problem,) = caught.value.problems
    assert str(problem).endswith("spec.availability: a probe is given but probes: false would ignore it")


def test_openslo_export_leaves_probe_indicators_out_and_says_so() -> None:
    exported = dump_openslo([_indicator(HTTP), _indicator(TCP)])
    assert exported.text.strip() == ""
    assert {p.field for p in exported.left_out} >= {"Indicator/portal-up", "Indicator/db-up"}


def _catalogue(lang: str) -> dict[str, str]:
    text = resources.files("slmo.i18n").joinpath("catalogues", f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def test_every_probe_reason_and_problem_is_translated() -> None:
    keys = [f"probe.{code.value}" for code in m.ProbeReasonCode]
    keys += [
        f"problem.spec.{kind}"
        for kind in (
            "probe_form",
            "probe_url",
            "port_range",
            "status_range",
            "probe_timeout_range",
            "probe_timeout",
            "probe_every",
            "body_match",
            "days_range",
            "certificate_https",
            "probe_ignored",
        )
    ]
    en, ar = _catalogue("en"), _catalogue("ar")
    assert [k for k in keys if k not in en or k not in ar] == []
    assert all(en[k] != ar[k] for k in keys)
