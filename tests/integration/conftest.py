"""Fixtures for the two databases slmo runs on, and for the store over each.

- ``db_url``: an empty database, once on SQLite (a file in the test's tmp folder) and once
  on PostgreSQL (a schema of its own in the server at ``SLMO_TEST_POSTGRES_URL``, dropped
  afterwards), so tests never see each other's tables and may run in parallel.
- ``engine``: an engine on ``db_url`` with the schema upgraded to head; ``postgres_engine``
  the same on PostgreSQL alone.
- ``uow_factory``: units of work over the in-memory fakes, SQLite and PostgreSQL, for the
  behaviour every store must share.
- ``catalogue_objects``: a realistic catalogue with objects of every kind.

PostgreSQL that cannot be reached skips its tests on a developer's machine; in CI
(``CI=true``) it fails them, so a broken service never passes as green.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from slmo.core.model import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementVersion,
    AlertCondition,
    AlertPolicy,
    AvailabilitySpec,
    BudgetingMethod,
    Calendar,
    CatalogueObject,
    Charge,
    Contact,
    CountryHolidays,
    CreditSchedule,
    CreditTier,
    DataSource,
    Exclusion,
    HolidayDates,
    Indicator,
    IndicatorKind,
    LocalizedText,
    MaintenancePolicy,
    MetricQuery,
    NotificationTarget,
    Objective,
    Operator,
    Party,
    PartyRole,
    PartyType,
    RatioSpec,
    ReviewCadence,
    Service,
    ThresholdSpec,
    TicketClock,
    TicketSpec,
    TimeRange,
    TimeSlice,
    VersionState,
    Weekday,
    Window,
    WindowUnit,
)
from slmo.core.model.procedure import Procedure, ProcedureKind
from slmo.core.ports import UnitOfWork
from slmo.store.engine import make_engine, sqlite_url_for, upgrade
from slmo.store.memory import MemoryStore
from slmo.store.unit_of_work import unit_of_work_factory

POSTGRES_URL_VARIABLE = "SLMO_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")
SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ALL_BACKENDS = ["memory", *SQL_BACKENDS]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL must be there)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def _postgres_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    base = make_url(os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL))
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OperationalError as exc:
            where = base.render_as_string(hide_password=True)
            _unavailable(f"PostgreSQL at {where} cannot be reached: {str(exc.orig).strip()}")
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                # A connection left open by a failed test must not hang the suite.
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``."""
    if backend == "sqlite":
        yield sqlite_url_for(tmp_path / "db" / "slmo.sqlite")
    elif backend == "postgres":
        with _postgres_schema() as url:
            yield url
    else:  # pragma: no cover - a typo in a parametrisation
        raise ValueError(backend)


@pytest.fixture(params=SQL_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on ``db_url``, schema at head."""
    made = make_engine(db_url)
    try:
        upgrade(made)
        yield made
    finally:
        made.dispose()


@pytest.fixture
def postgres_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on PostgreSQL alone, schema at head, for what only a server does (locks)."""
    with database("postgres", tmp_path) as url:
        made = make_engine(url)
        try:
            upgrade(made)
            yield made
        finally:
            made.dispose()


@pytest.fixture(params=ALL_BACKENDS)
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    """Units of work on one fresh store; every call gives a new one on the same data."""
    if request.param == "memory":
        yield MemoryStore().unit_of_work
        return
    with database(request.param, tmp_path) as url:
        made = make_engine(url)
        try:
            upgrade(made)
            yield unit_of_work_factory(made)
        finally:
            made.dispose()


# A realistic catalogue with every kind of object, for round trips through any store.


def _text(en: str, ar: str | None = None) -> LocalizedText:
    return LocalizedText(en=en, ar=ar)


def _hours(start: str, end: str) -> TimeRange:
    def minutes(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)

    return TimeRange(start=minutes(start), end=minutes(end))


def _riyadh_calendar() -> Calendar:
    working_day = (_hours("08:00", "17:00"), _hours("22:00", "02:00"))
    return Calendar(
        name="riyadh-business",
        display_name=_text("Riyadh business hours", "ساعات العمل في الرياض"),
        time_zone="Asia/Riyadh",
        hours=tuple((day, working_day) for day in (Weekday.SUN, Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU)),
        holiday_countries=(CountryHolidays(country="SA"),),
        holiday_dates=(
            HolidayDates(start=dt.date(2026, 9, 23), end=dt.date(2026, 9, 23), name="National Day"),
            HolidayDates(
                start=dt.date(2026, 3, 19), end=dt.date(2026, 3, 22), name="Eid", hours=(_hours("10:00", "14:00"),)
            ),
        ),
        exclusions=(
            Exclusion(
                reason="core switch replacement",
                start=dt.datetime(2026, 5, 2, 1, 0, tzinfo=RIYADH),
                end=dt.datetime(2026, 5, 2, 4, 30, tzinfo=RIYADH),
            ),
            Exclusion(reason="weekly patching", rrule="FREQ=WEEKLY;BYDAY=FR;BYHOUR=2", duration_seconds=7200),
        ),
        description=_text("Sunday to Thursday, with a night shift"),
    )


def _payments_agreement() -> Agreement:
    availability = Objective(
        name="availability",
        display_name=_text("Availability", "التوفر"),
        indicator="payments-success",
        target=0.999,
        window=Window(length=30, unit=WindowUnit.DAY, rolling=True),
        alert_policies=("fast-burn",),
        labels={"clause": "4.1"},
    )
    latency = Objective(
        name="latency",
        display_name=_text("Fast answers"),
        indicator="payments-latency",
        target=0.95,
        window=Window(
            length=1,
            unit=WindowUnit.QUARTER,
            rolling=False,
            start=dt.datetime(2026, 1, 1, tzinfo=RIYADH),
            time_zone="Asia/Riyadh",
        ),
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=60, target=0.99),
        operator=Operator.LT,
        value=300.0,
        calendar="riyadh-business",
        maintenance=MaintenancePolicy.GOOD,
    )
    p1 = Objective(
        name="p1-response",
        display_name=_text("P1 answered in 15 business minutes"),
        indicator="p1-response",
        target=0.95,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False),
        calendar="riyadh-business",
    )
    credits = CreditSchedule(
        tiers=(CreditTier(below=0.999, credit=0.05), CreditTier(below=0.99, credit=0.15)),
        cap=0.3,
    )
    return Agreement(
        name="payments-sla",
        display_name=_text("Payments SLA", "اتفاقية مستوى خدمة المدفوعات"),
        kind=AgreementKind.SLA,
        parties=(
            AgreementParty(party="platform-team", role=PartyRole.PROVIDER),
            AgreementParty(party="acme", role=PartyRole.CUSTOMER, signatory="Nora Al-Harbi"),
        ),
        services=("payments",),
        versions=(
            AgreementVersion(
                number=1,
                state=VersionState.SUPERSEDED,
                effective_from=dt.date(2025, 1, 1),
                effective_to=dt.date(2026, 1, 1),
                objectives=(availability,),
                credit_schedule=credits,
            ),
            AgreementVersion(
                number=2,
                state=VersionState.ACTIVE,
                effective_from=dt.date(2026, 1, 1),
                calendar="riyadh-business",
                objectives=(availability, latency, p1),
                credit_schedule=credits,
                charge=Charge(amount=12500.0, currency="SAR"),
                review=ReviewCadence(months=6),
                notes="Latency objective added after the 2025 review.",
            ),
        ),
        labels={"region": "me-central", "contract": {"id": 4711, "renewal": ["2027-01-01"]}},
        annotations={"owner": "service-desk"},
    )


@pytest.fixture
def catalogue_objects() -> list[CatalogueObject]:
    """One or more objects of every kind, as a real catalogue would have them."""
    return [
        Party(
            name="acme",
            display_name=_text("Acme Bank", "بنك أكمي"),
            type=PartyType.CUSTOMER,
            contacts=(
                Contact(name="Nora Al-Harbi", role="service manager", email="nora@acme.example", lang="ar"),
                Contact(name="NOC", channels=("mailto://noc@acme.example", "slack://token/channel")),
            ),
            labels={"segment": "enterprise"},
        ),
        Party(name="platform-team", display_name=_text("Platform team"), type=PartyType.INTERNAL),
        Party(name="telco", display_name=_text("Telco"), type=PartyType.SUPPLIER, description=_text("Uplinks")),
        _riyadh_calendar(),
        Calendar(name="always", display_name=_text("24x7"), time_zone="UTC"),
        Service(
            name="payments",
            display_name=_text("Payments", "المدفوعات"),
            owner="platform-team",
            tier=1,
            depends_on_services=("identity",),
            depends_on_suppliers=("telco",),
            labels={"pci": True},
            annotations={"runbook": "https://wiki.example/payments"},
        ),
        Service(name="identity", display_name=_text("Identity"), owner="platform-team", tier=2),
        DataSource(
            name="prometheus",
            display_name=_text("Prometheus"),
            type="Prometheus",
            connection={"url": "http://prometheus:9090", "headers": {"X-Scope-OrgID": "payments"}},
        ),
        Indicator(
            name="payments-success",
            display_name=_text("Successful payments"),
            service="payments",
            kind=IndicatorKind.RATIO,
            ratio=RatioSpec(
                good=MetricQuery(
                    type="Prometheus", source="prometheus", spec={"query": 'sum(rate(pay_total{code!~"5.."}[1m]))'}
                ),
                total=MetricQuery(type="Prometheus", source="prometheus", spec={"query": "sum(rate(pay_total[1m]))"}),
                counter=False,
            ),
        ),
        Indicator(
            name="payments-latency",
            display_name=_text("p95 latency"),
            service="payments",
            kind=IndicatorKind.THRESHOLD,
            threshold=ThresholdSpec(operator=Operator.LT, value=300.0, unit="ms"),
            bucket_seconds=300,
        ),
        Indicator(
            name="p1-response",
            display_name=_text("P1 response"),
            service="payments",
            kind=IndicatorKind.TICKET,
            ticket=TicketSpec(clock=TicketClock.RESPONSE, priorities=("P1",)),
        ),
        Indicator(
            name="payments-up",
            display_name=_text("Payments up"),
            service="payments",
            kind=IndicatorKind.AVAILABILITY,
            availability=AvailabilitySpec(probes=True, incidents=True, degraded_is_down=True),
        ),
        AlertCondition(
            name="fast-burn",
            severity="page",
            operator=Operator.GTE,
            threshold=14.4,
            lookback_seconds=3600,
            alert_after_seconds=300,
        ),
        NotificationTarget(name="on-call", target="slack://token/on-call", display_name=_text("On call")),
        AlertPolicy(
            name="fast-burn",
            conditions=("fast-burn",),
            notification_targets=("on-call",),
            alert_when_no_data=True,
        ),
        _payments_agreement(),
        Procedure(
            name="payments-runbook",
            display_name=_text("Payments runbook", "دليل تشغيل المدفوعات"),
            kind=ProcedureKind.RUNBOOK,
            owner="platform-team",
            review=ReviewCadence(months=6),
            services=("payments", "identity"),
            next_review=dt.date(2027, 3, 1),
            location="https://wiki.example/runbooks/payments",
        ),
    ]
