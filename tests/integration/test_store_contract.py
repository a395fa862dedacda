"""What every store does, run on the in-memory fakes, SQLite and PostgreSQL alike.

The fakes stand in for the database in the use cases' unit tests; these tests are what
makes that honest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from slmo.core.model import (
    KIND_ORDER,
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
    kind_of,
)
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")


def text(en: str, ar: str | None = None) -> LocalizedText:
    return LocalizedText(en=en, ar=ar)


def hours(start: str, end: str) -> TimeRange:
    def minutes(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)

    return TimeRange(start=minutes(start), end=minutes(end))


def riyadh_calendar() -> Calendar:
    working_day = (hours("08:00", "17:00"), hours("22:00", "02:00"))
    return Calendar(
        name="riyadh-business",
        display_name=text("Riyadh business hours", "ساعات العمل في الرياض"),
        time_zone="Asia/Riyadh",
        hours=tuple((day, working_day) for day in (Weekday.SUN, Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU)),
        holiday_countries=(CountryHolidays(country="SA"),),
        holiday_dates=(
            HolidayDates(start=dt.date(2026, 9, 23), end=dt.date(2026, 9, 23), name="National Day"),
            HolidayDates(
                start=dt.date(2026, 3, 19), end=dt.date(2026, 3, 22), name="Eid", hours=(hours("10:00", "14:00"),)
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
        description=text("Sunday to Thursday, with a night shift"),
    )


def payments_agreement() -> Agreement:
    availability = Objective(
        name="availability",
        display_name=text("Availability", "التوفر"),
        indicator="payments-success",
        target=0.999,
        window=Window(length=30, unit=WindowUnit.DAY, rolling=True),
        alert_policies=("fast-burn",),
        labels={"clause": "4.1"},
    )
    latency = Objective(
        name="latency",
        display_name=text("Fast answers"),
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
        display_name=text("P1 answered in 15 business minutes"),
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
        display_name=text("Payments SLA", "اتفاقية مستوى خدمة المدفوعات"),
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


def catalogue_objects() -> list[CatalogueObject]:
    """One or more objects of every kind, as a real catalogue would have them."""
    return [
        Party(
            name="acme",
            display_name=text("Acme Bank", "بنك أكمي"),
            type=PartyType.CUSTOMER,
            contacts=(
                Contact(name="Nora Al-Harbi", role="service manager", email="nora@acme.example", lang="ar"),
                Contact(name="NOC", channels=("mailto://noc@acme.example", "slack://token/channel")),
            ),
            labels={"segment": "enterprise"},
        ),
        Party(name="platform-team", display_name=text("Platform team"), type=PartyType.INTERNAL),
        Party(name="telco", display_name=text("Telco"), type=PartyType.SUPPLIER, description=text("Uplinks")),
        riyadh_calendar(),
        Calendar(name="always", display_name=text("24x7"), time_zone="UTC"),
        Service(
            name="payments",
            display_name=text("Payments", "المدفوعات"),
            owner="platform-team",
            tier=1,
            depends_on_services=("identity",),
            depends_on_suppliers=("telco",),
            labels={"pci": True},
            annotations={"runbook": "https://wiki.example/payments"},
        ),
        Service(name="identity", display_name=text("Identity"), owner="platform-team", tier=2),
        DataSource(
            name="prometheus",
            display_name=text("Prometheus"),
            type="Prometheus",
            connection={"url": "http://prometheus:9090", "headers": {"X-Scope-OrgID": "payments"}},
        ),
        Indicator(
            name="payments-success",
            display_name=text("Successful payments"),
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
            display_name=text("p95 latency"),
            service="payments",
            kind=IndicatorKind.THRESHOLD,
            threshold=ThresholdSpec(operator=Operator.LT, value=300.0, unit="ms"),
            bucket_seconds=300,
        ),
        Indicator(
            name="p1-response",
            display_name=text("P1 response"),
            service="payments",
            kind=IndicatorKind.TICKET,
            ticket=TicketSpec(clock=TicketClock.RESPONSE, priorities=("P1",)),
        ),
        Indicator(
            name="payments-up",
            display_name=text("Payments up"),
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
        NotificationTarget(name="on-call", target="slack://token/on-call", display_name=text("On call")),
        AlertPolicy(
            name="fast-burn",
            conditions=("fast-burn",),
            notification_targets=("on-call",),
            alert_when_no_data=True,
        ),
        payments_agreement(),
    ]


def in_order(objects: list[CatalogueObject]) -> list[CatalogueObject]:
    return sorted(objects, key=lambda o: (KIND_ORDER.index(kind_of(o)), o.name))


def entry(at: dt.datetime, name: str = "acme", action: AuditAction = AuditAction.CHANGE) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor="nora",
        interface="cli",
        action=action,
        kind="Party",
        name=name,
        before=None if action == AuditAction.CREATE else {"name": name, "type": "customer"},
        after=None if action == AuditAction.DELETE else {"name": name, "type": "supplier", "tags": ["a", "b"]},
    )


def test_every_kind_round_trips(uow_factory: UowFactory) -> None:
    objects = catalogue_objects()
    assert {kind_of(o) for o in objects} == set(KIND_ORDER)
    with uow_factory() as uow:
        for obj in reversed(objects):
            uow.catalogue.put(obj)
        uow.commit()

    with uow_factory() as uow:
        for obj in objects:
            got = uow.catalogue.get(kind_of(obj), obj.name)
            assert got == obj
            assert got is not obj
        assert uow.catalogue.list() == in_order(objects)
        for kind in KIND_ORDER:
            assert uow.catalogue.list(kind) == in_order([o for o in objects if kind_of(o) == kind])

    with uow_factory() as uow:
        for obj in objects:
            uow.catalogue.delete(kind_of(obj), obj.name)
        uow.commit()
    with uow_factory() as uow:
        assert uow.catalogue.list() == []
        assert uow.catalogue.get("Agreement", "payments-sla") is None


def test_list_is_in_kind_order_then_name_by_code_point(uow_factory: UowFactory) -> None:
    names = ["b", "B", "a-2", "a", "ä"]
    with uow_factory() as uow:
        for name in names:
            uow.catalogue.put(Service(name=name, display_name=text(name)))
            uow.catalogue.put(Party(name=name, display_name=text(name), type=PartyType.INTERNAL))
        uow.commit()
        listed = [(kind_of(o), o.name) for o in uow.catalogue.list()]
    expected = sorted(names)  # "B" < "a" < "a-2" < "b" < "ä", whatever the database's collation
    assert listed == [("Party", n) for n in expected] + [("Service", n) for n in expected]


def test_put_replaces_and_unknown_names_are_absent(uow_factory: UowFactory) -> None:
    first = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    second = Party(name="acme", display_name=text("Acme Bank"), type=PartyType.CUSTOMER, labels={"x": 1})
    with uow_factory() as uow:
        uow.catalogue.put(first)
        uow.catalogue.put(second)
        assert uow.catalogue.get("Party", "acme") == second
        uow.commit()
    with uow_factory() as uow:
        assert uow.catalogue.list() == [second]
        assert uow.catalogue.get("Service", "acme") is None
        assert uow.catalogue.get("NoSuchKind", "acme") is None
        assert uow.catalogue.list("NoSuchKind") == []
        uow.catalogue.delete("Party", "nobody")  # absent: nothing happens
        with pytest.raises(TypeError):
            uow.catalogue.put("acme")  # type: ignore[arg-type]


def test_revision_grows_with_every_change(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER, labels={"v": label})

    with uow_factory() as uow:
        assert uow.catalogue.revision("Party", "acme") is None
        uow.catalogue.put(party("1"))
        assert uow.catalogue.revision("Party", "acme") == 1
        uow.catalogue.put(party("1"))  # unchanged: not a change
        assert uow.catalogue.revision("Party", "acme") == 1
        uow.catalogue.put(party("2"))
        assert uow.catalogue.revision("Party", "acme") == 2
        uow.commit()
    with uow_factory() as uow:
        uow.catalogue.put(party("3"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 3
    with uow_factory() as uow:
        uow.catalogue.put(party("4"))
        # not committed
    with uow_factory() as uow:
        assert uow.catalogue.revision("Party", "acme") == 3
        uow.catalogue.delete("Party", "acme")
        assert uow.catalogue.revision("Party", "acme") is None
        uow.commit()


def test_audit_entries_round_trip_with_aware_utc_instants(uow_factory: UowFactory) -> None:
    start = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=RIYADH)
    entries = [
        entry(start, action=AuditAction.CREATE),
        entry(start + dt.timedelta(minutes=1)),
        entry(start + dt.timedelta(minutes=2), name="telco"),
        entry(start + dt.timedelta(minutes=3), action=AuditAction.DELETE),
    ]
    with uow_factory() as uow:
        for e in entries:
            uow.audit.record(e)
        uow.commit()

    with uow_factory() as uow:
        got = uow.audit.list()
        assert [g.id for g in got] == sorted({g.id for g in got if g.id is not None})
        assert len(got) == len(entries)
        for original, stored in zip(entries, got, strict=True):
            assert stored.at == original.at
            assert stored.at.utcoffset() == dt.timedelta(0)
            assert stored == AuditEntry(**{**vars(original), "at": stored.at, "id": stored.id})
        assert got[0].before is None
        assert got[-1].after is None
        assert [g.at for g in uow.audit.list(kind="Party", name="acme")] == [e.at for e in entries if e.name == "acme"]
        assert uow.audit.list(kind="Service") == []
        assert [g.at for g in uow.audit.list(limit=2)] == [e.at for e in entries[-2:]]
        assert uow.audit.list(limit=0) == []
        with pytest.raises(ValueError, match="negative"):
            uow.audit.list(limit=-1)


def test_audit_is_ordered_by_instant_not_by_recording(uow_factory: UowFactory) -> None:
    late = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    early = dt.datetime(2026, 3, 1, 14, 0, tzinfo=RIYADH)  # 11:00 UTC
    with uow_factory() as uow:
        uow.audit.record(entry(late, name="late"))
        uow.audit.record(entry(early, name="early"))
        uow.commit()
        assert [e.name for e in uow.audit.list()] == ["early", "late"]


def test_audit_refuses_a_naive_instant(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="naive"):
        uow.audit.record(entry(dt.datetime(2026, 3, 1, 9, 30)))


def test_work_not_committed_leaves_nothing(uow_factory: UowFactory) -> None:
    acme = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as uow:
        uow.catalogue.put(acme)
        uow.audit.record(entry(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), action=AuditAction.CREATE))
        assert uow.catalogue.get("Party", "acme") == acme
        assert len(uow.audit.list()) == 1
    with uow_factory() as uow:
        assert uow.catalogue.list() == []
        assert uow.audit.list() == []


def test_an_exception_inside_the_block_rolls_back_everything(uow_factory: UowFactory) -> None:
    before = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as uow:
        uow.catalogue.put(before)
        uow.commit()

    class BoomError(Exception):
        pass

    with pytest.raises(BoomError), uow_factory() as uow:
        uow.catalogue.put(Party(name="acme", display_name=text("Changed"), type=PartyType.CUSTOMER))
        uow.catalogue.put(Service(name="payments", display_name=text("Payments")))
        uow.catalogue.delete("Party", "acme")
        uow.audit.record(entry(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
        raise BoomError

    with uow_factory() as uow:
        assert uow.catalogue.list() == [before]
        assert uow.catalogue.revision("Party", "acme") == 1
        assert uow.audit.list() == []


def test_rollback_discards_and_the_unit_of_work_goes_on(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.catalogue.put(Service(name="discarded", display_name=text("x")))
        uow.rollback()
        assert uow.catalogue.get("Service", "discarded") is None
        uow.catalogue.put(Service(name="kept", display_name=text("x")))
        uow.commit()
        uow.catalogue.put(Service(name="second-commit", display_name=text("x")))
        uow.commit()
    with uow_factory() as uow:
        assert [o.name for o in uow.catalogue.list()] == ["kept", "second-commit"]


def test_others_see_changes_only_once_committed(uow_factory: UowFactory) -> None:
    acme = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as writer:
        writer.catalogue.put(acme)
        with uow_factory() as reader:
            assert reader.catalogue.get("Party", "acme") is None
            assert reader.catalogue.revision("Party", "acme") is None
        writer.commit()
        with uow_factory() as reader:
            assert reader.catalogue.get("Party", "acme") == acme


def test_changing_what_someone_else_changed_meanwhile_is_a_conflict(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text(label), type=PartyType.CUSTOMER)

    with uow_factory() as uow:
        uow.catalogue.put(party("original"))
        uow.commit()

    with uow_factory() as slow:
        assert slow.catalogue.get("Party", "acme") == party("original")
        with uow_factory() as fast:
            fast.catalogue.put(party("fast"))
            fast.commit()
        # What was read stays as read until commit or rollback, as an identity map keeps it.
        assert slow.catalogue.get("Party", "acme") == party("original")
        with pytest.raises(ConflictError):
            slow.catalogue.put(party("slow"))

    with uow_factory() as slow:
        slow.catalogue.get("Party", "acme")
        with uow_factory() as fast:
            fast.catalogue.put(party("fast again"))
            fast.commit()
        with pytest.raises(ConflictError):
            slow.catalogue.delete("Party", "acme")

    with uow_factory() as uow:
        assert uow.catalogue.get("Party", "acme") == party("fast again")
        assert uow.catalogue.revision("Party", "acme") == 3


def test_after_commit_a_unit_of_work_reads_afresh(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text(label), type=PartyType.CUSTOMER)

    with uow_factory() as uow:
        uow.catalogue.put(party("one"))
        uow.commit()
        with uow_factory() as other:
            other.catalogue.put(party("two"))
            other.commit()
        assert uow.catalogue.get("Party", "acme") == party("two")
        uow.catalogue.put(party("three"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 3
