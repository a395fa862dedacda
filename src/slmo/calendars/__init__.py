"""Calendars expanded into instants: service hours, holidays (the ``holidays`` package) and
agreed maintenance (RFC 5545 rules through ``dateutil``), as epoch-second intervals for the
engine's pure clocks and masks."""

from slmo.calendars.expand import HolidayCalendarExpander

__all__ = ["HolidayCalendarExpander"]
