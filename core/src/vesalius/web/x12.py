"""The X12 pages of the billing area, for the billing staff and the owner: send a payer's
ready claims as one 837P file (downloaded; the claims become submitted), read an 835
remittance (uploaded; posted as :mod:`vesalius.x12.posting` says), the worklist of the
answers that were not posted, and the clinic's X12 details (the owner changes them)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..errors import ServiceError
from ..models import Claim, Payer
from ..models.x12 import Remittance
from ..x12 import export, posting, settings
from .context import actor, db, rollback
from .forms import FormError, clean, parse, service_errors, summary
from .security import accepts_upload, requires

bp = Blueprint("x12", __name__, url_prefix="/billing/x12")

#: The largest 835 the page takes (a payer's week is a few hundred kilobytes).
MAX_835_BYTES = 5 * 1024 * 1024
FIELDS = tuple(settings.X12SettingsIn.model_fields)


def _ready_by_payer() -> list[tuple[int, str, str | None, int, Any]]:
    """Payers with claims ready to send: id, name, electronic id, count, total (one
    grouped query)."""
    return [tuple(r) for r in db().execute(  # type: ignore[misc]
        select(Payer.id, Payer.name, Payer.payer_code, func.count(Claim.id),
               func.sum(Claim.total))
        .join(Claim, Claim.payer_id == Payer.id).where(Claim.status == "ready")
        .group_by(Payer.id, Payer.name, Payer.payer_code).order_by(Payer.name))]


def _index(errors: dict[str, str] | None = None, result: Remittance | None = None,
           duplicate: bool = False, problems: list[dict[str, Any]] | None = None,
           status: int = 200) -> tuple[str, int]:
    session = db()
    recent = list(session.scalars(select(Remittance).order_by(Remittance.id.desc()).limit(10)))
    return render_template("x12/index.html", payers=_ready_by_payer(),
                           configured=settings.read(session, actor()) is not None,
                           errors=errors or {}, result=result, duplicate=duplicate,
                           problems=problems or [], recent=recent,
                           max_mb=MAX_835_BYTES // 2**20), status


@bp.route("/")
@requires("claims.read")
def index() -> tuple[str, int]:
    return _index()


@bp.route("/batch", methods=["POST"])
@requires("claims.write")
def batch() -> Response | tuple[str, int]:
    """A payer's ready claims as one 837P, downloaded; they become submitted."""
    payer_id = request.form.get("payer_id", "")
    if not payer_id.isdigit():
        return _index({"payer_id": "choose a payer"}, status=422)
    try:
        made = export.batch(db(), actor(), int(payer_id))
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return _index({"payer_id": exc.message if not exc.details else "see below"},
                      problems=[d for d in exc.details if "message" in d] or
                      [{"claim": "", "field": exc.field or "", "message": exc.message}],
                      status=422)
    control = made.interchange.control_number
    return Response(made.text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="837P-{control}.x12"',
        "X-Interchange-Control-Number": str(control), "Cache-Control": "no-store"})


@bp.route("/remittances", methods=["POST"])
@requires("claims.write")
@accepts_upload(MAX_835_BYTES + 64 * 1024,
                f"file: larger than {MAX_835_BYTES // 2**20} MB. Read it from the command "
                "line (vesalius claims import-835 FILE).")
def remittance() -> tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _index({"file": "choose the 835 file the payer sent"}, status=422)
    data = upload.read(MAX_835_BYTES + 1)
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        return _index({"file": "not an X12 835: an 835 is plain ASCII text starting ISA"},
                      status=422)
    if not text.startswith("ISA"):
        return _index({"file": "not an X12 835: an 835 is plain ASCII text starting ISA"},
                      status=422)
    try:
        done = posting.import_835(db(), actor(), text)
    except ServiceError as exc:
        rollback()
        if exc.status in (403, 404):
            raise
        return _index({"file": exc.message}, problems=[
            {"claim": "", "field": d.get("field", ""), "message": d.get("message", "")}
            for d in exc.details], status=422)
    found = posting.with_claims(db(), done.remittance.id)
    return _index(result=found, duplicate=done.duplicate)


@bp.route("/worklist")
@requires("claims.read")
def worklist() -> str:
    rows = posting.worklist(db(), actor())
    numbers: dict[int, str | None] = {}
    if any(r.claim_id for r in rows):
        numbers = dict(db().execute(select(Claim.id, Claim.number).where(
            Claim.id.in_({r.claim_id for r in rows if r.claim_id}))).all())
    remittances = {r.id: r for r in db().scalars(select(Remittance).where(
        Remittance.id.in_({r.remittance_id for r in rows})))} if rows else {}
    return render_template("x12/worklist.html", rows=rows, numbers=numbers,
                           remittances=remittances)


@bp.route("/worklist/<int:row_id>/resolve", methods=["POST"])
@requires("claims.write")
def resolve(row_id: int) -> Response:
    try:
        posting.resolve(db(), actor(), row_id, parse(posting.ResolveIn, clean(
            request.form, ("resolution",))))
    except (FormError, ServiceError) as exc:
        if isinstance(exc, ServiceError) and exc.status in (403, 404):
            raise
        rollback()
        flash("Not resolved: " + summary(exc), "error")
    else:
        flash("Taken off the worklist.", "success")
    return redirect(url_for("x12.worklist"))


@bp.route("/settings")
@requires("claims.read")
def settings_page() -> str:
    row = settings.read(db(), actor())
    form = {f: getattr(row, f) for f in FIELDS} if row else {"test_mode": True}
    return render_template("x12/settings.html", form=form, errors={},
                           may_edit=actor().can("settings.write"))


@bp.route("/settings", methods=["POST"])
@requires("settings.write")
def save_settings() -> Response | tuple[str, int]:
    form = clean(request.form, [f for f in FIELDS if f != "test_mode"],
                 booleans=("test_mode",))
    try:
        settings.save(db(), actor(), parse(settings.X12SettingsIn, form))
    except (FormError, ServiceError) as exc:
        rollback()
        errors = exc.errors if isinstance(exc, FormError) else service_errors(exc).errors
        return render_template("x12/settings.html", form=form, errors=errors,
                               may_edit=True), 422
    flash("X12 details saved.", "success")
    return redirect(url_for("x12.settings_page"))
