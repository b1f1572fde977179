"""Safety fields and their signing rules, common to every discipline.

Every hands-on discipline screens for red flags, records the patient's consent and
records how the patient responded to treatment. The fields here are built once so that
every pack asks the same questions in the same words, and :func:`safety_problems` is the
one rule that checks them before signing. Put the fields in any section; the rule finds
them by field id in the note's template:

* ``red_flags`` (:func:`red_flag_fields`) ticked needs ``red_flag_action``;
* ``response`` (:func:`response_fields`) set to ``adverse-reaction`` needs
  ``adverse_details``;
* ``consent`` (:func:`consent_field`) must be ticked (``must_be_true``), which the host
  checks with the required fields.

The red-flag list follows Finucane LM et al., "International Framework for Red Flags for
Potential Serious Spinal Pathologies", J Orthop Sports Phys Ther 2020;50(7):350-372, and
the signs of cervical vascular pathology in Rushton A et al., "International Framework for
Examination of the Cervical Region for Potential of Vascular Pathologies of the Neck Prior
to Musculoskeletal Intervention", J Orthop Sports Phys Ther 2023;53(1):7-22. The labels
are our own words; a pack adds the flags of its own field with ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .context import NoteContext, NoteProblem
from .templates import BooleanField, ChoiceField, LongTextField, MultiChoiceField, Option

__all__ = ["ADVERSE_REACTION", "RED_FLAGS", "RESPONSES", "consent_field", "red_flag_fields",
           "response_fields", "safety_problems"]

#: Red flags of serious pathology, for a ``red_flags`` multi-choice field.
RED_FLAGS: tuple[Option, ...] = (
    Option(value="cauda-equina", label="Bladder or bowel change, saddle numbness"),
    Option(value="progressive-neuro", label="Progressive neurological deficit"),
    Option(value="weight-loss", label="Unexplained weight loss"),
    Option(value="fever-infection", label="Fever or suspected infection"),
    Option(value="cancer-history", label="History of cancer"),
    Option(value="major-trauma", label="Significant trauma"),
    Option(value="osteoporosis", label="Osteoporosis or long-term steroids"),
    Option(value="night-pain", label="Unremitting night pain"),
    Option(value="cervical-arterial", label="Dizziness, diplopia, dysarthria, dysphagia, "
                                            "drop attacks, nystagmus, nausea"),
)

#: Responses to treatment, for a ``response`` choice field.
RESPONSES: tuple[Option, ...] = (
    Option(value="tolerated-well", label="Tolerated well"),
    Option(value="immediate-improvement", label="Immediate improvement"),
    Option(value="no-change", label="No change"),
    Option(value="post-treatment-soreness", label="Post-treatment soreness"),
    Option(value="adverse-reaction", label="Adverse reaction"),
)
ADVERSE_REACTION = "adverse-reaction"


def red_flag_fields(extra: tuple[Option, ...] = (), *, label: str = "Red flags present"
                    ) -> tuple[MultiChoiceField, LongTextField]:
    """The red-flag screen (:data:`RED_FLAGS` plus ``extra``) and the action taken on it."""
    return (
        MultiChoiceField(id="red_flags", label=label, options=RED_FLAGS + extra),
        LongTextField(id="red_flag_action", label="Action on red flags",
                      help="Referral or management; needed when a red flag is ticked."),
    )


def response_fields() -> tuple[ChoiceField, LongTextField]:
    """How the patient responded to treatment, and the details of an adverse reaction."""
    return (
        ChoiceField(id="response", label="Response to treatment", options=RESPONSES),
        LongTextField(id="adverse_details",
                      label="Adverse reaction: what happened and what was done"),
    )


def consent_field(label: str = "Informed consent to treatment obtained",
                  help: str | None = "Risks, benefits and alternatives explained; the "
                                     "patient agreed.") -> BooleanField:
    """Informed consent, which must be ticked before the note can be signed."""
    return BooleanField(id="consent", label=label, help=help, required=True,
                        must_be_true=True)


def _path_of(note: NoteContext, key: str) -> str | None:
    if note.template is None:
        return None
    return next((p for p, f in note.template.iter_fields() if f.id == key), None)


def _blank(value: object) -> bool:
    return not str(value or "").strip()


def safety_problems(note: NoteContext) -> Iterator[NoteProblem]:
    """Problems with the safety fields of ``note``'s template, wherever they are."""
    flags, action = _path_of(note, "red_flags"), _path_of(note, "red_flag_action")
    if flags and action and note.value(flags) and _blank(note.value(action)):
        yield NoteProblem(field=action, message="Red flags are ticked: record the action "
                                                "taken (referral or management)")
    response, details = _path_of(note, "response"), _path_of(note, "adverse_details")
    if response and details and note.value(response) == ADVERSE_REACTION and _blank(
        note.value(details)
    ):
        yield NoteProblem(field=details, message="An adverse reaction is recorded: describe "
                                                 "it and what was done")
