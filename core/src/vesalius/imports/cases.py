"""Importing cases (episodes of care) after their patients: each row names its patient by
``patient_external_id`` and its primary practitioner by e-mail or name, and is checked as
the API checks a new case (discipline installed, ICD-10 codes, referrer NPI, dates). The
payer and coverage are not carried: set them on the case after the import (payers are the
clinic's own set-up, not history)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Invalid
from ..models import Case
from ..services import audit
from ..services.actor import Actor
from ..services.cases import CaseIn
from ..services.common import changes
from ..services.practitioners import check_disciplines
from . import rows as cells
from .appointments import lookup
from .presets import Preset
from .report import ImportReport
from .rows import RowError

REQUIRED = ("external_id", "patient_external_id", "discipline", "title")
DATES = ("opened_on", "closed_on", "referral_date", "injury_date", "plan_of_care_start",
         "plan_of_care_end")
#: Columns copied as they are (CaseIn checks them).
PLAIN = ("title", "discipline", "referral_source", "referrer_name", "referrer_npi",
         "authorisation_number")


def import_cases(session: Session, actor: Actor, text: str, preset: Preset, *,
                 dry_run: bool = False, date_format: str | None = None,
                 extra_map: dict[str, str] | None = None) -> ImportReport:
    actor.require("imports.run")
    table = cells.read(text, preset, "cases", REQUIRED, extra_map)
    report = ImportReport("cases", preset.name, dry_run, rows=len(table.rows),
                          ignored_columns=table.ignored)
    find = lookup(session)["practitioner"]
    patient_ids = cells.patient_ids(session, [v.get("patient_external_id", "")
                                              for _, v in table.rows])
    checked: dict[str, tuple[int, tuple[dict[str, Any], set[str]]]] = {}
    for number, values in table.rows:
        result = _row(number, values, find, patient_ids, date_format, report.errors)
        if result is not None:
            cells.keep_first(checked, values["external_id"], number, result, report.errors)
    if report.errors:
        return report
    existing: dict[str, Case] = cells.by_external_id(session, Case, list(checked))
    now = utcnow()
    new: list[dict[str, Any]] = []
    for external_id, (number, (data, given)) in checked.items():
        case = existing.get(external_id)
        if case is None:
            new.append({**data, "external_id": external_id, "created_at": now,
                        "updated_at": now})
        elif case.patient_id != data["patient_id"]:
            report.errors.append(RowError(number, "patient_external_id",
                                          "this case was imported for another patient"))
        elif changed := changes(case, {k: v for k, v in data.items() if k in given}):
            audit.record(session, actor, "update", "case", case.id, case.patient_id,
                         detail="import; fields: " + ", ".join(sorted(changed)))
            report.updated += 1
        else:
            report.unchanged += 1
    if report.errors:
        return report
    if new:
        created = session.execute(insert(Case).returning(
            Case.id, Case.patient_id, sort_by_parameter_order=True), new).all()
        audit.record_many(session, actor, "create", "case", [(i, p) for i, p in created],
                          detail="import")
        report.created = len(created)
    session.flush()
    return report


def _row(number: int, values: dict[str, str], find: Any, patient_ids: dict[str, int],
         date_format: str | None,
         errors: list[RowError]) -> tuple[dict[str, Any], set[str]] | None:
    """The row's values for every column of a new case, and the names the file gave (a
    re-run changes only those: a payer set by hand after the import stays)."""
    before = len(errors)

    def bad(field: str, message: str) -> None:
        errors.append(RowError(number, field, message))

    patient_id = cells.patient_of(number, values, patient_ids, errors)
    data: dict[str, Any] = {f: values[f] for f in PLAIN if f in values}
    for field in DATES:
        if field in values:
            try:
                data[field] = cells.day(values[field], date_format)
            except ValueError as exc:
                bad(field, str(exc))
    if "diagnosis_codes" in values:
        data["diagnosis_codes"] = [c for c in re.split(r"[\s,;]+", values["diagnosis_codes"])
                                   if c]
    if "authorised_visits" in values:
        if values["authorised_visits"].isdigit():
            data["authorised_visits"] = int(values["authorised_visits"])
        else:
            bad("authorised_visits", "must be a whole number")
    if "practitioner" in values:
        data["primary_practitioner_id"] = find(values["practitioner"])
        if data["primary_practitioner_id"] is None:
            bad("practitioner", f"no practitioner with this e-mail or name: "
                                f"{values['practitioner'][:80]}")
    if "discipline" in values:
        try:
            check_disciplines([values["discipline"]])
        except Invalid as exc:
            bad("discipline", exc.message)
    status = values.get("status", "open").lower()
    if status not in ("open", "closed"):
        bad("status", "must be open or closed")
    if len(values.get("close_reason", "")) > 200:
        bad("close_reason", "at most 200 characters")
    if len(values.get("external_id", "")) > 120:
        bad("external_id", "at most 120 characters")
    closed_on = data.pop("closed_on", None) if status == "closed" else None
    data.pop("closed_on", None)
    if status == "closed" and closed_on is None and "closed_on" not in values:
        bad("closed_on", "required for a closed case")
    try:
        case = CaseIn(patient_id=patient_id or 0, **data)
    except ValidationError as exc:
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "row"
            bad(field, problem["msg"].removeprefix("Value error, "))
        return None
    start, end = case.plan_of_care_start, case.plan_of_care_end
    if start and end and end < start:
        bad("plan_of_care_end", "the plan of care ends before it starts")
    if len(errors) > before:
        return None
    out = case.model_dump(exclude={"payer_id", "coverage_id"})
    out.update(opened_on=case.opened_on or closed_on or utcnow().date(), status=status,
               closed_on=closed_on,
               close_reason=values.get("close_reason") if status == "closed" else None)
    return out, set(data) | {"patient_id", "status", "closed_on", "close_reason"}
