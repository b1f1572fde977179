"""Quick search from the header of every page: the JSON the search box asks as you type,
and a plain results page for a search submitted without picking (or without JavaScript)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from ..services import search as search_service
from .context import actor, db
from .filters import STATUS_LABELS, fmt_date, fmt_money
from .security import requires

bp = Blueprint("search", __name__, url_prefix="/search")


def _query() -> str:
    return (request.args.get("q") or "").strip()[:search_service.MAX_LENGTH]


def _url(hit: search_service.Hit) -> str:
    if hit.kind == "invoice":
        return url_for("billing.invoice", invoice_id=hit.id)
    return url_for("patients.profile", patient_id=hit.id)


def _detail(hit: search_service.Hit) -> str:
    """The line under a result's name: what it is and how to tell it from its namesakes."""
    if hit.kind == "invoice":
        return " · ".join(["Invoice", hit.patient_name or "", fmt_money(hit.total),
                           STATUS_LABELS.get(hit.status or "", hit.status or "")])
    born = f"born {fmt_date(hit.birth_date)}" if hit.birth_date else "birth date not known"
    return f"Patient · {born}"


def _json(hit: search_service.Hit) -> dict[str, Any]:
    return {"kind": hit.kind, "id": hit.id, "name": hit.label, "detail": _detail(hit),
            "url": _url(hit)}


@bp.route("/quick")
@requires("patients.search")
def quick() -> Response:
    """Results as you type (the header box, js/combobox.js): ``{"results": [...]}``."""
    hits = search_service.quick_search(db(), actor(), _query())
    return jsonify({"results": [_json(h) for h in hits]})


@bp.route("/")
@requires("patients.search")
def page() -> str:
    q = _query()
    hits = search_service.quick_search(db(), actor(), q, limit=25) if q else []
    return render_template("search/results.html", q=q,
                           hits=[(h, _url(h), _detail(h)) for h in hits],
                           short=0 < len(q) < search_service.MIN_LENGTH)
