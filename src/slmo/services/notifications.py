"""Who is told about an alert, and in which words: routes per party and contact, and the
templates of each event in English and Arabic (through the translation layer).

Routes (``docs/alerting.md`` section 7):

- the ``NotificationTarget``s named by the objective's alert policies (an apprise URL each),
  told of every event, in the installation's language;
- the contacts of the agreement's parties at the alert's escalation level (``Contact.level``),
  each in its own language: every one of its ``channels``, and its ``email`` through the
  installation's SMTP URL (``Settings.notify_email_url``) unless a channel is already an
  e-mail one. ``resolved`` goes to every level that was told.

A notification's title and body are rendered when it is queued, so every retry sends the
same text and the outbox keeps what was said.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from slmo.core.model import Agreement, NotificationTarget, Party
from slmo.core.model.alerts import Alert, Notification, NotificationEvent
from slmo.core.model.catalogue import Contact
from slmo.core.ports import UnitOfWork
from slmo.i18n import format_number, gettext, normalise_lang


@dataclass(frozen=True)
class Route:
    """One recipient: who (``party/contact`` or ``target/name``), where (an apprise URL), in
    which language, and the contact level it belongs to (0 for policy targets: every level)."""

    recipient: str
    url: str
    lang: str
    level: int = 0


def _with_recipient(email_url: str, address: str) -> str:
    joiner = "&" if "?" in email_url else "?"
    return f"{email_url}{joiner}to={quote(address, safe='@')}"


def contact_routes(party: str, contact: Contact, email_url: str | None) -> list[Route]:
    lang = normalise_lang(contact.lang)
    who = f"{party}/{contact.name}"
    routes = [Route(who, url, lang, contact.level) for url in contact.channels]
    by_mail = any(url.split("://", 1)[0] in ("mailto", "mailtos") for url in contact.channels)
    if contact.email and email_url and not by_mail:
        routes.append(Route(who, _with_recipient(email_url, contact.email), lang, contact.level))
    return routes


def agreement_routes(uow: UnitOfWork, agreement: Agreement, email_url: str | None) -> list[Route]:
    """Every contact route of the agreement's parties, in the order the parties are named."""
    found: list[Route] = []
    for member in agreement.parties:
        party = uow.catalogue.get("Party", member.party)
        if isinstance(party, Party):
            for contact in party.contacts:
                found.extend(contact_routes(party.name, contact, email_url))
    return found


def target_routes(uow: UnitOfWork, names: Iterable[str], lang: str) -> list[Route]:
    found: list[Route] = []
    for name in dict.fromkeys(names):
        target = uow.catalogue.get("NotificationTarget", name)
        if isinstance(target, NotificationTarget):
            found.append(Route(f"target/{target.name}", target.target, lang))
    return found


def anyone_to_tell(uow: UnitOfWork) -> bool:
    """Whether the catalogue has a notification target or a contact with a channel or an
    e-mail address: until it has, nothing can be queued, and no delivery job is needed."""
    if uow.catalogue.list("NotificationTarget"):
        return True
    return any(
        contact.channels or contact.email
        for party in uow.catalogue.list("Party")
        if isinstance(party, Party)
        for contact in party.contacts
    )


def levels(routes: Sequence[Route]) -> list[int]:
    """The contact levels present, lowest first ([1] when there is no contact at all)."""
    return sorted({r.level for r in routes if r.level > 0}) or [1]


@dataclass(frozen=True)
class Message:
    """What a notification says about an alert or a ticket, before it is put in words."""

    event: NotificationEvent
    agreement: str
    objective: str
    service: str | None
    link: str
    tier: str = ""
    burn_rate: float | None = None
    burn_window: str | None = None
    budget_left: float | None = None
    reasons: tuple[str, ...] = ()
    level: int = 1
    ticket: str = ""
    share: float = 0.0
    deadline: dt.datetime | None = None


def objective_link(public_url: str, agreement: str) -> str:
    return f"{public_url.rstrip('/')}/ui/agreements/{quote(agreement, safe='')}"


def _percent(value: float | None, lang: str, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return format_number(100 * value, lang, decimals) + ("٪" if lang == "ar" else "%")


def render(message: Message, lang: str) -> tuple[str, str]:
    """The title and body of ``message`` in ``lang``, from the catalogues' ``notify.*`` keys."""
    event = message.event.value
    burn = "—" if message.burn_rate is None else format_number(message.burn_rate, lang, 2) + "×"
    if message.burn_window:
        burn += f" ({message.burn_window})"
    args = {
        "agreement": message.agreement,
        "objective": message.objective,
        "service": message.service or "—",
        "tier": message.tier,
        "burn": burn,
        "budget": _percent(message.budget_left, lang),
        "reasons": ", ".join(message.reasons) or "—",
        "level": message.level,
        "link": message.link,
        "ticket": message.ticket,
        "share": _percent(message.share, lang, 0),
        "deadline": "—" if message.deadline is None else message.deadline.isoformat(timespec="minutes"),
    }
    return gettext(f"notify.{event}_title", lang, **args), gettext(f"notify.{event}_body", lang, **args)


def queue(
    uow: UnitOfWork, message: Message, routes: Sequence[Route], subject: str, now: dt.datetime, alert: Alert | None
) -> int:
    """Queue ``message`` for each route, rendered in the route's language; how many were new."""
    made: list[Notification] = []
    for route in routes:
        title, body = render(message, route.lang)
        digest = hashlib.sha256(route.url.encode("utf-8")).hexdigest()[:16]
        made.append(
            Notification(
                key=f"{subject}|{route.recipient}|{digest}",
                subject=subject,
                alert_id=None if alert is None else alert.id,
                event=message.event,
                agreement=message.agreement,
                objective=message.objective,
                recipient=route.recipient,
                target=route.url,
                lang=route.lang,
                title=title,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return uow.notifications.add(made)
