"""Proposals for change in words, in the reader's language: the kind and status, the change
(``availability: 99.9% → 99.95%``), each figure of the evidence with its source, and the
expected effect a year (``core.model.proposal``). The CLI and the web UI say them alike."""

from __future__ import annotations

from decimal import Decimal

from slmo.core.model.proposal import Effect, Figure, FigureUnit, Proposal, ProposalKind
from slmo.i18n.catalogue import format_number, gettext
from slmo.i18n.formats import digits, format_period, format_ratio_as_written

# Figures read on one view of the what-if name it as their subject.
_BASES = ("simulation", "history")


def kind_label(kind: ProposalKind, lang: str) -> str:
    return gettext(f"proposals.kind.{kind.value}", lang)


def status_label(status: str, lang: str) -> str:
    return gettext(f"proposals.status.{status}", lang)


def money(amount: Decimal | str | None, currency: str | None, lang: str) -> str:
    if amount is None:
        return "—"
    return f"{format_number(float(Decimal(amount)), lang, 2)} {currency or ''}".strip()


def _rate(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang, 2)


def change_text(proposal: Proposal, lang: str) -> str:
    """What accepting it changes, in one line."""
    change = proposal.change
    if change.retire:
        return gettext("proposals.change.retire", lang, agreement=proposal.agreement)
    if change.target is not None:
        before = format_ratio_as_written(change.target.before, lang)
        if change.target.after == change.target.before:
            return gettext("proposals.change.same_target", lang, objective=change.target.objective, target=before)
        return gettext(
            "proposals.change.target",
            lang,
            objective=change.target.objective,
            before=before,
            after=format_ratio_as_written(change.target.after, lang),
        )
    if change.added is not None:
        return gettext(
            "proposals.change.added",
            lang,
            objective=change.added.name,
            indicator=change.added.indicator,
            target=format_ratio_as_written(change.added.target, lang),
            category=change.category or "",
            service=change.service or "",
        )
    return gettext(
        "proposals.change.needs_indicator",
        lang,
        objective=proposal.objective or "",
        category=change.category or "",
        service=change.service or "",
    )


def figure_value(figure: Figure, lang: str) -> str:
    value = figure.value
    if value is None:
        return "—"
    if figure.unit is FigureUnit.RATIO and isinstance(value, int | float):
        return format_ratio_as_written(float(value), lang)
    if figure.unit is FigureUnit.PROBABILITY and isinstance(value, int | float):
        return format_number(float(value), lang, 3)
    if figure.unit is FigureUnit.PER_YEAR and isinstance(value, int | float):
        return format_number(float(value), lang, 2)
    if figure.unit is FigureUnit.MONEY:
        return money(str(value), figure.currency, lang)
    if figure.unit is FigureUnit.COUNT and isinstance(value, int | float):
        return format_number(float(value), lang, 0)
    if figure.name == "trend":
        return gettext(f"proposals.trend.{value}", lang)
    return digits(str(value), lang)


def figure_text(figure: Figure, lang: str) -> str:
    """``Periods breached: 12 (evidence, 2025-11..2026-10)``."""
    label = gettext(f"proposals.figure.{figure.name}", lang)
    if figure.subject in _BASES:
        label = f"{label} [{gettext(f'proposals.basis.{figure.subject}', lang)}]"
    elif figure.subject:
        label = f"{label} [{digits(figure.subject, lang)}]"
    where = [gettext(f"proposals.source.{figure.source.value}", lang)]
    if figure.span:
        first, _, last = figure.span.partition("..")
        where.append(f"{format_period(first, lang)} – {format_period(last, lang)}" if last else figure.span)
    return f"{label}: {figure_value(figure, lang)} ({', '.join(where)})"


def effect_text(effect: Effect, lang: str) -> str:
    """``Breaches a year 12.00 → 0.00 (simulation); credits a year 150,000.00 → 0.00 SAR``;
    ``—`` where not known."""
    if effect.breaches_before is None and effect.breaches_after is None and effect.credits_before is None:
        return gettext("proposals.effect.unknown", lang)
    basis = gettext(f"proposals.basis.{effect.basis}", lang) if effect.basis else "—"
    parts = [
        gettext(
            "proposals.effect.breaches",
            lang,
            before=_rate(effect.breaches_before, lang),
            after=_rate(effect.breaches_after, lang),
            basis=basis,
        )
    ]
    if effect.credits_before is not None or effect.credits_after is not None:
        parts.append(
            gettext(
                "proposals.effect.credits",
                lang,
                before=money(effect.credits_before, effect.currency, lang),
                after=money(effect.credits_after, effect.currency, lang),
            )
        )
    return gettext("proposals.effect.join", lang).join(parts)
