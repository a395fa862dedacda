"""`slmo report --portfolio`: every agreement of the example catalogue on one line, as HTML and
PDF, in English and Arabic, after October 2026's periods were closed; and the errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli


@pytest.fixture
def closed(cli: Cli, tmp_path: Path) -> Cli:
    """The example catalogue with three hours of portal requests on 5 October 2026, 600 of
    180,000 of them failing (99.667 % against 99.9 %), and October closed."""
    cli("apply", "-f", str(EXAMPLES))
    rows = "".join(
        f"2026-10-05T{h:02d}:{m:02d}:00+03:00,{990 if h == 10 else 1000},1000\n" for h in (9, 10, 11) for m in range(60)
    )
    (tmp_path / "requests.csv").write_text("timestamp,good,total\n" + rows, encoding="utf-8")
    cli("ingest", "events", "--indicator", "eportal-requests", str(tmp_path / "requests.csv"))
    cli("periods", "close", "2026-10")
    return cli


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_portfolio_as_html_and_pdf(closed: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "portfolio.html"
    closed("report", "--portfolio", "--period", "2026-10", "--group", "customer", "--format", "html", "-o", str(out))
    page = _text(out.read_text(encoding="utf-8"))
    assert "Service delivery portfolio" in page and "Period: October 2026" in page
    assert "its trend over July 2026 – October 2026" in page
    # The portal SLA: success-rate, the only objective measured, breached in October; the
    # others had nothing measured (no closed period) and no standing now in a past month.
    assert re.search(
        r"E-services portal SLA eportal-sla · SLA Ministry of Municipal Services Nimbus Cloud 1 breached", page
    )
    assert "0 met, 0 at risk, 1 breached, 2 no data" in page
    assert "250,000.00 SAR we provide" in page
    # The ministry's group: the portal SLA and the report engine's expectation.
    assert (
        "Ministry of Municipal Services 2 agreements: 0 objectives met, 0 at risk, 1 breached, 3 without data." in page
    )
    assert "—: income" not in page
    monkeypatch.chdir(tmp_path)
    done = closed("report", "--portfolio", "--period", "2026-10", "--lang", "ar")
    assert "portfolio-2026-10-ar.pdf" in done.stdout
    assert (tmp_path / "portfolio-2026-10-ar.pdf").read_bytes().startswith(b"%PDF-")


def test_to_standard_output_in_arabic(closed: Cli) -> None:
    done = closed("report", "--portfolio", "--period", "2026-10", "--format", "html", "--lang", "ar", "-o", "-")
    assert done.stdout.startswith("<!doctype html>") and '<html lang="ar" dir="rtl">' in done.stdout
    assert "محفظة تقديم الخدمات" in done.stdout and "مُخالَف" in done.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("report", "--portfolio", "eportal-sla", "--period", "2026-10"), 2, "AGREEMENT or --customer"),
        (("report", "--portfolio"), 2, "--period"),
        (("report", "--portfolio", "--period", "2026-W40"), 2, "the portfolio is viewed per month, quarter or year"),
        (("report", "--portfolio", "--period", "2999-Q1"), 2, "2999-Q1 has not begun"),
        (("report", "--portfolio", "--period", "2026-10", "--group", "region"), 2, "'region' is not a grouping"),
        (("report", "--portfolio", "--period", "2026-10", "--order", "up"), 2, "'up' is not an order"),
    ],
)
def test_errors(closed: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    done = closed(*args, code=code)
    assert message in " ".join(done.stderr.split())
