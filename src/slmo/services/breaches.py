"""Breaches: the episodes in which an objective was breached, from the stored evaluations
(the rules are in ``core.engine.breaches``).

Episodes are computed when asked for, never stored: the stored evaluations are the record,
so a breach can never disagree with them. Every stored evaluation of the objectives asked
for is read (naming an objective reads only its own); ``since`` is applied to the episodes,
not to the evaluations read, so that a breach that began before ``since`` and went on after
it keeps its true start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from slmo.core.engine.breaches import BreachEpisode, breach_episodes
from slmo.services.evaluate import EvaluationService


class BreachService:
    def __init__(self, evaluation: EvaluationService) -> None:
        self._evaluation = evaluation

    def episodes(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        since: dt.datetime | None = None,
        open_only: bool = False,
        agreements: Collection[str] | None = None,
    ) -> list[BreachEpisode]:
        """Breach episodes, oldest start first: of one ``agreement``, of one ``objective``
        (``NAME`` or ``AGREEMENT/NAME``), going on at or after ``since`` (still open, or ended
        after it), only the open ones with ``open_only``, and only of ``agreements`` when
        given (the agreements a caller may see)."""
        records = [
            r
            for r in self._evaluation.evaluations(objective)
            if (agreement is None or r.agreement == agreement) and (agreements is None or r.agreement in agreements)
        ]
        return [
            e
            for e in breach_episodes(records)
            if (since is None or e.end is None or e.end > since) and (not open_only or e.open)
        ]
