"""The alert life cycle: deciding, at each evaluation of an objective, which of its alerts open,
stay, escalate or resolve, and queueing the notifications of each change in the same unit of
work (so a scheduled evaluation's alerts are exactly once, like its evaluations).

Rules (``docs/alerting.md`` section 7):

- **Which rules.** The ``AlertPolicy`` objects an objective names (``alertPolicies``): their
  conditions become tiers by severity (``rules_from_conditions``, thresholds as written), with
  the no-data rule when a policy asks for it; an objective that names none gets the workbook
  default (``default_rules``), scaled to its window by the engine.
- **Open.** A tier that fires with no open alert of the objective and tier opens one
  (``firing``, at the lowest contact level); the store keeps one open alert per objective and
  tier, so alerts are deduplicated.
- **Stay.** While the tier's signals stay active the alert stays open (``last_seen_at`` and
  its reasons and figures follow); an acknowledged alert stays acknowledged and is never
  reopened while the condition holds.
- **Resolve.** When none of the tier's signals is active any more, the alert is resolved.
- **Escalate.** A firing (unacknowledged) alert older than the policy's ``escalateAfter``
  (30 minutes by default) since it opened or last escalated moves to the next contact level
  that exists among the agreement's parties, and that level is told.
- **Maintenance.** During agreed maintenance (the calendar's exclusions) no alert opens and
  none escalates; open alerts stay, and resolve when their signals stop.
- **Ticket warnings.** For a ticket objective, each running ticket that is not yet late and
  has reached a warning share of its target (50, 75, 90 % by default) is told once, at the
  highest share reached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from slmo.core.engine import Span, epoch_seconds, window_at
from slmo.core.engine.alert_catalogue import objective_policies, objective_rules
from slmo.core.engine.alert_policy import policy_windows
from slmo.core.engine.alert_rules import AlertState, IntervalPairs, evaluate_alerts
from slmo.core.engine.alert_warnings import elapsed_warning_levels
from slmo.core.engine.burnrate import window_seconds
from slmo.core.engine.tickets import MISSING
from slmo.core.model import AlertCondition, AlertPolicy, IndicatorKind
from slmo.core.model.alerting import AlertRules
from slmo.core.model.alerts import (
    DEFAULT_ESCALATE_SECONDS,
    Alert,
    AlertStatus,
    DeliveryStatus,
    Notification,
    NotificationEvent,
)
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.duration import format_duration
from slmo.core.model.forecast import AttainmentForecast
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import CalendarExpander, Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConfigurationError, ConflictError, NotFoundError, PermissionDeniedError, Problem, SpecError
from slmo.services.alert_backtest import BacktestReport, replay
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.notifications import (
    Message,
    Route,
    agreement_routes,
    levels,
    objective_link,
    queue,
    target_routes,
)
from slmo.services.tickets import TicketService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertPlan:
    """What decides and routes one objective's alerts: the rules, the escalation delay, the
    policies' notification targets, and whether resolutions are told."""

    rules: AlertRules
    escalate_after: int
    targets: tuple[str, ...]
    tell_resolved: bool


@dataclass(frozen=True)
class Figures:
    """What an alert shows of the evaluation it was last seen in."""

    burn_rate: float | None
    burn_window: str | None
    budget_left: float | None


def _not_found(alert_id: int) -> NotFoundError:
    return NotFoundError(f"no alert {alert_id}", key="error.alert_not_found", id=alert_id)


def _chance(forecast: AttainmentForecast | None, rules: AlertRules) -> float:
    """The forecast's breach probability when the rules read it and it draws on enough of the
    objective's past; NaN (the signal off) otherwise."""
    rule = rules.forecast
    if rule is None or forecast is None or forecast.breach_probability is None:
        return math.nan
    return forecast.breach_probability if forecast.history_days >= rule.min_history_days else math.nan


def split_objective(objective: str | None) -> tuple[str | None, str | None]:
    """``AGREEMENT/NAME`` or a bare ``NAME`` as (agreement, name)."""
    if objective is None:
        return None, None
    if "/" in objective:
        agreement, name = objective.split("/", 1)
        return agreement, name
    return None, objective


class AlertService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        tickets: TicketService,
        calendars: CalendarExpander,
        clock: Clock,
        *,
        lang: str = "en",
        public_url: str = "http://localhost:8000",
        email_url: str | None = None,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._tickets = tickets
        self._calendars = calendars
        self._clock = clock
        self.lang = lang
        self.public_url = public_url
        self.email_url = email_url

    # -- which rules -------------------------------------------------------------------

    def plan(self, uow: UnitOfWork, target: Target) -> AlertPlan:
        """The rules and routes of ``target``'s alerts, from the catalogue."""
        objective = target.objective
        policies = {p.name: p for p in uow.catalogue.list("AlertPolicy") if isinstance(p, AlertPolicy)}
        conditions = {c.name: c for c in uow.catalogue.list("AlertCondition") if isinstance(c, AlertCondition)}
        try:
            rules = objective_rules(objective, policies, conditions)
        except ValueError as exc:
            raise ConfigurationError(
                f"objective {target.key}: {exc}", key="error.alert_policy", objective=target.key, reason=str(exc)
            ) from None
        if not objective.alert_policies:
            return AlertPlan(rules, DEFAULT_ESCALATE_SECONDS, (), tell_resolved=True)
        named = objective_policies(objective, policies)
        delays = [p.escalate_after_seconds for p in named if p.escalate_after_seconds is not None]
        return AlertPlan(
            rules,
            min(delays, default=DEFAULT_ESCALATE_SECONDS),
            tuple(t for p in named for t in p.notification_targets),
            tell_resolved=any(p.alert_when_resolved for p in named),
        )

    def _maintenance(self, target: Target, start: int, end: int) -> IntervalPairs:
        if target.calendar is None:
            return ()
        starts, ends = self._calendars.excluded_intervals(target.calendar, start, end)
        return list(zip(starts.tolist(), ends.tolist(), strict=True))

    def state(
        self, uow: UnitOfWork, target: Target, plan: AlertPlan, at: int, forecast: AttainmentForecast | None = None
    ) -> AlertState:
        """The engine's decision for ``target`` at ``at`` over its stored measurements, with the
        forecast made by the evaluation at ``at`` (the predictive signal)."""
        window = window_at(target.objective.window, at, time_zone=target.time_zone, week_start=target.week_start)
        longest = max(policy_windows(plan.rules).values(), default=0)
        span = Span(min(window.start, at - longest), max(window.end, at))
        grid, _ = self._evaluation.grid(uow, target, span, at)
        return evaluate_alerts(
            target.objective,
            grid,
            at,
            plan.rules,
            maintenance=self._maintenance(target, at, at + 1),
            time_zone=target.time_zone,
            week_start=target.week_start,
            breach_probability=_chance(forecast, plan.rules),
        )

    # -- deciding, inside an evaluation's unit of work --------------------------------------

    def evaluate(self, at: dt.datetime | None = None, objective: str | None = None) -> list[ObjectiveEvaluation]:
        """Evaluate and store the results and decide the alerts, in one transaction (``slmo
        evaluate``; the scheduler's evaluation job does the same inside its own)."""
        when = at or self._clock.now()
        with self._uow() as uow:
            found = self._evaluation.evaluate_in(uow, when, objective)
            self.decide_in(uow, when, objective, forecasts={r.key: r.forecast for r in found})
            uow.commit()
        return found

    def decide_in(
        self,
        uow: UnitOfWork,
        when: dt.datetime,
        objective: str | None = None,
        *,
        forecasts: Mapping[str, AttainmentForecast | None] | None = None,
    ) -> list[Alert]:
        """Open, keep, escalate and resolve the alerts of the objectives in force at ``when``
        (or one), and queue their notifications, in ``uow``, uncommitted. ``forecasts`` are the
        evaluations' at ``when`` by ``agreement/objective`` (none: the predictive signal stays
        off). The alerts changed."""
        forecasts = forecasts or {}
        changed: list[Alert] = []
        for target in self._evaluation.targets(uow, when, objective):
            if target.indicator.kind is IndicatorKind.TICKET:
                self._ticket_warnings(uow, target, when)
                continue
            plan = self.plan(uow, target)
            state = self.state(uow, target, plan, epoch_seconds(when), forecasts.get(target.key))
            changed.extend(self._apply(uow, target, plan, state, when))
        return changed

    def _routes(self, uow: UnitOfWork, target: Target, plan: AlertPlan) -> tuple[list[Route], list[Route]]:
        return (
            agreement_routes(uow, target.agreement, self.email_url),
            target_routes(uow, plan.targets, self.lang),
        )

    def _apply(
        self, uow: UnitOfWork, target: Target, plan: AlertPlan, state: AlertState, when: dt.datetime
    ) -> list[Alert]:
        contacts, targets = self._routes(uow, target, plan)
        known = levels(contacts)
        firing = set(state.firing_tiers())
        active = state.reasons()
        held = {a.tier: a for a in uow.alerts.open_for(target.agreement.name, target.objective.name)}
        changed: list[Alert] = []
        for tier in dict.fromkeys([*state.tiers, *held]):
            reasons = tuple(s.name for s in active if s.tier == tier)
            alert = held.get(tier)
            if alert is not None and when < alert.last_seen_at:
                continue  # a decision older than what the alert has seen changes nothing
            figures = self._figures(state, tier)
            if alert is None:
                if tier not in firing:
                    continue
                alert = uow.alerts.add(
                    Alert(
                        agreement=target.agreement.name,
                        objective=target.objective.name,
                        service=target.indicator.service,
                        tier=tier,
                        level=known[0],
                        opened_at=when,
                        last_seen_at=when,
                        reasons=reasons,
                        burn_rate=figures.burn_rate,
                        burn_window=figures.burn_window,
                        budget_left=figures.budget_left,
                    )
                )
                logger.info("alert %d: %s %s fires (%s)", alert.id, alert.key, tier, ", ".join(reasons))
                self._tell(uow, target, alert, NotificationEvent.FIRING, contacts, targets, when)
            elif not reasons:
                alert = uow.alerts.update(
                    dataclasses.replace(alert, state=AlertStatus.RESOLVED, resolved_at=when, last_seen_at=when)
                )
                logger.info("alert %d: %s %s resolved", alert.id, alert.key, tier)
                if plan.tell_resolved:
                    self._tell(uow, target, alert, NotificationEvent.RESOLVED, contacts, targets, when)
            else:
                alert = dataclasses.replace(
                    alert,
                    last_seen_at=when,
                    reasons=reasons,
                    burn_rate=figures.burn_rate,
                    burn_window=figures.burn_window,
                    budget_left=figures.budget_left,
                )
                higher = [level for level in known if level > alert.level]
                since = alert.escalated_at or alert.opened_at
                due = (when - since).total_seconds() >= plan.escalate_after
                if alert.state is AlertStatus.FIRING and tier in firing and higher and due:
                    alert = uow.alerts.update(dataclasses.replace(alert, level=higher[0], escalated_at=when))
                    logger.info("alert %d: %s %s escalated to level %d", alert.id, alert.key, tier, alert.level)
                    self._tell(uow, target, alert, NotificationEvent.ESCALATED, contacts, targets, when)
                else:
                    alert = uow.alerts.update(alert)
            changed.append(alert)
        return changed

    @staticmethod
    def _figures(state: AlertState, tier: str) -> Figures:
        """The fastest burn rate over the long windows of the tier's active burn-rate signals
        (else over every window read), and the budget left."""
        arrays = state.evaluation
        rates = {window_seconds(label): float(arrays.burn_rates[0, i]) for i, label in enumerate(arrays.burn_labels)}
        longs = [s.condition.long_seconds for s in state.reasons() if s.tier == tier and s.condition is not None]
        if not longs:
            longs = list(rates)
        known = [(rates[w], w) for w in longs if w in rates and np.isfinite(rates[w])]
        rate, window = max(known, default=(None, None))
        left = float(arrays.budget_left[0])
        return Figures(
            burn_rate=rate,
            burn_window=None if window is None else format_duration(window),
            budget_left=left if np.isfinite(left) else None,
        )

    def _message(self, target: Target, alert: Alert, event: NotificationEvent) -> Message:
        return Message(
            event=event,
            agreement=alert.agreement,
            objective=alert.objective,
            service=alert.service,
            link=objective_link(self.public_url, alert.agreement),
            tier=alert.tier,
            burn_rate=alert.burn_rate,
            burn_window=alert.burn_window,
            budget_left=alert.budget_left,
            reasons=alert.reasons,
            level=alert.level,
        )

    def _tell(
        self,
        uow: UnitOfWork,
        target: Target,
        alert: Alert,
        event: NotificationEvent,
        contacts: Sequence[Route],
        targets: Sequence[Route],
        when: dt.datetime,
    ) -> None:
        if event is NotificationEvent.RESOLVED:
            told = [r for r in contacts if r.level <= alert.level]
        else:
            told = [r for r in contacts if r.level == alert.level]
        subject = f"alert:{alert.id}:{event.value}:{alert.level}"
        queue(uow, self._message(target, alert, event), [*told, *targets], subject, when, alert)

    def _ticket_warnings(self, uow: UnitOfWork, target: Target, when: dt.datetime) -> int:
        spec = target.objective.tickets
        if spec is None or not spec.warnings:
            return 0
        at = epoch_seconds(when)
        tickets, _, timers = self._tickets.timers(uow, target, at)
        reached = elapsed_warning_levels(timers.elapsed, timers.target, spec.warnings)
        running = timers.counted & (timers.stop == MISSING) & (timers.elapsed < timers.target)
        plan = self.plan(uow, target)
        contacts, targets = self._routes(uow, target, plan)
        first = levels(contacts)[0]
        told = [r for r in contacts if r.level == first]
        queued = 0
        for i in np.flatnonzero(running & (reached > 0)).tolist():
            share = spec.warnings[int(reached[i]) - 1]
            subject = f"ticket:{target.key}:{tickets[i].id}:{round(share * 100)}"
            if uow.notifications.told(subject):
                continue
            message = Message(
                event=NotificationEvent.TICKET_WARNING,
                agreement=target.agreement.name,
                objective=target.objective.name,
                service=target.indicator.service,
                link=objective_link(self.public_url, target.agreement.name),
                ticket=tickets[i].id,
                share=share,
                deadline=dt.datetime.fromtimestamp(int(timers.deadline[i]), dt.UTC),
            )
            queued += queue(uow, message, [*told, *targets], subject, when, None)
            logger.info("ticket %s reached %d%% of its target on %s", tickets[i].id, round(share * 100), target.key)
        return queued

    # -- what people do and see ------------------------------------------------------------

    def acknowledge(
        self,
        alert_id: int,
        actor: Actor,
        *,
        agreements: Collection[str] | None = None,
        services: Collection[str] | None = None,
    ) -> Alert:
        """Acknowledge a firing alert (an acknowledged one stays as it is), audited. With
        ``agreements``, an alert of any other agreement is answered as a missing one; with
        ``services``, acknowledging an alert of any other service is refused."""
        now = self._clock.now()
        with self._uow() as uow:
            alert = uow.alerts.get(alert_id)
            if alert is None or (agreements is not None and alert.agreement not in agreements):
                raise _not_found(alert_id)
            if services is not None and alert.service not in services:
                raise PermissionDeniedError(
                    f"alert {alert_id} is of a service this owner does not own",
                    key="error.permission_alert",
                    id=alert_id,
                )
            if alert.state is AlertStatus.ACKNOWLEDGED:
                return alert
            if alert.state is AlertStatus.RESOLVED:
                raise ConflictError(f"alert {alert_id} is resolved already", key="error.alert_resolved", id=alert_id)
            done = uow.alerts.update(
                dataclasses.replace(
                    alert, state=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor.name
                )
            )
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=actor.name,
                    interface=actor.interface,
                    action=AuditAction.CHANGE,
                    kind="Alert",
                    name=str(alert_id),
                    before={"state": alert.state.value, "objective": alert.key, "tier": alert.tier},
                    after={"state": done.state.value, "objective": done.key, "tier": done.tier},
                )
            )
            uow.commit()
        logger.info("alert %d acknowledged by %s", alert_id, actor.name)
        return done

    def alerts(
        self,
        *,
        everything: bool = False,
        state: AlertStatus | None = None,
        objective: str | None = None,
        agreement: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[Alert]:
        """Open alerts (firing or acknowledged) newest first; every alert with
        ``everything``; of one ``state``, ``objective`` (``NAME`` or ``AGREEMENT/NAME``) or
        ``agreement``; only of ``agreements`` when given."""
        in_name, name = split_objective(objective)
        if agreement is not None and in_name is not None and agreement != in_name:
            return []
        states: set[AlertStatus] | None
        if state is not None:
            states = {state}
        else:
            states = None if everything else {AlertStatus.FIRING, AlertStatus.ACKNOWLEDGED}
        with self._uow() as uow:
            return uow.alerts.list(states=states, agreement=agreement or in_name, objective=name, agreements=agreements)

    def get(self, alert_id: int, *, agreements: Collection[str] | None = None) -> Alert:
        with self._uow() as uow:
            alert = uow.alerts.get(alert_id)
        if alert is None or (agreements is not None and alert.agreement not in agreements):
            raise _not_found(alert_id)
        return alert

    def backtest(self, objective: str, start: dt.datetime, end: dt.datetime) -> BacktestReport:
        """Replay the objective's alert rules over its stored history (``services.alert_backtest``).
        ``objective`` is ``AGREEMENT/NAME`` or a bare name that only one agreement uses."""
        if end <= start:
            raise SpecError([Problem(None, "to", "--from must be before --to", key="backtest_range")])
        with self._uow() as uow:
            found = self._evaluation.targets(uow, end, objective)
            if len(found) > 1:
                names = ", ".join(sorted(t.agreement.name for t in found))
                raise SpecError(
                    [
                        Problem(
                            None,
                            "objective",
                            f"{objective} names objectives of several agreements ({names}); use AGREEMENT/NAME",
                            key="objective_ambiguous",
                            args={"name": objective, "agreements": names},
                        )
                    ]
                )
            (target,) = found
            plan = self.plan(uow, target)
            return replay(uow, self._evaluation, target, plan.rules, start, end, self._maintenance)

    def outbox(self, *, status: DeliveryStatus | None = None, limit: int | None = None) -> list[Notification]:
        """Every queued notification (of alerts and of ticket warnings), oldest first."""
        with self._uow() as uow:
            return uow.notifications.list(status=status, limit=limit)

    def notifications(self, alert_id: int, *, agreements: Collection[str] | None = None) -> list[Notification]:
        """The notifications queued about one alert, oldest first."""
        self.get(alert_id, agreements=agreements)
        with self._uow() as uow:
            return uow.notifications.list(alert_id=alert_id)
