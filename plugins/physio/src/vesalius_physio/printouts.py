"""The printouts of the physio pack: the patient's home exercise programme."""

from __future__ import annotations

from vesalius_sdk import NoteContext, PrintHeader, Printout

from .exercises.programme import render_home_programme
from .templates import EXERCISE_PROGRAMME


def _home_programme(note: NoteContext, header: PrintHeader) -> str:
    return render_home_programme(
        note.document, patient_name=header.patient_name,
        practitioner_name=header.practitioner_name, clinic_name=header.clinic_name,
        clinic_phone=header.clinic_phone)


PRINTOUTS: tuple[Printout, ...] = (
    # A handout for the patient: also shown in their portal once the note is signed.
    Printout(id="physio.home-programme", title="Home exercise programme",
             templates=(EXERCISE_PROGRAMME,), render=_home_programme, audience="patient"),
)
