"""Claims, impact and the suppliers' view as plain documents: the keys of ``slmo claims --json``,
``slmo impact --json`` and the API's ``/claims`` and ``/impact`` alike. Amounts are decimal
text (``"5250.00"``), never floating point; instants are ISO 8601 text; times are seconds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from slmo.core.model.claims import Claim
from slmo.core.model.impact import Cause, LinkStanding, ObjectiveImpact, Upstream, WeakestLink
from slmo.core.model.ledger import CreditEntry
from slmo.services.claims import ClaimStanding
from slmo.services.impact import ServiceImpact
from slmo.services.suppliers import SupplierStanding


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def claim_document(claim: Claim, standing: ClaimStanding | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": claim.id,
        "agreement": claim.agreement,
        "supplier": claim.supplier,
        "period": claim.period,
        "basis": claim.basis.value,
        "clause": claim.clause,
        "amount": str(claim.amount),
        "currency": claim.currency,
        "status": claim.status.value,
        "deadline": _iso(claim.deadline),
        "file_by": _iso(claim.file_by),
        "reference": claim.reference,
        "reason": claim.reason,
        "created_at": _iso(claim.created_at),
        "filed_at": _iso(claim.filed_at),
        "filed_by": claim.filed_by,
        "accepted_at": _iso(claim.accepted_at),
        "accepted_by": claim.accepted_by,
        "paid_at": _iso(claim.paid_at),
        "paid_by": claim.paid_by,
        "closed_at": _iso(claim.closed_at),
        "closed_by": claim.closed_by,
        "revision": claim.revision,
    }
    if standing is not None:
        found["urgency"] = standing.urgency.value
        found["days_left"] = standing.days_left
    return found


def standing_document(standing: ClaimStanding) -> dict[str, Any]:
    return claim_document(standing.claim, standing)


def link_document(link: Upstream) -> dict[str, Any]:
    return {"kind": link.kind.value, "name": link.name, "depth": link.depth, "via": list(link.via)}


def cause_document(cause: Cause) -> dict[str, Any]:
    return {
        **link_document(cause.link),
        "overlap_seconds": cause.overlap_seconds,
        "share": cause.share,
        "incidents": list(cause.incidents),
        "objectives": list(cause.objectives),
    }


def impact_document(impact: ObjectiveImpact) -> dict[str, Any]:
    return {
        "objective": impact.key,
        "agreement": impact.agreement,
        "name": impact.objective,
        "service": impact.service,
        "target": impact.target,
        "breach": impact.reference,
        "breach_start": _iso(impact.breach_start),
        "breach_end": _iso(impact.breach_end),
        "start": _iso(impact.start),
        "end": _iso(impact.end),
        "bad_seconds": impact.bad_seconds,
        "explained_seconds": impact.explained_seconds,
        "explained_share": impact.explained_share,
        "caused_by": list(impact.suppliers),
        "causes": [cause_document(c) for c in impact.causes],
        "upstream": [link_document(u) for u in impact.checked],
    }


def standing_link_document(standing: LinkStanding) -> dict[str, Any]:
    return {
        **link_document(standing.link),
        "attainment": standing.attainment,
        "target": standing.target,
        "objective": standing.objective,
    }


def weakest_document(weakest: WeakestLink) -> dict[str, Any]:
    return {
        "service": weakest.service,
        "period": weakest.period,
        "weakest": None if weakest.weakest is None else standing_link_document(weakest.weakest),
        "links": [standing_link_document(s) for s in weakest.links],
    }


def service_impact_document(found: ServiceImpact) -> dict[str, Any]:
    return {
        "service": found.service,
        "period": found.period,
        "upstream": [link_document(u) for u in found.upstream],
        "objectives": [impact_document(i) for i in found.objectives],
        "breaches": [impact_document(i) for i in found.breaches],
        "weakest_link": weakest_document(found.weakest),
    }


def _credit(entry: CreditEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "id": entry.id,
        "objective": entry.objective,
        "attainment": entry.attainment,
        "amount": _text(entry.amount),
        "currency": entry.currency,
        "status": entry.status.value if entry.id is not None else None,
    }


def supplier_document(standing: SupplierStanding) -> dict[str, Any]:
    return {
        "supplier": standing.supplier,
        "dependents": list(standing.dependents),
        "contracts": [
            {
                "agreement": c.agreement,
                "version": c.version,
                "services": list(c.services),
                "commitments": [
                    {"objective": m.objective, "target": m.target, "attainment": m.attainment} for m in c.commitments
                ],
                "credit": _credit(c.credit),
                "in_ledger": c.in_ledger,
                "claims": [claim_document(claim) for claim in c.claims],
            }
            for c in standing.contracts
        ],
        "caused": [impact_document(i) for i in standing.caused],
    }
