"""A service with eight weeks of hourly events and of tickets, the last two weeks busier (1.6
times the events, 1.5 times the tickets): what the demand tests forecast from."""

from __future__ import annotations

import datetime as dt

import numpy as np

from slmo.bootstrap import Slmo
from slmo.core.model.measurement import BucketBatch
from slmo.core.model.ticket import Ticket

AT = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 9, 7, tzinfo=dt.UTC)  # eight whole weeks before 2 November
WEEKS = 8


def hourly_events(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Epoch starts and counts per hour: a day shape, quiet weekends (the 6th and 7th day of
    each week from START), 1.6 times busier from the seventh week."""
    rng = np.random.default_rng(seed)
    t = np.arange(WEEKS * 7 * 24)
    day, hour = t // 24, t % 24
    level = np.where(day >= 42, 1.6, 1.0)
    rate = 40 * level * np.where(day % 7 >= 5, 0.3, 1.0) * (0.3 + np.sin(np.pi * hour / 24) ** 2)
    return int(START.timestamp()) + t * 3600, rng.poisson(rate)


def daily_tickets(seed: int = 11) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(rng.poisson(20 * (1.5 if d >= 42 else 1) * (0.3 if d % 7 >= 5 else 1))) for d in range(WEEKS * 7)]


def tickets_of(service: str, per_day: list[int]) -> list[Ticket]:
    return [
        Ticket(
            id=f"{service}-{d}-{k}",
            service=service,
            priority="P1",
            opened=START + dt.timedelta(days=d, hours=9 + k % 8),
        )
        for d, n in enumerate(per_day)
        for k in range(n)
    ]


def seed_demand(slmo: Slmo, indicator: str = "portal-requests", service: str = "portal") -> None:
    starts, counts = hourly_events()
    with slmo.demand._uow() as uow:
        uow.measurements.write_buckets(
            BucketBatch(
                indicator=indicator,
                source="test",
                bucket_seconds=3600,
                starts=starts.astype(np.int64),
                good=counts.astype(np.int64),
                total=counts.astype(np.int64),
            )
        )
        uow.tickets.put(tickets_of(service, daily_tickets()))
        uow.commit()
