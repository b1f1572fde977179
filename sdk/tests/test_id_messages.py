"""Id mistakes get a message that says what to do, not pydantic's regular expression."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from vesalius_sdk import Discipline, LongTextField, NoteTemplate, Section


def template(template_id: str = "ot.visit", section_id: str = "s") -> NoteTemplate:
    return NoteTemplate(id=template_id, title="Visit", discipline="ot", sections=(
        Section(id=section_id, title="S", fields=(LongTextField(id="t", label="T"),)),))


@pytest.mark.parametrize(("make", "message"), [
    (lambda: template("hand-assessment"),
     "'hand-assessment' is not a pack-namespaced id: prefix it with your pack's name, as in "
     "'yourpack.hand-assessment'"),
    (lambda: template("OT.Hand Assessment"),
     "'OT.Hand Assessment' is not a pack-namespaced id: use lower-case letters, digits, '-' "
     "and '_' (for example 'ot.hand-assessment')"),
    (lambda: template(section_id="Subjective"),
     "'Subjective' is not a field, section or item id: these become keys of the note "
     "document, so use lower-case letters, digits and '_', starting with a letter (for "
     "example 'subjective')"),
    (lambda: template(section_id="pain-now"),
     "(for example 'pain_now')"),
    (lambda: Discipline(id="Hand Therapy", title="Hand therapy"),
     "'Hand Therapy' is not a short id: use lower-case letters, digits and '-', starting with "
     "a letter or digit (for example 'hand-therapy')"),
])
def test_id_errors_say_what_to_do(make, message):
    with pytest.raises(ValidationError) as excinfo:
        make()
    text = str(excinfo.value)
    assert message in text
    assert "should match pattern" not in text
