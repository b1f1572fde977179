"""Patients: search, the profile, registration with a duplicate warning, editing details."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..db.types import utcnow
from ..errors import ServiceError
from ..models import Patient
from ..services import access, billing, packages, patients, payers, scheduling
from ..services import cases as case_service
from ..services.common import parse_id
from .context import actor, db, registry, rollback
from .forms import FormError, clean, parse, service_errors, summary
from .lookups import notes_of_patient
from .portal import account_state as portal_account_state
from .security import requires

bp = Blueprint("patients", __name__, url_prefix="/patients")

#: The form fields of a patient's details, as the service's input model names them.
DETAIL_FIELDS = (
    "given_name", "family_name", "preferred_name", "birth_date", "sex", "gender_identity",
    "pronouns", "email", "phone", "mobile", "address_line1", "address_line2", "city",
    "region", "postal_code", "country", "emergency_contact_name", "emergency_contact_phone",
    "emergency_contact_relationship", "preferred_contact", "language", "admin_note",
)
FLAGS = ("reminders_email", "reminders_sms", "marketing_opt_in")


def _patient_json(p: Patient) -> dict[str, Any]:
    return {"id": p.id, "name": f"{p.display_name}",
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "phone": p.mobile or p.phone or None}


@bp.route("/")
@requires("patients.search")
def search() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    page = min(parse_id(request.args.get("page")) or 0, 10_000)  # offset stays in range
    found = patients.search(db(), actor(), q, limit=26, offset=page * 25) if q else []
    return render_template("patients/search.html", q=q, patients=found[:25], page=page,
                           more=len(found) > 25)


@bp.route("/lookup")
@requires("patients.search")
def lookup() -> Response:
    """Inline patient search of the booking form (JSON)."""
    q = (request.args.get("q") or "").strip()[:100]
    found = patients.search(db(), actor(), q, limit=10) if len(q) >= 2 else []
    return jsonify({"patients": [_patient_json(p) for p in found]})


@bp.route("/<int:patient_id>/cases.json")
@requires("cases.read")
def cases_json(patient_id: int) -> Response:
    found = case_service.of_patient(db(), actor(), patient_id, status="open")
    return jsonify({"cases": [{"id": c.id, "title": c.title or f"Case {c.id}, details restricted",
                               "discipline": c.discipline}
                              for c in found]})


def _details(form: Any) -> dict[str, Any]:
    data = clean(form, DETAIL_FIELDS, booleans=FLAGS)
    if data.get("country"):
        data["country"] = data["country"].upper()
    return data


def _duplicates(data: dict[str, Any]) -> list[Patient]:
    """Patients who may be the same person: same name and birth date, or same phone or
    e-mail. A few indexed searches."""
    session, who = db(), actor()
    seen: dict[int, Patient] = {}
    given, family = data.get("given_name") or "", data.get("family_name") or ""
    if given and family:
        for p in patients.search(session, who, f"{family}, {given}", limit=10):
            if not data.get("birth_date") or p.birth_date is None or \
                    p.birth_date.isoformat() == str(data["birth_date"]):
                seen[p.id] = p
    for key in ("email", "mobile", "phone"):
        if data.get(key):
            for p in patients.search(session, who, str(data[key]), limit=5):
                seen.setdefault(p.id, p)
    return list(seen.values())


@bp.route("/new", methods=["GET", "POST"])
@requires("patients.create")
def new() -> str | Response | tuple[str, int]:
    form: dict[str, Any] = {"preferred_contact": "email", "reminders_email": True}
    errors: dict[str, str] = {}
    duplicates: list[Patient] = []
    message = None
    if request.method == "POST":
        form = _details(request.form)
        try:
            data = parse(patients.PatientIn, {k: v for k, v in form.items() if v is not None})
            if request.form.get("confirmed") != "yes":
                duplicates = _duplicates(form)
            if not duplicates:
                patient = patients.create(db(), actor(), data)
                flash(f"Registered {patient.display_name}.", "success")
                return redirect(url_for("patients.profile", patient_id=patient.id))
            message = "This may be a patient you already have. Check before registering."
        except (FormError, ServiceError) as exc:
            rollback()
            failure = exc if isinstance(exc, FormError) else service_errors(exc)
            errors, message = failure.errors, failure.message
    return render_template("patients/edit.html", form=form, errors=errors, message=message,
                           duplicates=duplicates, patient=None), (422 if errors else 200)


@bp.route("/<int:patient_id>")
@requires("patients.read")
def profile(patient_id: int) -> str:
    session, who = db(), actor()
    patient = patients.read(session, who, patient_id)
    cases = case_service.of_patient(session, who, patient_id)
    appointments = scheduling.list_appointments(session, who, patient_id=patient_id,
                                                limit=500)
    now = utcnow()
    upcoming = [a for a in appointments if a.start_at >= now]
    past = list(reversed([a for a in appointments if a.start_at < now]))[:30]
    invoices, account, payments = [], None, []
    if who.can("billing.read"):
        invoices = list(reversed(billing.list_invoices(session, who, patient_id=patient_id)))
        account = billing.account(session, who, patient_id)
        payments = billing.payments_of(session, who, patient_id)
    balances = packages.of_patient(session, who, patient_id) \
        if who.can("packages.read") else None
    on_sale = packages.list_products(session, who) if who.can("packages.sell") else []
    clinical = access.may(session, who, "notes.read", patient_id)  # role and care team
    notes = notes_of_patient(session, who, patient_id) if clinical else []
    coverages = payers.coverages_of(session, who, patient_id)
    payer_list = payers.list_payers(session, who) if who.can("settings.read") else []
    return render_template(
        "patients/profile.html", patient=patient, cases=cases, upcoming=upcoming, past=past,
        invoices=invoices, account=account, payments=payments, notes=notes,
        coverages=coverages, consents=patients.consents_in_force(patient),
        services={s.id: s for s in _services()}, practitioners=_practitioners(),
        age=_age(patient.birth_date), payers=payer_list,
        disciplines=registry().disciplines, consent_kinds=patients.CONSENT_KINDS,
        break_glass=who.can("notes.read") and not clinical, balances=balances,
        on_sale=on_sale, may_sell=who.can("packages.sell"),
        may_manage_packages=who.can("packages.products"),
        portal_account=portal_account_state(patient_id, who))


def _services() -> list[Any]:
    from ..services import clinic

    return clinic.list_services(db(), actor(), include_inactive=True)


def _practitioners() -> dict[int, Any]:
    from ..services import practitioners

    return {p.id: p for p in practitioners.list_practitioners(db(), actor(),
                                                              include_inactive=True)}


def _age(born: date | None) -> int | None:
    if born is None:
        return None
    today = date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@bp.route("/<int:patient_id>/edit", methods=["GET", "POST"])
@requires("patients.update")
def edit(patient_id: int) -> str | Response | tuple[str, int]:
    session, who = db(), actor()
    patient = patients.read(session, who, patient_id)
    errors: dict[str, str] = {}
    message = None
    if request.method == "POST":
        form = _details(request.form)
        try:
            data = parse(patients.PatientUpdate, form)
            patients.update(session, who, patient_id, data)
        except (FormError, ServiceError) as exc:
            rollback()
            failure = exc if isinstance(exc, FormError) else service_errors(exc)
            errors, message = failure.errors, failure.message
        else:
            flash("Saved.", "success")
            return redirect(url_for("patients.profile", patient_id=patient_id))
    else:
        form = {name: getattr(patient, name) for name in DETAIL_FIELDS + FLAGS}
    return render_template("patients/edit.html", form=form, errors=errors, message=message,
                           duplicates=[], patient=patient), (422 if errors else 200)


@bp.route("/<int:patient_id>/consents", methods=["POST"])
@requires("patients.update")
def add_consent(patient_id: int) -> Response:
    data = clean(request.form, ("kind", "note"))
    data["granted"] = request.form.get("granted") == "yes"
    try:
        patients.add_consent(db(), actor(), patient_id, parse(patients.ConsentIn, data))
    except (FormError, ServiceError) as exc:
        rollback()
        if isinstance(exc, ServiceError) and exc.status in (403, 404):
            raise
        flash("The consent could not be recorded: " + summary(exc), "error")
    else:
        flash("Consent recorded.", "success")
    return redirect(url_for("patients.profile", patient_id=patient_id) + "#consents")


@bp.route("/<int:patient_id>/cases", methods=["POST"])
@requires("cases.write")
def open_case(patient_id: int) -> Response:
    data = clean(request.form, ("discipline", "title", "referral_source", "referrer_name",
                                "referral_date", "injury_date", "payer_id", "coverage_id",
                                "authorised_visits", "primary_practitioner_id"),
                 lists=())
    codes = (request.form.get("diagnosis_codes") or "").replace(",", " ").split()
    data.update(patient_id=patient_id, diagnosis_codes=codes)
    try:
        case = case_service.open_case(db(), actor(), parse(
            case_service.CaseIn, {k: v for k, v in data.items() if v is not None}))
    except (FormError, ServiceError) as exc:
        rollback()
        if isinstance(exc, ServiceError) and exc.status in (403, 404):
            raise
        flash("The case could not be opened: " + summary(exc), "error")
        return redirect(url_for("patients.profile", patient_id=patient_id) + "#cases")
    flash("Case opened.", "success")
    return redirect(url_for("cases.case", case_id=case.id))
