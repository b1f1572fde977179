"""Jinja filters and globals: times in the clinic's zone, money, statuses, the menu."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, request, url_for
from werkzeug.routing import BuildError

from ..permissions import STAFF, allowed
from .context import clinic_tz, current_user, state

#: The staff menu: label, endpoint, permission. Shown to roles holding the permission.
MENU = (
    ("Today", "charting.day", "notes.write"),
    ("Calendar", "calendar.day", "calendar.read"),
    ("Patients", "patients.search", "patients.search"),
    ("Waitlist", "calendar.waitlist", "waitlist.read"),
    ("Ready to bill", "billing.ready", "billing.write"),
    ("Invoices", "billing.invoices", "reports.read"),
    ("Claims", "billing.claims", "claims.read"),
    ("Reports", "reports.index", "reports.read"),
    ("Admin", "admin.index", "settings.write"),
)

STATUS_LABELS = {
    "booked": "Booked", "confirmed": "Confirmed", "arrived": "Arrived",
    "in-session": "In session", "completed": "Completed", "cancelled": "Cancelled",
    "late-cancelled": "Late cancel", "no-show": "No-show",
    "draft": "Draft", "signed": "Signed", "entered-in-error": "Entered in error",
    "issued": "Issued", "void": "Void", "ready": "Ready", "submitted": "Submitted",
    "accepted": "Accepted", "rejected": "Rejected", "paid": "Paid", "denied": "Denied",
    "open": "Open", "closed": "Closed", "waiting": "Waiting",
}


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(clinic_tz()) if value is not None else None


def fmt_time(value: datetime | None) -> str:
    v = local(value)
    return v.strftime("%H:%M") if v else ""


def fmt_datetime(value: datetime | None) -> str:
    v = local(value)
    return v.strftime("%a %d %b %Y, %H:%M") if v else ""


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d %b %Y")  # type: ignore[union-attr]


def fmt_money(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f}"


def fmt_age(born: date | None) -> str:
    if born is None:
        return ""
    today = date.today()
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{years} y"


def menu() -> list[tuple[str, str, bool]]:
    user = current_user()
    if user is None or user.role not in STAFF:
        return []
    endpoint = request.endpoint or ""
    area = endpoint.split(".", 1)[0]
    items = []
    for label, target, permission in MENU:
        if not allowed(user.role, permission):
            continue
        try:
            href = url_for(target)
        except BuildError:  # an area this build does not serve
            continue
        same_area = target.split(".", 1)[0] == area
        items.append((label, href, target == endpoint or (
            same_area and area not in ("calendar", "billing"))))
    for _pack, label, target in state().extras.get("pack_menu", []):
        try:
            items.append((label, url_for(target), endpoint == target))
        except BuildError:  # a pack menu entry naming no endpoint is skipped
            continue
    return items


def install_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        time=fmt_time, datetime=fmt_datetime, date=fmt_date, money=fmt_money, age=fmt_age,
        status=lambda s: STATUS_LABELS.get(s or "", (s or "").replace("-", " ").capitalize()),
    )

    @app.context_processor
    def _menu() -> dict[str, Any]:
        return {"menu": menu, "clinic_tz": clinic_tz}
