"""Reviews and improvement actions as one principal may use them (the API's way in).

- **Who writes.** Admins and managers record reviews and add or change actions; any other
  role is refused (403) before anything is looked at.
- **Who reads.** Every role but the customer reads everything. A customer reads the review
  schedule and the reviews of its own agreements and of the procedures that support only its
  services, and the actions that concern only its agreements (by objective, breach or review);
  anything else is not found (404), exactly as a missing one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from slmo.core.model.audit import Actor
from slmo.core.model.auth import Principal, Role
from slmo.core.model.improvement import ImprovementAction
from slmo.core.model.review import Review, ReviewDue, ReviewState
from slmo.errors import NotFoundError, PermissionDeniedError
from slmo.services.auth import actor_of
from slmo.services.improvements import ActionChange, ActionDraft, Effect, ImprovementService, parse_origin
from slmo.services.reviews import ReviewInput, ReviewService

WRITERS = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass
class RecordsDesk:
    principal: Principal
    reviews_service: ReviewService
    improvements: ImprovementService
    reach: Callable[[], set[tuple[str, str]] | None]
    interface: str = "api"

    def _write(self, what: str) -> None:
        if self.principal.role not in WRITERS:
            raise PermissionDeniedError(
                f"the {self.principal.role.value} role may not {what}",
                key="error.permission_records",
                role=self.principal.role.value,
            )

    def _actor(self) -> Actor:
        return dataclasses.replace(actor_of(self.principal), interface=self.interface)

    # -- reviews ---------------------------------------------------------------------------------

    def schedule(self, states: Collection[ReviewState] | None = None) -> list[ReviewDue]:
        return self.reviews_service.schedule(states=states, visible=self.reach())

    def reviews(self, subject: str | None = None) -> list[Review]:
        reach = self.reach()
        return [r for r in self.reviews_service.list(subject) if reach is None or (r.subject_kind, r.subject) in reach]

    def review(self, review_id: int) -> tuple[Review, list[ImprovementAction]]:
        reach = self.reach()
        review = self.reviews_service.get(review_id)
        if reach is not None and (review.subject_kind, review.subject) not in reach:
            raise NotFoundError(f"no review {review_id}", key="error.review_not_found", id=review_id)
        return review, self.reviews_service.actions_of(review_id)

    def record(self, given: ReviewInput) -> tuple[Review, list[ImprovementAction]]:
        self._write("record reviews")
        return self.reviews_service.record(given, self._actor())

    # -- actions ---------------------------------------------------------------------------------

    def _agreements(self) -> set[str] | None:
        reach = self.reach()
        return None if reach is None else {name for kind, name in reach if kind == "Agreement"}

    def actions(self, *, open_only: bool = False) -> list[ImprovementAction]:
        return self.improvements.list(open_only=open_only, agreements=self._agreements())

    def action(self, action_id: int) -> tuple[ImprovementAction, list[Effect]]:
        found = self.improvements.get(action_id)
        mine = self._agreements()
        if mine is not None:
            concerns = self.improvements.concerns(found)
            if not concerns or not concerns <= mine:
                raise NotFoundError(f"no improvement action {action_id}", key="error.action_not_found", id=action_id)
        return found, self.improvements.effects(found)

    def add_action(self, draft: ActionDraft, origin: str) -> ImprovementAction:
        self._write("add improvement actions")
        return self.improvements.add(draft, parse_origin(origin), self._actor())

    def update_action(
        self, action_id: int, change: ActionChange, done_at: dt.datetime | None = None
    ) -> ImprovementAction:
        self._write("change improvement actions")
        return self.improvements.update(action_id, change, self._actor(), done_at=done_at)
