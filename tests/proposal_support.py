"""Proposals for change in tests: a year of the example portal's requests (one bucket a day at
noon, Riyadh time, of 10,000 requests, from 1 November 2025 to 31 October 2026); and for the API's
walls (``tests/unit/test_api_wall_matrix.py``) a draft proposal on the side's negotiable agreement
(``portal-terms``, ``payments-terms``: a provider and a customer each), made on demand, one per
tag, so that every request has a fresh one to read, accept or reject."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping

from slmo.bootstrap import Slmo
from slmo.core.model.agreement import Agreement
from slmo.core.model.proposal import Change, Effect, Figure, FigureUnit, Proposal, ProposalKind, Source, TargetChange
from slmo.services.ingest import MeasurementKind
from tests.negotiation_support import ADMIN

MISSING_ID = 999_999
FIRST = dt.date(2025, 11, 1)
DAYS = 365  # 1 November 2025 to 31 October 2026


def portal_requests(slmo: Slmo, bad: Callable[[dt.date], int]) -> None:
    """10,000 of the portal's requests a day, ``bad(day)`` of them failed."""
    days = [FIRST + dt.timedelta(days=i) for i in range(DAYS)]
    rows = "".join(f"{d.isoformat()}T12:00:00+03:00,{10_000 - bad(d)},10000\n" for d in days)
    stream = io.BytesIO(("timestamp,good,total\n" + rows).encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, "eportal-requests", stream, "requests.csv", ADMIN)


def proposal_of(slmo: Slmo, names: Mapping[str, str], tag: str = "matrix") -> int:
    """The id of a draft proposal for 2099 raising the side's ``success`` objective from 99 % to
    99.5 % (made once per tag); an id no proposal has for an agreement that does not exist."""
    agreement = names["terms"]
    if agreement not in {a.name for a in slmo.catalogue.get("Agreement") if isinstance(a, Agreement)}:
        return MISSING_ID
    with slmo.proposals._uow() as uow:
        held = [p for p in uow.proposals.list(agreements={agreement}) if p.objective == f"success-{tag}"]
        if held and held[0].id is not None:
            return held[0].id
        made = uow.proposals.add(
            Proposal(
                period="2099",
                kind=ProposalKind.RAISE_TARGET,
                agreement=agreement,
                objective=f"success-{tag}",
                version=1,
                evidence_span="2098-01..2098-12",
                change=Change(target=TargetChange(objective="success", before=0.99, after=0.995)),
                evidence=(Figure(name="periods_measured", value=12, unit=FigureUnit.COUNT, source=Source.EVIDENCE),),
                effect=Effect(breaches_before=0.0, breaches_after=0.0, basis="history"),
                drafted_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                drafted_by="matrix",
            )
        )
        uow.commit()
    assert made.id is not None
    return made.id
