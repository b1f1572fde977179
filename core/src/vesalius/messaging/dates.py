"""Dates in words, per supported language, without a locale database: Babel is not in the
stack and the C library's locales are not installed everywhere, so each language the
messages support has its month and weekday names here (and its word order)."""

from __future__ import annotations

from datetime import date, datetime

#: Languages whose dates (and default templates) the messages support: primary tag -> name.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}


def primary(tag: str | None) -> str | None:
    """The supported language of a BCP-47 tag ("fr-CA" -> "fr"), or None."""
    if not tag:
        return None
    first = tag.strip().replace("_", "-").split("-")[0].lower()
    return first if first in LANGUAGES else None


def long_date(day: date | datetime, language: str = "en") -> str:
    """"Monday 4 March 2030" / "lundi 4 mars 2030" (``1er`` for the first, as French
    writes it)."""
    lang = language if language in LANGUAGES else "en"
    weekday, month = _WEEKDAYS[lang][day.weekday()], _MONTHS[lang][day.month - 1]
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{weekday} {number} {month} {day.year}"


def short_date(day: date | datetime, language: str = "en") -> str:
    """"4 March 2030" / "4 mars 2030": a receipt's date."""
    lang = language if language in LANGUAGES else "en"
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"
