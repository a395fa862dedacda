"""`slmo report`: one agreement's period report, a customer's, and the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli


@pytest.fixture
def measured(cli: Cli, tmp_path: Path) -> Cli:
    """The example catalogue with three hours of portal requests and one outage in October 2026."""
    cli("apply", "-f", str(EXAMPLES))
    rows = "".join(
        f"2026-10-05T{h:02d}:{m:02d}:00+03:00,{990 if h == 10 else 1000},1000\n" for h in (9, 10, 11) for m in range(60)
    )
    (tmp_path / "requests.csv").write_text("timestamp,good,total\n" + rows, encoding="utf-8")
    cli("ingest", "events", "--indicator", "eportal-requests", str(tmp_path / "requests.csv"))
    (tmp_path / "incidents.csv").write_text(
        "id,service,start,end,impact\nINC-7,eportal,2026-10-09T00:30:00+03:00,2026-10-09T02:30:00+03:00,outage\n",
        encoding="utf-8",
    )
    cli("ingest", "incidents", str(tmp_path / "incidents.csv"))
    return cli


def test_one_agreement_as_pdf_and_html(measured: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = measured("report", "eportal-sla", "--period", "2026-10")
    assert "eportal-sla-2026-10-en.pdf written" in done.stdout
    pdf = (tmp_path / "eportal-sla-2026-10-en.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    out = tmp_path / "portal.html"
    measured("report", "eportal-sla", "--period", "2026-10", "--lang", "ar", "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "الملخص التنفيذي" in html and "INC-7" in html
    # 600 of 180,000 requests bad on the 5th (the rest of the month has none): 99.667 %.
    assert "٩٩٫٦٦٧٪" in html
    # The outage's last 90 minutes were in Friday's patching window: 30 minutes count.
    assert ">١٢٠٫٠</td>" in html and ">٩٠٫٠</td>" in html and ">٣٠٫٠</td>" in html


def test_html_to_standard_output(measured: Cli) -> None:
    done = measured("report", "network-ola", "--period", "2026-10", "--format", "html", "-o", "-")
    assert done.stdout.startswith("<!doctype html>") and "Network OLA" in done.stdout


def test_a_customers_agreements_in_a_real_process(measured: Cli, tmp_path: Path) -> None:
    out = tmp_path / "ministry.pdf"
    done = measured.process("report", "--customer", "ministry", "--period", "2026-10", "--lang", "ar", "-o", str(out))
    assert f"كُتب {out}" in done.stdout
    assert done.stderr == ""
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("report", "nope", "--period", "2026-10"), 4, "Agreement 'nope' does not exist"),
        (("report", "--customer", "nobody", "--period", "2026-10"), 4, "Party 'nobody' does not exist"),
        (
            ("report", "--customer", "nimbus-cloud", "--period", "2026-10"),
            4,
            "no agreement with customer 'nimbus-cloud' is in force in 2026-10",
        ),
        (("report", "eportal-sla", "--period", "2025-06"), 4, "has no version in force in 2025-06"),
        (("report", "eportal-sla", "--period", "2026-13"), 2, "'2026-13' is not a period"),
        (("report", "eportal-sla", "--period", "2999-01"), 2, "2999-01 has not begun"),
        (("report", "eportal-sla", "--customer", "ministry", "--period", "2026-10"), 2, "AGREEMENT or --customer"),
        (("report", "eportal-sla"), 2, "--period"),
        (("report", "eportal-sla", "--period", "2026-10", "--lang", "fr"), 2, "'fr' is not supported"),
    ],
)
def test_errors(measured: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    done = measured(*args, code=code)
    assert message in " ".join(done.stderr.split())
