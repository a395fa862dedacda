"""What services cost, per month: ``slmo costs import FILE``.

CSV with the header ``service,period,amount,currency`` (in any order; nothing else)::

    service,period,amount,currency
    eportal,2026-10,120000,SAR
    network,2026-10,30000.50,SAR

``period`` is a month (``2026-10``); ``amount`` a decimal number of at least 0, as written
(no thousands separators); ``currency`` an ISO 4217 code. A service and month given twice in one
file is a mistake, named with both lines. Every problem is named by line and column name, and
the whole file is read before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from slmo.core.model.ledger import ServiceCost
from slmo.errors import Location, Problem

COLUMNS = ("service", "period", "amount", "currency")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


@dataclass
class CostRows:
    """The costs of a file in order, the line of each, and the problems of the bad rows."""

    costs: list[ServiceCost] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def _problem(name: str, line: int | None, column: str, message: str, key: str, **args: object) -> Problem:
    return Problem(Location(name, line), column, message, key=f"costs.{key}", args={k: str(v) for k, v in args.items()})


class CsvCostReader:
    """The ``CostReader`` port over CSV files."""

    def read(self, source: BinaryIO, name: str) -> CostRows:
        found = CostRows()
        try:
            text = source.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            found.problems.append(_problem(name, None, "", "the file is not UTF-8 text", "not_utf8"))
            return found
        reader = csv.reader(io.StringIO(text))
        header: list[str] | None = None
        first_line: dict[tuple[str, str], int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            if header is None:
                header = [cell.lower() for cell in cells]
                unknown = [c for c in header if c not in COLUMNS]
                missing = [c for c in COLUMNS if c not in header]
                if unknown or missing or len(set(header)) != len(header):
                    found.problems.append(
                        _problem(
                            name,
                            line,
                            "",
                            f"the header must be {','.join(COLUMNS)}, not {','.join(cells)}",
                            "header",
                            expected=",".join(COLUMNS),
                            found=",".join(cells),
                        )
                    )
                    return found
                continue
            found.rows += 1
            if len(cells) != len(header):
                found.problems.append(
                    _problem(
                        name,
                        line,
                        "",
                        f"{len(cells)} fields, expected {len(header)}",
                        "fields",
                        count=len(cells),
                        expected=len(header),
                    )
                )
                continue
            values = dict(zip(header, cells, strict=True))
            cost = self._cost(values, name, line, found.problems)
            if cost is None:
                continue
            key = (cost.service, cost.period)
            if key in first_line:
                found.problems.append(
                    _problem(
                        name,
                        line,
                        "period",
                        f"{cost.service} {cost.period} is given twice; first on line {first_line[key]}",
                        "duplicate",
                        service=cost.service,
                        period=cost.period,
                        first=first_line[key],
                    )
                )
                continue
            first_line[key] = line
            found.costs.append(cost)
            found.lines.append(line)
        if header is None:
            found.problems.append(_problem(name, None, "", "the file is empty; expected a header and rows", "empty"))
        return found

    @staticmethod
    def _cost(values: dict[str, str], name: str, line: int, problems: list[Problem]) -> ServiceCost | None:
        before = len(problems)
        service, period, amount, currency = (values[c] for c in COLUMNS)
        if not service:
            problems.append(_problem(name, line, "service", "the service is missing", "missing", field="service"))
        if not _MONTH.match(period):
            problems.append(
                _problem(
                    name, line, "period", f"{period!r} is not a month such as 2026-10", "period", value=repr(period)
                )
            )
        value = None
        if _AMOUNT.match(amount):
            try:
                value = Decimal(amount)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                value = None
        if value is None:
            problems.append(
                _problem(
                    name,
                    line,
                    "amount",
                    f"{amount!r} is not an amount such as 120000 or 30000.50 (at least 0)",
                    "amount",
                    value=repr(amount),
                )
            )
        if not _CURRENCY.match(currency):
            problems.append(
                _problem(
                    name,
                    line,
                    "currency",
                    f"{currency!r} is not a currency code such as SAR",
                    "currency",
                    value=repr(currency),
                )
            )
        if len(problems) > before or value is None:
            return None
        return ServiceCost(service=service, period=period, amount=value, currency=currency)
