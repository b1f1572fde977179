"""The owner's import page: a CSV of patients, cases, appointments or opening balances
(from the system the clinic leaves, or a Vesalius export's ``import/`` files), or a whole
``vesalius export`` zip, checked row by row (a dry run by default) and imported all or
nothing."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..imports.presets import PRESETS
from ..imports.report import ImportReport
from ..imports.rows import MAX_UPLOAD_BYTES, FileProblem, decode
from ..imports.run import KINDS, run, run_archive
from .context import actor, database, db
from .security import accepts_upload, requires

bp = Blueprint("imports", __name__, url_prefix="/admin/import")

#: Problems listed on the page (all are counted; the command line prints them all).
SHOWN = 500
#: A whole export: its import files in order, in one transaction.
ARCHIVE = "archive"
LABELS = {"patients": "Patients", "cases": "Cases (a Vesalius export's)",
          "appointments": "Appointments",
          "balances": "Opening balances (a Vesalius export's)",
          ARCHIVE: "A whole Vesalius export (.zip)"}


def _page(form: dict[str, str], errors: dict[str, str],
          reports: list[ImportReport] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("admin/import.html", form=form, errors=errors,
                           reports=reports or [],
                           presets=[(p.name, p.label) for p in PRESETS.values()],
                           kinds=[(k, LABELS[k]) for k in (*KINDS, ARCHIVE)], shown=SHOWN,
                           max_mb=MAX_UPLOAD_BYTES // (1024 * 1024)), status


@bp.route("/")
@requires("imports.run")
def page() -> tuple[str, int]:
    return _page({"kind": "patients", "preset": "generic", "dry_run": "1"}, {})


@bp.route("/", methods=["POST"])
@requires("imports.run")
@accepts_upload(MAX_UPLOAD_BYTES + 64 * 1024,  # and the form's other fields
                f"file: larger than {MAX_UPLOAD_BYTES // 2**20} MB. Import it from the "
                "command line (vesalius import patients FILE), which reads any size.")
def upload() -> tuple[str, int]:
    form = {k: request.form.get(k, "").strip() for k in ("kind", "preset", "date_format")}
    upload = request.files.get("file")
    form["dry_run"] = "1" if request.form.get("dry_run") else ""
    errors: dict[str, str] = {}
    if form["kind"] not in KINDS and form["kind"] != ARCHIVE:
        errors["kind"] = "choose what the file holds"
    if form["preset"] not in PRESETS:
        errors["preset"] = "choose whose column names the file has"
    if form["date_format"] and "%" not in form["date_format"]:
        errors["date_format"] = "write it with codes such as %d/%m/%Y"
    if upload is None or not upload.filename:
        errors["file"] = "choose a CSV file"
    elif form["kind"] == ARCHIVE and not upload.filename.lower().endswith(".zip"):
        errors["file"] = "must be the .zip file vesalius export wrote"
    elif form["kind"] != ARCHIVE and not upload.filename.lower().endswith((".csv", ".txt")):
        errors["file"] = "must be a .csv file (save the spreadsheet as CSV UTF-8)"
    if errors:
        return _page(form, errors, status=422)
    assert upload is not None
    # The import is its own transaction(s) on its own session: end the request's (its
    # reads, the pack switches among them, hold SQLite's write lock until it ends).
    db().commit()
    try:
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if form["kind"] == ARCHIVE:
            reports = run_archive(database(), actor(), data, dry_run=bool(form["dry_run"]))
        else:
            reports = [run(database(), actor(), form["kind"], decode(data), form["preset"],
                           dry_run=bool(form["dry_run"]),
                           date_format=form["date_format"] or None)]
    except FileProblem as exc:
        return _page(form, {exc.field if exc.field in ("kind", "preset") else "file":
                            str(exc)}, status=422)
    return _page(form, {}, reports, status=200 if all(r.ok for r in reports) else 422)
