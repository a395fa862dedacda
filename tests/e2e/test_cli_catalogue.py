"""The `slmo` command as a user runs it, on a real SQLite file: in process for speed (the same
entry point as the console script), and as a real process where the process itself matters."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli
from tests.factories import catalogue_text


def test_apply_examples_then_again_changes_nothing(cli: Cli) -> None:
    first = cli.process("apply", "-f", str(EXAMPLES))
    assert first.stdout.splitlines()[-1] == "31 created, 0 changed, 0 unchanged"
    assert "Agreement/eportal-sla created" in first.stdout
    second = cli("apply", "-f", str(EXAMPLES))
    assert second.stdout.splitlines()[-1] == "0 created, 0 changed, 31 unchanged"


def test_dry_run_shows_the_diff_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("apply", "-f", str(EXAMPLES))
    changed = tmp_path / "services.yaml"
    changed.write_text((EXAMPLES / "services.yaml").read_text(encoding="utf-8").replace("tier: 4", "tier: 3"))
    dry = cli("apply", "--dry-run", "-f", str(changed))
    assert "Service/wiki changed" in dry.stdout
    assert "-  tier: 4" in dry.stdout and "+  tier: 3" in dry.stdout
    assert "nothing written" in dry.stdout
    shown = json.loads(cli("get", "service", "wiki", "-o", "json").stdout)
    assert shown["spec"]["tier"] == 4


def test_export_round_trips_through_apply(cli: Cli, tmp_path: Path) -> None:
    cli("apply", "-f", str(EXAMPLES))
    exported = tmp_path / "export.yaml"
    cli("export", "-o", str(exported))
    fresh = cli.on(tmp_path / "fresh.db")
    assert fresh("apply", "-f", str(exported)).stdout.splitlines()[-1] == "31 created, 0 changed, 0 unchanged"
    assert cli("apply", "-f", str(exported)).stdout.splitlines()[-1] == "0 created, 0 changed, 31 unchanged"
    assert fresh("export").stdout == exported.read_text(encoding="utf-8")


def test_get_table_yaml_and_json(cli: Cli) -> None:
    cli("apply", "-f", str(EXAMPLES))
    table = cli("get", "agreements").stdout
    assert "eportal-sla" in table and "wiki-expectation" in table and "v1 active" in table
    yaml_text = cli("get", "calendar", "riyadh-office", "-o", "yaml").stdout
    assert "timeZone: Asia/Riyadh" in yaml_text and "ساعات عمل مكتب الرياض" in yaml_text
    names = [d["metadata"]["name"] for d in json.loads(cli("get", "Service", "-o", "json").stdout)]
    assert names == ["eportal", "network", "report-engine", "service-desk", "wiki"]


def test_arabic_messages_and_headers(cli: Cli) -> None:
    applied = cli("--lang", "ar", "apply", "-f", str(EXAMPLES))
    assert applied.stdout.splitlines()[-1] == "أُنشئ 31، عُدّل 0، بلا تغيير 0"
    table = cli("--lang", "ar", "get", "services").stdout
    assert "الخدمات" in table and "الاسم المعروض" in table and "بوابة الخدمات الإلكترونية" in table


def test_audit_records_who_when_how_before_and_after(cli: Cli, tmp_path: Path) -> None:
    cli("apply", "-f", str(EXAMPLES))
    changed = tmp_path / "services.yaml"
    changed.write_text((EXAMPLES / "services.yaml").read_text(encoding="utf-8").replace("tier: 4", "tier: 3"))
    cli("apply", "-f", str(changed))
    entries = json.loads(cli("audit", "--object", "service/wiki", "-o", "json").stdout)
    assert [e["action"] for e in entries] == ["create", "change"]
    assert entries[1]["interface"] == "cli" and entries[1]["actor"]
    assert entries[1]["before"]["tier"] == 4 and entries[1]["after"]["tier"] == 3
    assert entries[0]["before"] is None
    table = cli("audit").stdout
    assert table.count("Service/wiki") == 2


def test_invalid_input_exit_code_and_nothing_written(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(catalogue_text(target="1.2"), encoding="utf-8")
    failed = cli.process("apply", "-f", str(bad), code=2)
    assert f"{bad}:59:11: spec.versions[0].objectives[0].target: 1.2 is not a ratio in [0, 1)" in failed.stderr
    assert "1 problem(s) found; nothing was written" in failed.stderr
    assert cli("get", "all").stdout.strip() == "nothing found"


def test_validate_reports_in_arabic(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(catalogue_text(calendar="ofice"), encoding="utf-8")
    failed = cli("--lang", "ar", "validate", str(bad), code=2)
    assert "Calendar 'ofice' غير موجود؛ هل تقصد 'office'؟" in failed.stderr
    good = tmp_path / "good.yaml"
    good.write_text(catalogue_text(), encoding="utf-8")
    assert "6 object(s) valid" in cli("validate", str(good)).stdout


def test_not_found_and_conflict_exit_codes(cli: Cli) -> None:
    cli("apply", "-f", str(EXAMPLES))
    assert "Service 'nope' does not exist" in cli("get", "service", "nope", code=4).stderr
    assert "still used by" in cli("delete", "service", "wiki", code=5).stderr
    cli("delete", "agreement", "wiki-expectation")
    cli("delete", "indicator", "wiki-availability")
    assert "Service/wiki deleted" in cli("delete", "service", "wiki").stdout


def test_unknown_kind_suggests(cli: Cli) -> None:
    assert "did you mean 'Service'" in cli("get", "servce", code=2).stderr


def test_schema_is_json_schema(cli: Cli) -> None:
    schema = json.loads(cli("schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "AgreementDocument" in json.dumps(schema)


def test_db_check_after_upgrade(cli: Cli) -> None:
    assert "revision" in cli("db", "upgrade").stdout
    assert "matches the models" in cli("db", "check").stdout


def test_import_openslo_and_sloth_then_export_openslo(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import SHARED, require

    corpus = SHARED / "corpus"
    require(corpus.is_dir(), f"{corpus} is missing")
    cli("apply", "-f", str(EXAMPLES))
    sloth = corpus / "sloth" / "examples" / "getting-started.yml"
    first = cli("import", "sloth", str(sloth)).stdout
    assert "created" in first
    assert "0 created, 0 changed" in cli("import", "sloth", str(sloth)).stdout
    openslo = corpus / "openslo" / "examples" / "budgeting-method" / "ratio-timeslices.yaml"
    imported = cli("import", "openslo", str(openslo))
    assert "Agreement/web-shop created" in imported.stdout
    exported = cli("export", "--format", "openslo").stdout
    assert "apiVersion: openslo/v1" in exported and "name: main-page" in exported


def test_import_never_replaces_an_existing_service(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import SHARED, require

    spec = tmp_path / "sloth.yml"
    spec.write_text(
        "version: prometheus/v1\nservice: eportal\nslos:\n  - name: requests\n    objective: 99.9\n"
        "    sli:\n      events:\n        error_query: sum(rate(errors[{{.window}}]))\n"
        "        total_query: sum(rate(total[{{.window}}]))\n    alerting:\n      page_alert: {disable: true}\n"
        "      ticket_alert: {disable: true}\n",
        encoding="utf-8",
    )
    require(SHARED.is_dir(), f"{SHARED} is missing")
    cli("apply", "-f", str(EXAMPLES))
    out = cli("import", "sloth", str(spec)).stdout
    assert "Service/eportal unchanged" in out
    shown = json.loads(cli("get", "service", "eportal", "-o", "json").stdout)
    assert shown["spec"]["tier"] == 1 and shown["metadata"]["displayName"]["ar"]
