"""Achievable targets and the what-if in words, in the reader's language: the cells of the
tables `slmo targets` prints, and the lines the negotiation's evidence adds (CLI and web alike).
The figures are ``core.model.targets``'; money to the cent, breaches a year to two decimals."""

from __future__ import annotations

from decimal import Decimal

from slmo.core.model.targets import AchievableTarget, BreachRate, CreditExposure, TargetStudy, WhatIf
from slmo.i18n.catalogue import format_number, gettext
from slmo.i18n.formats import digits, format_percent, format_period, format_ratio_as_written

DASH = "—"


def money(amount: Decimal | None, currency: str | None, lang: str) -> str:
    if amount is None:
        return DASH
    return f"{format_number(float(amount), lang, 2)} {currency or ''}".strip()


def unit_name(unit: str, lang: str) -> str:
    """``M``, ``Q``, ``w`` as months, quarters, weeks."""
    return gettext(f"evidence.unit_{unit}", lang)


def simulation_line(study: TargetStudy, lang: str) -> str:
    """What was simulated, or why nothing was."""
    if study.simulation_note is not None:
        period = format_period(study.simulated_period, lang)
        return gettext(f"targets.not_simulated_{study.simulation_note.value}", lang, period=period)
    return gettext(
        "targets.simulated",
        lang,
        draws=format_number(study.draws, lang, 0),
        unit=unit_name(study.evidence.unit, lang),
        period=format_period(study.simulated_period, lang),
        days=digits(str(study.history_days), lang),
    )


def achievable_cells(found: AchievableTarget, lang: str) -> tuple[str, str, str, str]:
    """Confidence, history's target (or the periods it needs), the simulation's, and the one
    that binds with its basis."""
    past = found.history
    if past.target is None:
        history = gettext("targets.needed", lang, needed=digits(str(past.periods_needed), lang))
    else:
        history = format_percent(past.target, lang, 3)
    binding = DASH
    if found.target is not None and found.binding is not None:
        basis = gettext(f"targets.basis_{found.binding.value}", lang)
        binding = gettext("targets.binding", lang, target=format_percent(found.target, lang, 3), basis=basis)
    return format_percent(found.confidence, lang, 0), history, format_percent(found.simulated, lang, 3), binding


def _breaches(rate: BreachRate | None, lang: str) -> str:
    if rate is None or rate.probability is None:
        return DASH
    return gettext(
        "targets.breaches_of",
        lang,
        breaches=format_number(rate.breaches, lang, 0),
        periods=format_number(rate.periods, lang, 0),
    )


def _per_year(rate: BreachRate | None, lang: str) -> str:
    if rate is None or rate.per_year is None:
        return DASH
    value = format_number(rate.per_year, lang, 2)
    if rate.per_year_upper is None or rate.level is None:
        return value
    return gettext(
        "targets.per_year_upper",
        lang,
        value=value,
        upper=format_number(rate.per_year_upper, lang, 2),
        level=format_percent(rate.level, lang, 0),
    )


def _exposure(found: CreditExposure | None, lang: str, field: str) -> str:
    if found is None:
        return DASH
    amount: Decimal | None = getattr(found, field)
    return money(amount, found.currency, lang)


def _decimals(value: float) -> int:
    """The decimals ``value`` has, up to four: 12 weeks' 0, 52.1775's 4."""
    return len(f"{value:.4f}".rstrip("0").partition(".")[2])


def what_if_title(found: WhatIf, lang: str) -> str:
    return gettext(
        "targets.what_if",
        lang,
        target=format_ratio_as_written(found.target, lang),
        per_year=format_number(found.periods_per_year, lang, _decimals(found.periods_per_year)),
        unit=unit_name(found.unit, lang),
    )


def what_if_rows(found: WhatIf, lang: str) -> list[tuple[str, str, str]]:
    """(figure, from history, from the simulation) for each line of the what-if table."""
    past, simulated = found.history_exposure, found.simulated_exposure
    rows = [
        (gettext("targets.row_breaches", lang), _breaches(found.history, lang), _breaches(found.simulated, lang)),
        (gettext("targets.row_per_year", lang), _per_year(found.history, lang), _per_year(found.simulated, lang)),
    ]
    if past is not None or simulated is not None:
        rows += [
            (
                gettext("targets.row_credit_period", lang),
                _exposure(past, lang, "per_period"),
                _exposure(simulated, lang, "per_period"),
            ),
            (
                gettext("targets.row_credit_year", lang),
                _exposure(past, lang, "per_year"),
                _exposure(simulated, lang, "per_year"),
            ),
            (gettext("targets.row_credit_p95", lang), DASH, _exposure(simulated, lang, "year_p95")),
        ]
    return rows


def credit_line(found: WhatIf, lang: str) -> str | None:
    """Why the what-if has no credit exposure, when it has none."""
    if found.credit_note is not None:
        return gettext(f"cli.evidence_{found.credit_note.value}", lang)
    if found.history_exposure is None and found.simulated_exposure is None:
        return gettext("targets.no_charge", lang)
    return None


def evidence_lines(study: TargetStudy, lang: str) -> list[str]:
    """What the negotiation's evidence says of its target over a year: breaches a year and
    the credit exposure, from the past periods and simulated."""
    found = study.what_if
    target = format_ratio_as_written(found.target, lang)
    unit = unit_name(found.unit, lang)
    lines = []
    if found.history.per_year is not None:
        lines.append(
            gettext("targets.evidence_breaches", lang, target=target, unit=unit, value=_per_year(found.history, lang))
        )
    if found.simulated is not None and found.simulated.per_year is not None:
        lines.append(
            gettext(
                "targets.evidence_breaches_simulated",
                lang,
                target=target,
                value=format_number(found.simulated.per_year, lang, 2),
                period=format_period(study.simulated_period, lang),
            )
        )
    if found.history_exposure is not None:
        lines.append(
            gettext(
                "targets.evidence_exposure",
                lang,
                unit=unit,
                amount=money(found.history_exposure.per_year, found.history_exposure.currency, lang),
            )
        )
    simulated = found.simulated_exposure
    if simulated is not None:
        key = (
            "targets.evidence_exposure_simulated"
            if simulated.year_p95 is not None
            else "targets.evidence_exposure_simulated_mean"
        )
        lines.append(
            gettext(
                key,
                lang,
                amount=money(simulated.per_year, simulated.currency, lang),
                p95=money(simulated.year_p95, simulated.currency, lang),
            )
        )
    if study.simulation_note is not None:
        lines.append(simulation_line(study, lang))
    return lines
