"""Claims on suppliers in every store (in-memory fake, SQLite, PostgreSQL): kept exactly (the
amount to the cent, the deadline as an instant and a day), one per agreement, period, basis and
clause, seen by their own transaction before commit, gone on rollback, filtered by status,
period, agreement and supplier; a claim changed by someone else meanwhile is never overwritten."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from slmo.core.model.claims import Claim, ClaimStatus
from slmo.core.model.ledger import CreditBasis
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
RIYADH = dt.timezone(dt.timedelta(hours=3))
CREATED = dt.datetime(2026, 9, 2, 12, 0, tzinfo=RIYADH)


def _claim(period: str = "2026-08", agreement: str = "github-uc", supplier: str = "github") -> Claim:
    return Claim(
        agreement=agreement,
        supplier=supplier,
        period=period,
        basis=CreditBasis.SCHEDULE,
        clause="",
        amount=Decimal("5250.00"),
        currency="USD",
        deadline=dt.datetime(2026, 10, 1, 3, 0, tzinfo=RIYADH),
        file_by=dt.date(2026, 9, 30),
        created_at=CREATED,
    )


def test_claims_are_kept_exactly_and_listed_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        august = uow.claims.add(_claim())
        july = uow.claims.add(_claim("2026-07"))
        cloud = uow.claims.add(_claim(agreement="nimbus-uc", supplier="nimbus-cloud"))
        assert len(uow.claims.list()) == 3
        uow.commit()
    assert august.id is not None and august.revision == 1
    with uow_factory() as uow:
        found = uow.claims.get(august.id)
        assert found == august
        assert found is not None and found.amount == Decimal("5250.00")
        assert found.deadline == dt.datetime(2026, 10, 1, tzinfo=dt.UTC) and found.file_by == dt.date(2026, 9, 30)
        assert found.created_at == CREATED and found.created_at.tzinfo is not None
        assert [c.id for c in uow.claims.list()] == [july.id, august.id, cloud.id]
        assert [c.id for c in uow.claims.list(periods={"2026-08"})] == [august.id, cloud.id]
        assert [c.id for c in uow.claims.list(supplier="nimbus-cloud")] == [cloud.id]
        assert [c.id for c in uow.claims.list(agreement="github-uc", periods={"2026-07"})] == [july.id]
        assert uow.claims.list(statuses={ClaimStatus.PAID}) == []
        assert uow.claims.get(99_999) is None


def test_steps_are_stored_and_a_stale_change_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        stored = uow.claims.add(_claim())
        uow.commit()
    filed_at = dt.datetime(2026, 9, 3, 8, 30, tzinfo=dt.UTC)
    with uow_factory() as uow:
        filed = uow.claims.replace(
            dataclasses.replace(
                stored, status=ClaimStatus.FILED, reference="GH-CASE-4411", filed_at=filed_at, filed_by="rana"
            )
        )
        assert filed.revision == 2
        uow.commit()
    with uow_factory() as uow:
        found = uow.claims.get(filed.id or 0)
        assert found == filed
        assert [c.id for c in uow.claims.list(statuses={ClaimStatus.FILED, ClaimStatus.DUE})] == [filed.id]
    # A change based on the claim as it was before the filing is refused.
    with uow_factory() as uow, pytest.raises(ConflictError):
        uow.claims.replace(dataclasses.replace(stored, status=ClaimStatus.EXPIRED))
        uow.commit()
    with uow_factory() as uow:
        assert uow.claims.get(filed.id or 0) == filed


def test_one_claim_per_line_and_rollback_keeps_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.claims.add(_claim())
        uow.commit()
    with uow_factory() as uow, pytest.raises(ConflictError):
        uow.claims.add(_claim())
        uow.commit()
    with uow_factory() as uow:
        uow.claims.add(_claim("2026-06"))
        uow.rollback()
    with uow_factory() as uow:
        (only,) = uow.claims.list()
        assert only.id is not None
        uow.claims.delete(only.id)
        uow.claims.delete(only.id)
        assert uow.claims.list() == []
        uow.commit()
    with uow_factory() as uow:
        assert uow.claims.list() == []
