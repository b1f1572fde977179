"""ODI and NDI results trend in one series per case whichever pack recorded them (issue 20).

Up to vesalius-physio/-chiro 0.2.0 the ODI was the physio pack's and the NDI the chiro
pack's, so their stored results carry ``pack="physio"`` / ``pack="chiro"`` (the pack whose
scoring produced them, with its version). The core's general pack owns both now. Trends and
the outcome report key on the measure id alone, so old and new results join one series, and
the stored rows keep the provenance they were scored with: no migration rewrites them (the
database refuses to change a measure result of a note anyway). On SQLite and PostgreSQL.

Worked values: ODI 21/50 = 42 % then 16/50 = 32 % (Fairbank & Pynsent, Spine
2000;25(22):2940-52), a change of 10 points, the MCID of Ostelo et al., Spine 2008;33(1):
90-94; NDI raw 20 x 2 = 40 % then raw 16 = 32 % (Vernon & Mior, J Manipulative Physiol
Ther 1991;14(7):409-15), a change of 8 points, short of the 10-point MCID.
"""

from __future__ import annotations

from datetime import date, timedelta

import clinic_testpack as testpack
import pytest
from clinic_factories import MONDAY, at, clinic_setup, visit_document
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from vesalius.models import MeasureResult
from vesalius.plugins import build_registry, set_registry
from vesalius.services import Actor, clinic_reports, notes, outcomes, scheduling
from vesalius.services.scheduling import BookingIn
from vesalius_sdk import MeasureField, NoteTemplate, Section, TextField, hookimpl

ODI_BEFORE, ODI_AFTER = [3, 2, 3, 2, 2, 2, 2, 1, 2, 2], [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]
NDI_BEFORE, NDI_AFTER = [2] * 10, [2, 1, 2, 1, 3, 1, 2, 1, 1, 2]

#: A second discipline's template naming the general pack's spine measures, as chiro's do.
SPINE_VISIT = NoteTemplate(
    id="spinetest.visit", title="Spine visit", discipline="rehab", version=1,
    sections=(Section(id="outcomes", title="Outcome measures", fields=(
        TextField(id="summary", label="Summary"),
        MeasureField(id="odi", label="ODI", measure="odi", pack="general"),
        MeasureField(id="ndi", label="NDI", measure="ndi", pack="general"),
    )),),
)


class SpinePack:
    @hookimpl
    def register_note_templates(self, register):  # type: ignore[no-untyped-def]
        register(SPINE_VISIT)


@pytest.fixture(autouse=True)
def registry():  # type: ignore[no-untyped-def]
    reg = build_registry(extra_plugins=[(testpack.NAME, testpack),
                                        ("spinetest", SpinePack())], entry_points=False)
    set_registry(reg)
    yield reg
    set_registry(None)


def _visit(s, system, c, day: date):  # type: ignore[no-untyped-def]
    appt = scheduling.book(s, system, BookingIn(
        patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
        case_id=c["case"].id, start=at(day, 10), end=at(day, 10, 45)))
    scheduling.set_status(s, system, appt.id, "arrived")
    return appt.id


def _legacy_result(note_id: int | None, c, measure: str, pack: str,  # type: ignore[no-untyped-def]
                   responses: list[int], value: float, band: str, version: str
                   ) -> MeasureResult:
    """A result as vesalius-physio/-chiro 0.2.0 stored it when they owned the measure."""
    return MeasureResult(
        patient_id=c["patient"].id, case_id=c["case"].id, note_id=note_id,
        field_path="outcomes." + measure if note_id else None, measure_id=measure,
        measure_version=version, pack=pack, pack_version="0.2.0", taken_on=MONDAY,
        responses=responses, value=value, band=band, complete=True, subscores={})


@pytest.fixture
def spine_case(db, system, registry):  # type: ignore[no-untyped-def]
    """A case with 0.2.0-era ODI and NDI results (one of a signed note, one recorded outside
    a note), then a week later a note of another template scoring both with the general pack."""
    with db.session() as s:
        c = clinic_setup(s, system)
        prac = c["practitioner"]
        actor = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        first = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=_visit(s, system, c, MONDAY), template_id="rehab.visit",
            document=visit_document(diagnosis=["M54.50"])))
        notes.sign(s, actor, first.id)
        s.add(_legacy_result(first.id, c, "odi", "physio", ODI_BEFORE, 42.0,
                             "severe disability", "2.1a"))
        s.add(_legacy_result(None, c, "ndi", "chiro", NDI_BEFORE, 40.0, "moderate", "1"))
        s.flush()
        second = notes.create_draft(s, actor, notes.DraftIn(
            appointment_id=_visit(s, system, c, MONDAY + timedelta(days=7)),
            template_id="spinetest.visit",
            document={"outcomes": {"odi": {"responses": ODI_AFTER},
                                   "ndi": {"responses": NDI_AFTER}}}))
        notes.sign(s, actor, second.id)
        return {"case": c["case"].id, "actor": actor, "first_note": first.id}


def test_old_and_new_owners_results_join_one_trend_per_measure(db, spine_case):  # type: ignore[no-untyped-def]
    with db.session() as s:
        trends = {t.measure_id: t for t in outcomes.case_trends(s, spine_case["actor"],
                                                                spine_case["case"])}
        owners = sorted(s.execute(select(MeasureResult.measure_id, MeasureResult.pack)
                                  .where(MeasureResult.measure_id.in_(("odi", "ndi")))).all())
    assert set(trends) == {"nprs", "odi", "ndi"}  # the first note's pain rating too
    odi, ndi = trends["odi"], trends["ndi"]
    assert [(p.taken_on, p.value) for p in odi.points] == [
        (MONDAY, 42.0), (MONDAY + timedelta(days=7), 32.0)]
    assert (odi.change, odi.mcid, odi.reached_mcid) == (-10.0, 10, True)
    assert [p.value for p in ndi.points] == [40.0, 32.0]
    assert (ndi.change, ndi.reached_mcid) == (-8.0, False)
    assert odi.title.startswith("Oswestry") and ndi.unit == "%"
    # Each row keeps the pack that scored it: provenance, not a key.
    assert owners == [("ndi", "chiro"), ("ndi", "general"), ("odi", "general"),
                      ("odi", "physio")]


def test_the_outcome_report_counts_one_series_per_case_and_measure(db, spine_case, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        per_case, per_discipline = clinic_reports.outcome_changes(
            s, system, MONDAY, MONDAY + timedelta(days=30))
    assert sorted((c.measure_id, c.first, c.latest, c.results, c.reached_mcid)
                  for c in per_case) == [("ndi", 40.0, 32.0, 2, False),
                                         ("odi", 42.0, 32.0, 2, True)]
    assert sorted((d.measure_id, d.cases) for d in per_discipline) == [("ndi", 1), ("odi", 1)]
    # (The single NPRS result of the first note is no series: it needs two results.)


def test_a_migration_could_not_rewrite_a_notes_result_anyway(db, spine_case):  # type: ignore[no-untyped-def]
    """Why the trend keys on the measure id: results of notes are part of the record."""
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE measure_results SET pack = 'general' "
                       "WHERE note_id = :n AND measure_id = 'odi'"),
                  {"n": spine_case["first_note"]})
    with db.session() as s:
        assert s.scalar(select(MeasureResult.pack).where(
            MeasureResult.note_id == spine_case["first_note"],
            MeasureResult.measure_id == "odi")) == "physio"
