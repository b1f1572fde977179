"""Jinja filters and globals: times in the clinic's zone, money, statuses, the menu."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, request, url_for

from ..permissions import PATIENT, STAFF, allowed
from .context import clinic_tz, current_user, state

log = logging.getLogger("vesalius.web")

#: The staff menu, in order: label and the endpoint it opens. Who sees an entry is not
#: listed here: it is the permission (and audience) its view declares, checked against the
#: one permission table, so the menu offers exactly the pages the gate lets a role open.
MENU = (
    ("Today", "charting.day"),
    ("Calendar", "calendar.day"),
    ("Patients", "patients.search"),
    ("Waitlist", "calendar.waitlist_page"),
    ("Ready to bill", "billing.ready"),
    ("Invoices", "billing.invoices"),
    ("Claims", "billing.claims_page"),
    ("Reports", "reports.index"),
    ("Admin", "admin.index"),
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


def may_open(role: str, endpoint: str) -> bool:
    """Whether the page gate lets ``role`` open ``endpoint``'s page: the permission and
    audience its view declares (a pack's page: its blueprint's permission), checked against
    the one permission table. A page that declares nothing is nobody's."""
    from .security import PACK_DEFAULT_PERMISSION

    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    if getattr(view, "vesalius_public", False):
        return True
    permission = getattr(view, "vesalius_permission", None)
    blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
    if permission is None and getattr(blueprint, "vesalius_pack", False):
        permission = getattr(blueprint, "vesalius_permission", PACK_DEFAULT_PERMISSION)
    audience = getattr(view, "vesalius_audience", "staff")
    if permission is None or (audience == "staff" and role not in STAFF) or (
            audience == "patient" and role != PATIENT):
        return False
    return permission == "*signed-in" or allowed(role, permission)


def menu_entries(role: str) -> list[tuple[str, str]]:
    """The menu a role sees: (label, endpoint), the core's entries then the packs'."""
    entries = [(label, endpoint) for label, endpoint in MENU if may_open(role, endpoint)]
    for _pack, label, endpoint in state().extras.get("pack_menu", []):
        if may_open(role, endpoint):
            entries.append((label, endpoint))
    return entries


def menu() -> list[tuple[str, str, bool]]:
    """The signed-in staff member's menu: label, link, whether it is the current area."""
    user = current_user()
    if user is None or user.role not in STAFF:
        return []
    endpoint = request.endpoint or ""
    area = endpoint.split(".", 1)[0]
    items = []
    for label, target, href in _role_menu(user.role):
        same_area = target.split(".", 1)[0] == area
        items.append((label, href, target == endpoint or (
            same_area and area not in ("calendar", "billing"))))
    return items


def _role_menu(role: str) -> list[tuple[str, str, str]]:
    """A role's menu entries with their links, worked out once per worker (the views, the
    permission table and the packs' entries are fixed when the app starts)."""
    memo = state().extras.setdefault("menu", {})
    key = (role, request.script_root)
    found = memo.get(key)
    if found is None:
        found = memo[key] = [(label, target, url_for(target))
                             for label, target in menu_entries(role)]
    return found  # type: ignore[no-any-return]


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` of a link that is the same on every request (a static file, a page or
    form without arguments of the request's), worked out once per worker: every page has a
    score of them. Only for arguments written in the template, never the request's."""
    memo = state().extras.setdefault("fixed_urls", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    found = memo.get(key)
    if found is None:
        found = memo[key] = url_for(endpoint, **values)
    return found  # type: ignore[no-any-return]


def check_menu(app: Flask) -> None:
    """Refuse to start when a core menu entry names an endpoint no view serves (it would
    silently vanish from the menu); a pack's bad entry is logged and left out."""
    missing = [f"{label} -> {endpoint}" for label, endpoint in MENU
               if endpoint not in app.view_functions]
    if missing:
        raise RuntimeError("menu entries naming no registered endpoint: " + ", ".join(missing))
    extras = app.extensions["vesalius.web"].extras
    kept = []
    for pack, label, endpoint in extras.get("pack_menu", []):
        if endpoint in app.view_functions:
            kept.append((pack, label, endpoint))
        else:
            log.error("pack %r: menu entry %r names no endpoint (%r); left out",
                      pack, label, endpoint)
    extras["pack_menu"] = kept


def template_title(template_id: str) -> str:
    """A note template's title for people ("Initial assessment"), its id when no enabled
    pack has it any more."""
    from .context import registry

    template = registry().templates.get(template_id)
    return template.title if template else template_id


#: Singular words of the pack page's counts ("1 discipline", "2 billing codes").
SINGULAR = {"disciplines": "discipline", "templates": "template", "charts": "chart",
            "measures": "measure", "billing_codes": "billing code"}


def counted(count: int, key: str) -> str:
    """``count`` things of ``key`` in words: ``1 discipline``, ``3 billing codes``."""
    word = SINGULAR.get(key, key) if count == 1 else key
    return f"{count} {word.replace('_', ' ')}"


def sdk_range(spec: str) -> str:
    """A pack's ``Requires-Dist`` range on the SDK in words: ``<0.2,>=0.1`` reads
    ``SDK 0.1 or later, before 0.2``; anything else is shown as written."""
    lower = upper = None
    for clause in (c.strip() for c in spec.split(",") if c.strip()):
        if clause.startswith(">="):
            lower = clause[2:].strip()
        elif clause.startswith("<") and not clause.startswith("<="):
            upper = clause[1:].strip()
        else:
            return f"SDK {spec}"
    if lower and upper:
        return f"SDK {lower} or later, before {upper}"
    if lower:
        return f"SDK {lower} or later"
    return f"SDK before {upper}" if upper else f"SDK {spec}"


def install_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        time=fmt_time, datetime=fmt_datetime, date=fmt_date, money=fmt_money, age=fmt_age,
        status=lambda s: STATUS_LABELS.get(s or "", (s or "").replace("-", " ").capitalize()),
        template_title=template_title, counted=counted, sdk_range=sdk_range,
    )

    @app.context_processor
    def _menu() -> dict[str, Any]:
        return {"menu": menu, "clinic_tz": clinic_tz}

    app.jinja_env.globals["fixed_url"] = fixed_url
